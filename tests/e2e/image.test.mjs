// The container image (`make image`, build/destination-aws-datalake-image.tar) run as a
// container runtime and Airbyte run it: the archive is unpacked layer by layer into a root file
// system, and the connector is started there with chroot as the image's user, in its working
// directory, with exactly the image's environment, through `sh -c` and
// `eval "$AIRBYTE_ENTRYPOINT ..."` as Airbyte's pods do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import YAML from 'yaml';
import { run, runProgram, tempDir, states, errors, ofType, readTable, stream, record, streamState, status } from './harness.mjs';
import {
  rgw, haveRadosgw, startMoto, startValidatingProxy, startTlsProxy, s3Config, stopServices, s3Objects, mirrorTable,
} from './services.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const IMAGE = process.env.DATALAKE_IMAGE ?? path.join(ROOT, 'build/destination-aws-datalake-image.tar');
const skip = !fs.existsSync(IMAGE) ? `no image at ${IMAGE} (make image builds it)`
  : process.getuid() !== 0 ? 'running the image with chroot needs root' : false;
const skipS3 = skip || (haveRadosgw ? false : 'radosgw is not running (make test starts it)');

const sha256 = (data) => `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

// The OCI layout inside the archive: index -> manifest -> config and layers, every blob checked
// against its digest and size.
function readArchive(archive) {
  const dir = tempDir('image-oci');
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  const blob = (descriptor) => {
    const file = path.join(dir, 'blobs', ...descriptor.digest.split(':'));
    const data = fs.readFileSync(file);
    assert.equal(sha256(data), descriptor.digest, file);
    assert.equal(data.length, descriptor.size, file);
    return { file, data };
  };
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'oci-layout'), 'utf8')).imageLayoutVersion, '1.0.0');
  assert.equal(index.manifests.length, 1);
  const manifest = JSON.parse(blob(index.manifests[0]).data);
  const config = JSON.parse(blob(manifest.config).data);
  const layers = manifest.layers.map((l) => {
    assert.equal(l.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
    return blob(l).file;
  });
  const docker = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  return { dir, index, manifest, config, layers, docker };
}

// Apply the layers in order, as a runtime does: a layer's whiteouts (.wh.NAME removes NAME,
// .wh..wh..opq empties its directory) hide what the layers below it put there, then its files
// are extracted with their owners and modes.
function unpack(image, rootfs) {
  fs.mkdirSync(rootfs, { recursive: true });
  image.layers.forEach((layer, i) => {
    assert.equal(sha256(zlib.gunzipSync(fs.readFileSync(layer))), image.config.rootfs.diff_ids[i], 'diff_id');
    const names = execFileSync('tar', ['-tzf', layer], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n');
    for (const name of names.filter((n) => path.basename(n).startsWith('.wh.'))) {
      const parent = path.join(rootfs, path.dirname(name));
      const base = path.basename(name);
      const victims = base === '.wh..wh..opq'
        ? (fs.existsSync(parent) ? fs.readdirSync(parent).map((n) => path.join(parent, n)) : [])
        : [path.join(parent, base.slice('.wh.'.length))];
      for (const v of victims) fs.rmSync(v, { recursive: true, force: true });
    }
    execFileSync('tar', ['-xzpf', layer, '--numeric-owner', '--same-owner', '--exclude=.wh.*', '-C', rootfs]);
  });
}

let image;
let rootfs;
let chroot;
let glue; // moto behind the validating proxy, for the tests with S3
before(async () => {
  if (skip) return;
  image = readArchive(IMAGE);
  rootfs = path.join(tempDir('image-rootfs'), 'rootfs');
  unpack(image, rootfs);
  chroot = execFileSync('sh', ['-c', 'command -v chroot'], { encoding: 'utf8' }).trim();
  if (!skipS3) glue = (await startValidatingProxy(await startMoto())).endpoint;
});
after(stopServices);

// Run `command` (shell text after the entrypoint: "spec", "check --config ...") in the image.
// `extraEnv` adds to the image's environment, as `docker run -e` would.
async function runInImage(command, input = '', { extraEnv = {}, raw = false } = {}) {
  const { User, Env, WorkingDir } = image.config.config;
  const [uid, gid] = User.split(':');
  const env = Object.fromEntries(Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const script = raw ? command : `cd ${WorkingDir} && eval "$AIRBYTE_ENTRYPOINT ${command}"`;
  return runProgram(chroot, [`--userspec=${uid}:${gid}`, `--groups=${gid}`, rootfs, '/bin/sh', '-c', script], input,
    { env: { ...env, ...extraEnv } });
}

// Put `files` ({name: content}) into the image's working directory, readable by its user.
function putInWorkdir(files) {
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(rootfs, 'airbyte', name), typeof content === 'string' ? content : JSON.stringify(content));
  }
}

test('the image names itself airbyte/destination-aws-datalake at the version of the binary and metadata.yaml', { skip }, async () => {
  const { config, index, docker } = image;
  const version = (await run(['--version'])).stdout.trim().replace(/^destination-aws-datalake /, '');
  const metadata = YAML.parse(fs.readFileSync(path.join(ROOT, 'metadata.yaml'), 'utf8')).data;
  assert.equal(metadata.dockerImageTag, version);
  assert.equal(config.config.Labels['io.airbyte.name'], 'airbyte/destination-aws-datalake');
  assert.equal(config.config.Labels['io.airbyte.name'], metadata.dockerRepository);
  assert.equal(config.config.Labels['io.airbyte.version'], version);
  assert.equal(index.manifests[0].annotations['io.containerd.image.name'], `docker.io/airbyte/destination-aws-datalake:${version}`);
  assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], version);
  assert.deepEqual(docker[0].RepoTags, [`airbyte/destination-aws-datalake:${version}`]);
  assert.equal(docker[0].Config, `blobs/sha256/${image.manifest.config.digest.split(':')[1]}`);
  assert.deepEqual(docker[0].Layers, image.manifest.layers.map((l) => `blobs/sha256/${l.digest.split(':')[1]}`));
  assert.equal(config.architecture, 'amd64');
  assert.equal(config.os, 'linux');
});

test('the entrypoint is absolute and AIRBYTE_ENTRYPOINT repeats it; the user is airbyte, uid 1000, at home in /airbyte', { skip }, () => {
  const { Entrypoint, Env, User, WorkingDir } = image.config.config;
  assert.ok(Entrypoint.length >= 1 && Entrypoint.every((a) => !/\s/.test(a)), Entrypoint.join(' '));
  assert.ok(path.isAbsolute(Entrypoint[0]), Entrypoint[0]);
  assert.ok(Env.includes(`AIRBYTE_ENTRYPOINT=${Entrypoint.join(' ')}`), Env.join(' '));
  assert.ok(fs.statSync(path.join(rootfs, Entrypoint[0])).mode & 0o111);
  assert.equal(User, '1000:1000');
  assert.equal(WorkingDir, '/airbyte');
  const passwd = fs.readFileSync(path.join(rootfs, 'etc/passwd'), 'utf8').split('\n').map((l) => l.split(':'));
  assert.deepEqual(passwd.find((p) => p[2] === '1000'), ['airbyte', 'x', '1000', '1000', 'airbyte', '/airbyte', '/bin/sh']);
  const group = fs.readFileSync(path.join(rootfs, 'etc/group'), 'utf8').split('\n').map((l) => l.split(':'));
  assert.equal(group.find((g) => g[2] === '1000')[0], 'airbyte');
});

// The Dockerfile builds the same image for people with Docker: same entrypoint, environment,
// user, working directory and labels.
test('the Dockerfile declares what the image archive has', { skip }, () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const lines = (instruction) => [...final.matchAll(new RegExp(`^${instruction} (.*)$`, 'gm'))].map((m) => m[1]);
  const { Entrypoint, Env, User, WorkingDir, Labels } = image.config.config;
  assert.deepEqual(lines('ENTRYPOINT').map((l) => JSON.parse(l)), [Entrypoint]);
  assert.deepEqual(lines('ENV').sort(), [...Env].sort());
  assert.deepEqual(lines('USER'), [User]);
  assert.deepEqual(lines('WORKDIR'), [WorkingDir]);
  assert.deepEqual(Object.fromEntries(lines('LABEL').map((l) => l.split('='))), Labels);
});

// Walk the root file system: [{path, stat}] for everything but the symlinks.
function walk(dir, rel = '/') {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    const r = path.posix.join(rel, entry.name);
    const stat = fs.lstatSync(p);
    if (stat.isSymbolicLink()) continue;
    out.push({ path: r, stat });
    if (stat.isDirectory()) out.push(...walk(p, r));
  }
  return out;
}

test('the image has no setuid files and its user can write only to /airbyte and /tmp', { skip }, async () => {
  const files = walk(rootfs);
  assert.ok(files.length > 50, `${files.length} files`);
  assert.deepEqual(files.filter((f) => f.stat.mode & 0o6000).map((f) => f.path), []);
  const writable = files.filter(({ stat }) => (stat.uid === 1000 && stat.mode & 0o200) ||
    (stat.gid === 1000 && stat.mode & 0o020) || stat.mode & 0o002);
  assert.deepEqual(writable.map((f) => f.path).filter((p) => !/^\/(airbyte|tmp)\//.test(p)), ['/airbyte', '/tmp']);
  assert.equal(fs.statSync(path.join(rootfs, 'tmp')).mode & 0o7777, 0o1777);
  // And so it is when the user tries, with the commands Airbyte's pod scripts use.
  const r = await runInImage('set -e; cd /airbyte; touch out; mv out moved; sleep 0; cat moved; mkdir /tmp/scratch; ' +
    'for f in /etc/passwd /usr/local/bin/x /x; do if touch "$f" 2>/tmp/err; then echo "wrote $f"; fi; done; ' +
    'rm moved; id -un; echo ok', '', { raw: true });
  assert.equal(r.stdout, 'airbyte\nok\n', r.stderr);
});

test('spec runs through sh and eval "$AIRBYTE_ENTRYPOINT spec"', { skip }, async () => {
  const r = await runInImage('spec');
  assert.equal(r.code, 0, r.stderr);
  const spec = ofType(r, 'SPEC');
  assert.equal(spec.length, 1, r.stdout);
  assert.deepEqual(spec[0].spec, (await run(['spec'])).messages[0].spec);
});

test('check and write of the example sync land in a local lake under the working directory', { skip }, async () => {
  const example = (name) => fs.readFileSync(path.join(ROOT, 'examples', name), 'utf8');
  const config = JSON.parse(example('config.json'));
  assert.equal(config.local_lake_path, './demo-lake'); // relative: resolved from WorkingDir
  putInWorkdir({ 'config.json': config, 'catalog.json': example('catalog.json') });
  const check = await runInImage('check --config /airbyte/config.json');
  assert.equal(ofType(check, 'CONNECTION_STATUS')[0]?.connectionStatus.status, 'SUCCEEDED', check.stdout);
  const r = await runInImage('write --config /airbyte/config.json --catalog /airbyte/catalog.json', example('messages.jsonl'));
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.deepEqual(states(r).map((s) => s.stream.stream_descriptor.name), ['users', 'users', 'page-views', 'orders']);
  const lake = path.join(rootfs, 'airbyte/demo-lake');
  assert.equal(fs.statSync(lake).uid, 1000);
  const users = await readTable(lake, 'demo', 'users', { orderBy: 'id' });
  assert.deepEqual(users.map((u) => u.full_name), ['Ada Lovelace', 'Grace Hopper', 'Katherine Johnson']);
  assert.equal((await readTable(lake, 'shop', 'orders')).length, 2);
  assert.equal((await readTable(lake, 'demo', 'page_views')).length, 2);
});

test('a write to S3 (radosgw) with Glue (moto) from the image, read back', { skip: skipS3 }, async () => {
  const prefix = `image-${crypto.randomBytes(4).toString('hex')}`;
  const props = { id: { type: 'integer' }, name: { type: 'string' } };
  const config = s3Config(glue, prefix, { format: { format_type: 'Parquet', compression_codec: 'ZSTD' } });
  putInWorkdir({ 's3.json': config, 's3-catalog.json': { streams: [stream('from_image', props)] } });
  const input = [];
  for (let i = 0; i < 100; i++) {
    input.push(record('from_image', { id: i, name: `n${i}` }));
    if (i % 50 === 49) input.push(streamState('from_image', { upto: i }));
  }
  input.push(status('from_image', 'COMPLETE'));
  const r = await runInImage('write --config s3.json --catalog s3-catalog.json', input);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.deepEqual(states(r).map((s) => s.stream.stream_state.upto), [49, 99]);
  assert.equal(s3Objects(`${prefix}/e2e/from_image/`).length, 2);
  const lake = tempDir('image-s3-read');
  mirrorTable(glue, 'e2e', 'from_image', lake);
  const rows = await readTable(lake, 'e2e', 'from_image', { orderBy: 'id' });
  assert.equal(rows.length, 100);
  assert.equal(rows[99].name, 'n99');
});

// HTTPS is verified with the image's CA bundle: a self-signed endpoint fails check with a
// TLS error (a config error, not retried); the same endpoint passes once its certificate is
// in the image's /etc/ssl/certs/ca-certificates.crt, or named by AWS_CA_BUNDLE.
test('HTTPS endpoints are verified against the image CA bundle or AWS_CA_BUNDLE', { skip: skipS3 }, async () => {
  const tls = await startTlsProxy(rgw.endpoint, tempDir('image-tls'));
  try {
    const config = s3Config(glue, `image-tls-${crypto.randomBytes(4).toString('hex')}`, { s3_endpoint: tls.endpoint });
    putInWorkdir({ 'tls.json': config });
    const checkStatus = async (extraEnv) => {
      const r = await runInImage('check --config tls.json', '', { extraEnv });
      return { r, connection: ofType(r, 'CONNECTION_STATUS')[0]?.connectionStatus };
    };

    const refused = await checkStatus();
    assert.equal(refused.connection?.status, 'FAILED', refused.r.stdout);
    assert.match(refused.connection.message, /SSL certificate problem: self[- ]signed certificate/);
    assert.match(refused.connection.message, /checked against the CA bundle \/etc\/ssl\/certs\/ca-certificates\.crt; AWS_CA_BUNDLE/);
    assert.equal(errors(refused.r)[0].failure_type, 'config_error');

    const bundle = path.join(rootfs, 'etc/ssl/certs/ca-certificates.crt');
    const original = fs.readFileSync(bundle);
    fs.appendFileSync(bundle, fs.readFileSync(tls.certificate));
    try {
      const trusted = await checkStatus();
      assert.equal(trusted.connection?.status, 'SUCCEEDED', trusted.r.stdout);
    } finally {
      fs.writeFileSync(bundle, original);
    }

    fs.copyFileSync(tls.certificate, path.join(rootfs, 'tmp/test-ca.pem'));
    const named = await checkStatus({ AWS_CA_BUNDLE: '/tmp/test-ca.pem' });
    assert.equal(named.connection?.status, 'SUCCEEDED', named.r.stdout);
    assert.equal((await checkStatus()).connection?.status, 'FAILED');
  } finally {
    await tls.close();
  }
});
