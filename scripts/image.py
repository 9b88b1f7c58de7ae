#!/usr/bin/env python3
"""Build the connector's container image without a container engine.

    scripts/image.py BINARY OUTPUT.tar [--rootfs DIR]

OUTPUT.tar is an OCI image layout (oci-layout, index.json, blobs/sha256/...) that also carries
a docker-archive manifest.json, so `docker load`, `podman load` and `skopeo copy oci-archive:`
all accept it. The image has one layer, made of files of this Debian 12 machine:

  /usr/local/bin/destination-aws-datalake   the connector (stripped), ENTRYPOINT
  its shared libraries and the dynamic loader, at their Debian paths (merged /usr)
  /usr/bin/busybox and /bin/sh etc.         busybox-static: the POSIX shell and the few
                                            utilities Airbyte's pod scripts call (sleep, mv...)
  /etc/ssl/certs/ca-certificates.crt        ca-certificates: the CA bundle libcurl verifies with
  /etc/passwd, /etc/group                   user airbyte, uid/gid 1000, home /airbyte
  /airbyte (owned by 1000), /tmp (1777)     the only writable places
  /var/lib/dpkg/status.d, /usr/share/doc/*/copyright
                                            which Debian packages the files come from (for
                                            vulnerability scanners) and their licences

The archive is reproducible: entries sorted, numeric owners, every mtime SOURCE_DATE_EPOCH
(default 0), gzip without name or time. The version comes from `BINARY --version`, which prints
the CMake project version. With --rootfs DIR the layer is also unpacked into DIR (the
Dockerfile copies that tree into a scratch image).
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timezone

NAME = "airbyte/destination-aws-datalake"
ENTRYPOINT = "/usr/local/bin/destination-aws-datalake"
BUSYBOX = "/bin/busybox"
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
UID = GID = 1000
# Applets linked next to busybox: the shell, and what shell scripts around a connector use
# (Airbyte's pod scripts call sleep, mv and touch; the rest is for a look inside the image).
APPLETS = """sh [ basename cat chmod cp cut date dirname du echo env false find grep head id kill
ln ls mkdir mkfifo mktemp mv printf ps pwd readlink realpath rm rmdir sed sleep sort stat tail
tee test timeout touch tr true uname uniq wc which whoami xargs zcat""".split()

PASSWD = "root:x:0:0:root:/root:/sbin/nologin\nairbyte:x:1000:1000:airbyte:/airbyte:/bin/sh\n"
GROUP = "root:x:0:\nairbyte:x:1000:\n"
NSSWITCH = "passwd: files\ngroup: files\nhosts: files dns\n"
HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"


class Layer:
    """The layer's entries by path (no leading slash): dirs, files and symlinks."""

    def __init__(self):
        self.entries = {}
        self.host_files = []  # host paths copied, to find their Debian packages

    def dir(self, path, mode=0o755, uid=0, gid=0):
        path = path.strip("/")
        if not path:
            return
        parent = os.path.dirname(path)
        if parent and parent not in self.entries:
            self.dir(parent)
        existing = self.entries.get(path)
        if existing is not None and existing["type"] != tarfile.DIRTYPE:
            raise SystemExit(f"image: /{path} is both a directory and a {existing['type']}")
        self.entries[path] = {"type": tarfile.DIRTYPE, "mode": mode, "uid": uid, "gid": gid}

    def _parent(self, path):
        parent = os.path.dirname(path)
        if parent and parent not in self.entries:
            self.dir(parent)

    def data(self, path, content, mode=0o644):
        path = path.strip("/")
        self._parent(path)
        self.entries[path] = {"type": tarfile.REGTYPE, "mode": mode, "uid": 0, "gid": 0,
                              "data": content}

    def symlink(self, path, target):
        path = path.strip("/")
        self._parent(path)
        self.entries[path] = {"type": tarfile.SYMTYPE, "mode": 0o777, "uid": 0, "gid": 0,
                              "target": target}

    def host_file(self, host_path, path=None):
        """Copy a regular host file; executables stay executable, nothing else is kept."""
        with open(host_path, "rb") as f:
            content = f.read()
        executable = os.stat(host_path).st_mode & 0o111
        self.data(path or host_path, content, 0o755 if executable else 0o644)
        if path is None:
            self.host_files.append(host_path)

    def host_path(self, host_path):
        """Copy `host_path` as the host has it: every symlink on the way (/lib -> usr/lib,
        libz.so.1 -> libz.so.1.2.13) becomes the same symlink in the image, then the file."""
        parts = host_path.strip("/").split("/")
        current = ""
        for i, part in enumerate(parts):
            current = f"{current}/{part}"
            if os.path.islink(current):
                target = os.readlink(current)
                if current.strip("/") not in self.entries:
                    self.symlink(current, target)
                resolved = os.path.normpath(os.path.join(os.path.dirname(current), target))
                rest = "/".join(parts[i + 1:])
                return self.host_path(f"{resolved}/{rest}" if rest else resolved)
            if i < len(parts) - 1:
                if current.strip("/") not in self.entries:
                    self.dir(current)
            elif os.path.isfile(current):
                self.host_file(current)
            else:
                raise SystemExit(f"image: {host_path} is not a regular file")
        return current

    def tar(self, epoch):
        """The layer as an uncompressed, reproducible tar."""
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for path in sorted(self.entries):
                e = self.entries[path]
                info = tarfile.TarInfo(path)
                info.type = e["type"]
                info.mode = e["mode"]
                info.uid, info.gid = e["uid"], e["gid"]
                info.uname = info.gname = ""
                info.mtime = epoch
                if e["type"] == tarfile.SYMTYPE:
                    info.linkname = e["target"]
                    tar.addfile(info)
                elif e["type"] == tarfile.REGTYPE:
                    info.size = len(e["data"])
                    tar.addfile(info, io.BytesIO(e["data"]))
                else:
                    tar.addfile(info)
        return out.getvalue()


def run(args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def shared_libraries(executable):
    """Host paths of the libraries `executable` loads, the dynamic loader included."""
    result = subprocess.run(["ldd", executable], capture_output=True, text=True)
    if result.returncode != 0:
        if "not a dynamic executable" in result.stdout + result.stderr:
            return []
        raise SystemExit(f"image: ldd {executable} failed: {result.stderr}")
    paths = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if "not found" in line:
            raise SystemExit(f"image: {executable} needs a library this machine lacks: {line}")
        m = re.match(r"^(?:\S+ => )?(/\S+) \(0x[0-9a-f]+\)$", line)
        if m:
            paths.append(m.group(1))
    return paths


def stripped_copy(binary, workdir):
    """The binary without its symbol table (strip from binutils), or as it is without strip."""
    if shutil.which("strip") is None:
        return binary
    out = os.path.join(workdir, os.path.basename(binary))
    run(["strip", "--strip-unneeded", "-o", out, binary])
    return out


def debian_packages(host_files):
    """{package: status stanza} of the Debian packages that ship `host_files`. dpkg records
    the paths from before the /usr merge (/lib/...), so both spellings are asked about."""
    candidates = set()
    for f in host_files:
        for p in (f, os.path.realpath(f)):
            candidates.add(p)
            if p.startswith("/usr/"):
                candidates.add(p[len("/usr"):])
    result = subprocess.run(["dpkg-query", "-S", *sorted(candidates)], capture_output=True,
                            text=True)
    packages = set()
    for line in result.stdout.splitlines():
        owners, _, _ = line.partition(": ")
        packages.update(o.strip() for o in owners.split(","))
    stanzas = {}
    for stanza in run(["dpkg-query", "-s", *sorted(packages)]).strip().split("\n\n"):
        name = re.search(r"^Package: (\S+)$", stanza, re.M).group(1)
        stanzas[name] = stanza + "\n"
    return stanzas


def build_layer(binary):
    layer = Layer()
    with tempfile.TemporaryDirectory() as workdir:
        layer.host_file(stripped_copy(binary, workdir), ENTRYPOINT)
    for lib in shared_libraries(binary):
        layer.host_path(lib)

    if not os.path.isfile(BUSYBOX):
        raise SystemExit(f"image: {BUSYBOX} is missing (apt-get install busybox-static)")
    busybox = layer.host_path(BUSYBOX)
    for lib in shared_libraries(BUSYBOX):
        layer.host_path(lib)
    # The applets go next to busybox: /usr/bin on a merged-/usr Debian, where /bin is a link
    # to it, so /bin/sh and a PATH lookup of `sh` both find the shell.
    bin_dir = os.path.dirname(busybox)
    for applet in APPLETS:
        if f"{bin_dir}/{applet}".strip("/") not in layer.entries:
            layer.symlink(f"{bin_dir}/{applet}", "busybox")

    if not os.path.isfile(CA_BUNDLE):
        raise SystemExit(f"image: {CA_BUNDLE} is missing (apt-get install ca-certificates)")
    layer.host_path(CA_BUNDLE)
    if os.path.isfile("/usr/lib/os-release"):  # which distribution the libraries are from
        layer.host_path("/usr/lib/os-release")
        layer.symlink("/etc/os-release", "../usr/lib/os-release")

    layer.data("/etc/passwd", PASSWD.encode())
    layer.data("/etc/group", GROUP.encode())
    layer.data("/etc/nsswitch.conf", NSSWITCH.encode())
    layer.data("/etc/hosts", HOSTS.encode())
    layer.dir("/root", 0o700)
    layer.dir("/airbyte", 0o755, UID, GID)
    layer.dir("/tmp", 0o1777)

    # What a scanner or a licence review needs to know about the Debian files. The CA bundle
    # is generated by update-ca-certificates, so no package owns it: ask for the script's.
    packages = debian_packages(layer.host_files + ["/usr/sbin/update-ca-certificates"])
    for pkg, stanza in packages.items():
        layer.data(f"/var/lib/dpkg/status.d/{pkg}", stanza.encode())
        copyright_file = f"/usr/share/doc/{pkg}/copyright"
        if os.path.isfile(copyright_file):
            layer.host_file(copyright_file)
    return layer


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def gzipped(data):
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=6) as gz:
        gz.write(data)
    return out.getvalue()


def image_archive(layer_tar, version, epoch):
    """The OCI layout tar (with a docker-archive manifest.json) of a one-layer image."""
    layer_gz = gzipped(layer_tar)
    created = datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    config = {
        "created": created,
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "User": f"{UID}:{GID}",
            "Env": [
                "PATH=/usr/local/bin:/usr/bin:/bin",
                f"AIRBYTE_ENTRYPOINT={ENTRYPOINT}",
            ],
            "Entrypoint": [ENTRYPOINT],
            "WorkingDir": "/airbyte",
            "Labels": {
                "io.airbyte.name": NAME,
                "io.airbyte.version": version,
                "org.opencontainers.image.title": NAME,
                "org.opencontainers.image.version": version,
                "org.opencontainers.image.licenses": "MIT",
            },
        },
        "rootfs": {"type": "layers", "diff_ids": [sha256(layer_tar)]},
        "history": [{"created": created, "created_by": "scripts/image.py"}],
    }
    config_blob = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256(config_blob), "size": len(config_blob)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": sha256(layer_gz), "size": len(layer_gz)}],
    }
    manifest_blob = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    tag = f"{NAME}:{version}"
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": sha256(manifest_blob),
            "size": len(manifest_blob),
            "annotations": {"io.containerd.image.name": f"docker.io/{tag}",
                            "org.opencontainers.image.ref.name": version},
        }],
    }
    blob = lambda data: "blobs/sha256/" + sha256(data).split(":")[1]  # noqa: E731
    docker_manifest = [{"Config": blob(config_blob), "RepoTags": [tag],
                        "Layers": [blob(layer_gz)]}]
    files = {
        "oci-layout": json.dumps({"imageLayoutVersion": "1.0.0"}).encode(),
        "index.json": json.dumps(index, sort_keys=True, separators=(",", ":")).encode(),
        "manifest.json": json.dumps(docker_manifest, separators=(",", ":")).encode(),
        blob(config_blob): config_blob,
        blob(manifest_blob): manifest_blob,
        blob(layer_gz): layer_gz,
    }
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ("blobs", "blobs/sha256"):
            info = tarfile.TarInfo(d)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, epoch
            tar.addfile(info)
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(files[name]), 0o644, epoch
            tar.addfile(info, io.BytesIO(files[name]))
    return out.getvalue(), tag, len(layer_gz)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("output")
    parser.add_argument("--rootfs", help="also unpack the layer into this directory")
    args = parser.parse_args()

    version_line = run([args.binary, "--version"]).strip()
    version = version_line.rsplit(" ", 1)[-1]
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise SystemExit(f"image: unexpected --version output {version_line!r}")
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))

    layer_tar = build_layer(args.binary).tar(epoch)
    archive, tag, layer_size = image_archive(layer_tar, version, epoch)
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(archive)
    os.replace(tmp, args.output)
    if args.rootfs:
        os.makedirs(args.rootfs, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(layer_tar)) as tar:
            tar.extractall(args.rootfs, numeric_owner=True)
    mb = lambda n: f"{n / 1e6:.1f} MB"  # noqa: E731
    print(f"{args.output}: {tag}, {mb(len(archive))} "
          f"(one layer: {mb(layer_size)} gzip, {mb(len(layer_tar))} unpacked)")


if __name__ == "__main__":
    sys.exit(main())
