#!/usr/bin/env bash
# A real S3 server for the tests: a one-node Ceph cluster (Debian 12 packages, Ceph 16.2 "Pacific")
# on 127.0.0.1: a monitor, one memstore OSD (pool size 1, cephx), and two radosgw (beast) daemons
# serving the same users and buckets:
#   - RADOSGW_ENDPOINT (port RADOSGW_PORT, 7480): plain S3, STS off. Behaves like AWS on auth errors
#     (a bad signature gives 403 SignatureDoesNotMatch).
#   - RADOSGW_STS_ENDPOINT (port RADOSGW_STS_PORT, 7481): S3 + STS AssumeRole, and S3 requests with
#     temporary credentials (x-amz-security-token). Ceph 16 reports every auth failure here as
#     403 AccessDenied (its STS engine's denial masks SignatureDoesNotMatch), hence two daemons.
# No systemd: the daemons run detached (own session), with logs, pids and sockets in the state dir.
# A cold start takes about 2 s with the packages installed (their install: about 20 s).
#
# Usage:
#   scripts/radosgw.sh start    install missing packages, boot the cluster, create users/role/bucket.
#                               Idempotent: returns at once if it is already running and healthy;
#                               a broken or half-started instance is stopped, wiped and rebuilt.
#   scripts/radosgw.sh stop     stop every daemon of this state dir and delete the state dir.
#   scripts/radosgw.sh env      print `export` lines for the tests (fails if not started).
#   scripts/radosgw.sh status   print "running" (exit 0) or "stopped"/"unhealthy" (exit 1).
#
# How tests use it:
#   scripts/radosgw.sh start && eval "$(scripts/radosgw.sh env)"
#   then talk S3 to $RADOSGW_ENDPOINT (path-style addressing), signing SigV4 with region
#   $RADOSGW_REGION (radosgw accepts any region in the scope; us-east-1 avoids LocationConstraint):
#     RADOSGW_ACCESS_KEY / RADOSGW_SECRET_KEY    an ordinary S3 user (owns bucket $RADOSGW_BUCKET)
#     RADOSGW_ROLE_USER_ACCESS_KEY / _SECRET_KEY a user allowed to sts:AssumeRole $RADOSGW_ROLE_ARN;
#                                                it has no buckets and no access of its own
#     RADOSGW_ROLE_ARN                           a role whose policy allows s3:* on everything
#                                                (MaxSessionDuration 3600)
#     RADOSGW_STS_ENDPOINT                       for the IAM Role mode: AssumeRole (POST /) AND the
#                                                S3 requests made with the temporary credentials
#     RADOSGW_PYTHON                             a python3 that can `import boto3`
#   Each test creates its own bucket (or uses $RADOSGW_BUCKET). Data lives in the OSD's memory.
#   Objects written with role credentials are owned by the role user; $RADOSGW_BUCKET has a bucket
#   policy that lets RADOSGW_ACCESS_KEY read them anyway (buckets tests create do not).
#
# Environment (read by `start`; `stop`/`env`/`status` need the same RADOSGW_DIR):
#   RADOSGW_DIR               state directory (default /tmp/datalake-radosgw)
#   RADOSGW_PORT              plain radosgw HTTP port on 127.0.0.1 (default 7480)
#   RADOSGW_STS_PORT          STS-enabled radosgw HTTP port on 127.0.0.1 (default RADOSGW_PORT+1)
#   RADOSGW_MON_PORT          monitor (msgr v2) port on 127.0.0.1 (default RADOSGW_PORT+10000)
#   RADOSGW_STS_MIN_DURATION  rgw_sts_min_session_duration in seconds (default 900, as AWS)
#   RADOSGW_MEMSTORE_BYTES    OSD capacity reported by memstore (default 8 GiB; data is kept in RAM)
#   RADOSGW_TIMEOUT           seconds to wait for each daemon to become ready (default 120)
#   RADOSGW_DEBUG_RGW         radosgw log level, e.g. 20 to debug signatures (default 1)
set -euo pipefail

DIR=$(realpath -m -- "${RADOSGW_DIR:-/tmp/datalake-radosgw}")
PORT=${RADOSGW_PORT:-7480}
STS_PORT=${RADOSGW_STS_PORT:-$((PORT + 1))}
MON_PORT=${RADOSGW_MON_PORT:-$((PORT + 10000))}
STS_MIN_DURATION=${RADOSGW_STS_MIN_DURATION:-900}
MEMSTORE_BYTES=${RADOSGW_MEMSTORE_BYTES:-8589934592}
TIMEOUT=${RADOSGW_TIMEOUT:-120}
DEBUG_RGW=${RADOSGW_DEBUG_RGW:-1}

CONF=$DIR/ceph.conf
LOGS=$DIR/log
PIDS=$DIR/pids
ENDPOINT=http://127.0.0.1:$PORT
STS_ENDPOINT=http://127.0.0.1:$STS_PORT
# SigV4 region: radosgw accepts any region in the credential scope, but CreateBucket with a
# LocationConstraint must name the zonegroup's api_name; us-east-1 sends none, as on AWS.
REGION=us-east-1

# Fixed test credentials (never real ones). The secrets contain '/' and '+' like AWS secrets do.
S3_USER=datalake-test
S3_ACCESS_KEY=DLTESTACCESSKEY00001
S3_SECRET_KEY=dlTestSecretKey/0000+abcdefghijklmnopqrs
ROLE_USER=datalake-role-user
ROLE_USER_ACCESS_KEY=DLROLEUSERACCESSKEY1
ROLE_USER_SECRET_KEY=dlRoleUserSecret/1111+abcdefghijklmnopqr
ROLE_NAME=datalake-writer
BUCKET=datalake-test
STS_KEY=dlsts0123456789a # rgw_sts_key: 16 characters, encrypts the session tokens

DAEMONS=(rgw rgw-sts osd mon) # stop order

log() { printf 'radosgw.sh: %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------
install_packages() {
  local pkgs=(ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl python3-boto3 python3-botocore)
  local missing=() p
  for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  log "installing ${missing[*]}"
  local t0=$EPOCHREALTIME
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
  log "packages installed in $(elapsed "$t0" "$EPOCHREALTIME") s"
}

# A python3 that has boto3: the one on PATH (pyenv etc.) if it can import it, else Debian's.
find_python() {
  local py
  for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import boto3, sys; print(sys.executable)' 2>/dev/null; then
      return 0
    fi
  done
  echo /usr/bin/python3
}

# ---------------------------------------------------------------------------------------------
# Process helpers (only ever signal pids recorded by this script whose command line names our conf)
# ---------------------------------------------------------------------------------------------
daemon_pid() { # prints the pid of a live daemon of this state dir, or fails
  local f=$PIDS/$1.pid pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CONF" || return 1
  echo "$pid"
}

elapsed() { # two $EPOCHREALTIME values -> seconds with one decimal
  local a=${1/./} b=${2/./}
  local ms=$(((10#$b - 10#$a) / 1000))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

daemon_alive() { daemon_pid "$1" >/dev/null; }

log_tail() { # name of a daemon -> last lines of its log and of its stdout/stderr
  local name=$1 f
  for f in "$LOGS/$name.log" "$LOGS/$name.out"; do
    if [[ -s $f ]]; then
      echo "---- tail of $f ----" >&2
      tail -n 30 "$f" >&2
    fi
  done
}

fail_with_logs() { # message, daemons whose logs to show
  local msg=$1 d
  shift
  log "ERROR: $msg"
  for d in "$@"; do log_tail "$d"; done
  exit 1
}

phase() { # record how long each start phase took (in $LOGS/timing)
  printf '%s %s\n' "$(elapsed "$PHASE_T0" "$EPOCHREALTIME")" "$1" >>"$LOGS/timing"
}

start_daemon() { # name, command...: run detached in its own session, record the pid
  local name=$1
  shift
  # fd 9 (the start/stop lock) must not be inherited, or the daemon would hold the lock forever.
  setsid "$@" </dev/null >"$LOGS/$name.out" 2>&1 9>&- &
  local pid=$! deadline=$((SECONDS + 10))
  echo "$pid" >"$PIDS/$name.pid"
  # Until the forked shell has exec'd, its command line is not the daemon's and daemon_pid would
  # not recognise it: wait for the exec (a few ms).
  until daemon_alive "$name"; do
    proc_gone "$pid" && fail_with_logs "$name exited at once" "$name"
    ((SECONDS < deadline)) || die "$name (pid $pid) did not start"
    sleep 0.01 # poll interval
  done
}

# wait_until <deadline-seconds> <description> <daemons-to-check-and-show> -- <command...>
# Polls the command every 0.2 s until it succeeds; fails early if a watched daemon exits.
wait_until() {
  local limit=$1 what=$2 d watch
  read -ra watch <<<"$3"
  shift 4
  local deadline=$((SECONDS + limit))
  while ! "$@" >/dev/null 2>&1; do
    for d in "${watch[@]}"; do
      daemon_alive "$d" || fail_with_logs "$d exited while waiting for $what" "${watch[@]}"
    done
    ((SECONDS < deadline)) || fail_with_logs "timed out after ${limit}s waiting for $what" "${watch[@]}"
    sleep 0.2 # poll interval, not synchronisation
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_ok() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1/") == 200 ]]; }
rgws_http_ok() { http_ok "$ENDPOINT" && http_ok "$STS_ENDPOINT"; }

ceph_cli() { ceph --conf "$CONF" --connect-timeout 30 "$@"; }
rgw_admin() { radosgw-admin --conf "$CONF" -n client.admin "$@"; }

config_fingerprint() {
  printf 'port=%s sts_port=%s mon_port=%s sts_min=%s memstore=%s debug=%s\n' \
    "$PORT" "$STS_PORT" "$MON_PORT" "$STS_MIN_DURATION" "$MEMSTORE_BYTES" "$DEBUG_RGW"
}

# Ports of a running instance come from its state dir, so status/env/stop need only RADOSGW_DIR.
load_settings() {
  if [[ -f $DIR/settings ]]; then
    PORT=$(sed -n 's/^port=//p' "$DIR/settings")
    STS_PORT=$(sed -n 's/^sts_port=//p' "$DIR/settings")
    ENDPOINT=http://127.0.0.1:$PORT
    STS_ENDPOINT=http://127.0.0.1:$STS_PORT
  fi
}

running() { # all daemons of the state dir alive and both radosgw answering
  [[ -f $DIR/env && -f $DIR/settings ]] || return 1
  local d
  for d in "${DAEMONS[@]}"; do daemon_alive "$d" || return 1; done
  rgws_http_ok
}

healthy() { # running, with the settings asked for now
  [[ -f $DIR/fingerprint && $(<"$DIR/fingerprint") == "$(config_fingerprint)" ]] && running
}

# ---------------------------------------------------------------------------------------------
# stop
# ---------------------------------------------------------------------------------------------
proc_gone() { # pid: true once the process has exited (a zombie counts as gone)
  local state
  [[ -r /proc/$1/stat ]] || return 0
  state=$(sed -n 's/^[0-9]* (.*) \([A-Z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 0
  [[ -z $state || $state == Z || $state == X ]]
}

stop_daemons() {
  # The state is thrown away on stop, so there is nothing to flush: SIGKILL is both safe and
  # fast (a clean SIGTERM shutdown takes ~5 s, and memstore would dump its RAM to disk).
  local d pid pids=()
  for d in "${DAEMONS[@]}"; do
    if pid=$(daemon_pid "$d"); then
      kill -KILL "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  local p deadline=$((SECONDS + 10))
  for p in "${pids[@]}"; do
    while ! proc_gone "$p"; do
      ((SECONDS < deadline)) || die "process $p did not exit after SIGKILL"
      sleep 0.05 # poll interval
    done
  done
}

cmd_stop() {
  stop_daemons
  # Only remove a directory this script created (it contains our conf or our pid dir).
  if [[ -d $DIR ]]; then
    if [[ -f $CONF || -d $PIDS || -z $(ls -A "$DIR") ]]; then
      rm -rf -- "$DIR"
    else
      die "$DIR exists but does not look like a radosgw.sh state dir; not removing it"
    fi
  fi
}

# ---------------------------------------------------------------------------------------------
# start
# ---------------------------------------------------------------------------------------------
write_conf() {
  local fsid=$1
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$MON_PORT]
mon initial members = a
public addr = 127.0.0.1
ms bind msgr1 = false
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $DIR/keyring
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
crash dir = $DIR/crash
log file = $LOGS/\$name.log
log to stderr = false
mon cluster log file = $LOGS/cluster.log
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon data avail crit = 0
mon data avail warn = 0
mon warn on insecure global id reclaim allowed = false
ms async op threads = 2
# propose map changes at once instead of batching them for 1 s: faster pool/OSD boot
paxos propose interval = 0.01
paxos min wait = 0.01

[mon]
mon data = $DIR/mon/\$id

[osd]
osd data = $DIR/osd/\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
osd op num shards = 2
osd op num threads per shard = 1
osd check max object name len on startup = false

[client]
# shared by both radosgw daemons and radosgw-admin
rgw thread pool size = 64
rgw data log num shards = 8
rgw md log max shards = 8
rgw num control oids = 2
rgw run sync thread = false
rgw enable usage log = false
# free deleted object data (held in RAM by memstore) after a minute instead of 2 h
rgw gc obj min wait = 60
rgw gc processor period = 60
debug rgw = $DEBUG_RGW

[client.rgw.gw]
rgw frontends = beast endpoint=127.0.0.1:$PORT

[client.rgw.sts]
rgw frontends = beast endpoint=127.0.0.1:$STS_PORT
# STS (AssumeRole) on this daemon's S3 endpoint; the key encrypts session tokens (16 characters)
rgw sts key = $STS_KEY
rgw s3 auth use sts = true
rgw sts min session duration = $STS_MIN_DURATION
EOF
}

create_keys() {
  local k=$DIR/keyring
  ceph-authtool --create-keyring "$k" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' \
    --cap mgr 'allow profile osd' >/dev/null
  local id
  for id in client.rgw.gw client.rgw.sts; do
    ceph-authtool "$k" --gen-key -n "$id" --cap mon 'allow rw' --cap osd 'allow rwx' \
      --cap mgr 'allow rw' >/dev/null
  done
}

new_uuid() {
  if command -v uuidgen >/dev/null; then uuidgen; else cat /proc/sys/kernel/random/uuid; fi
}

setup_accounts() {
  local trust policy
  trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/'$ROLE_USER'"]},"Action":["sts:AssumeRole"]}]}'
  policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*","arn:aws:s3:::*/*"]}]}'
  # Independent radosgw-admin calls run in parallel (each takes ~1 s to join the cluster).
  rgw_admin user create --uid="$S3_USER" --display-name="datalake test user" \
    --access-key="$S3_ACCESS_KEY" --secret-key="$S3_SECRET_KEY" >"$LOGS/admin-user.out" 2>&1 &
  local p1=$!
  rgw_admin user create --uid="$ROLE_USER" --display-name="datalake role user" \
    --access-key="$ROLE_USER_ACCESS_KEY" --secret-key="$ROLE_USER_SECRET_KEY" \
    >"$LOGS/admin-role-user.out" 2>&1 &
  local p2=$!
  { rgw_admin role create --role-name="$ROLE_NAME" --assume-role-policy-doc="$trust" &&
    rgw_admin role-policy put --role-name="$ROLE_NAME" --policy-name=datalake-s3-all \
      --policy-doc="$policy"; } >"$LOGS/admin-role.out" 2>&1 &
  local p3=$!
  local ok=1
  wait "$p1" || { ok=0; cat "$LOGS/admin-user.out" >&2; }
  wait "$p2" || { ok=0; cat "$LOGS/admin-role-user.out" >&2; }
  wait "$p3" || { ok=0; cat "$LOGS/admin-role.out" >&2; }
  ((ok)) || die "radosgw-admin failed (output above)"
  ROLE_ARN=$(sed -n 's/.*"[Aa]rn": *"\([^"]*\)".*/\1/p' "$LOGS/admin-role.out" | head -n 1)
  [[ -n $ROLE_ARN ]] || die "could not read the role ARN from: $(cat "$LOGS/admin-role.out")"
  # The convenience bucket, created over S3 with the user's own keys (SigV4 via curl).
  local code
  code=$(curl -s -o "$LOGS/create-bucket.out" -w '%{http_code}' --max-time 30 -X PUT \
    --aws-sigv4 "aws:amz:$REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$ENDPOINT/$BUCKET")
  [[ $code == 200 ]] || die "creating bucket $BUCKET: HTTP $code $(cat "$LOGS/create-bucket.out")"
  # Objects written through the role are owned by the role user: let the bucket owner read them.
  local bucket_policy
  bucket_policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/'$S3_USER'"]},"Action":["s3:*"],"Resource":["arn:aws:s3:::'$BUCKET'","arn:aws:s3:::'$BUCKET'/*"]}]}'
  code=$(curl -s -o "$LOGS/bucket-policy.out" -w '%{http_code}' --max-time 30 -X PUT \
    --aws-sigv4 "aws:amz:$REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' --data-binary "$bucket_policy" \
    "$ENDPOINT/$BUCKET?policy=")
  [[ $code == 204 || $code == 200 ]] ||
    die "setting the policy of $BUCKET: HTTP $code $(cat "$LOGS/bucket-policy.out")"
}

write_env() {
  local py
  py=$(find_python)
  {
    printf 'export RADOSGW_ENDPOINT=%q\n' "$ENDPOINT"
    printf 'export RADOSGW_STS_ENDPOINT=%q\n' "$STS_ENDPOINT"
    printf 'export RADOSGW_REGION=%q\n' "$REGION"
    printf 'export RADOSGW_ACCESS_KEY=%q\n' "$S3_ACCESS_KEY"
    printf 'export RADOSGW_SECRET_KEY=%q\n' "$S3_SECRET_KEY"
    printf 'export RADOSGW_BUCKET=%q\n' "$BUCKET"
    printf 'export RADOSGW_ROLE_ARN=%q\n' "$ROLE_ARN"
    printf 'export RADOSGW_ROLE_USER_ACCESS_KEY=%q\n' "$ROLE_USER_ACCESS_KEY"
    printf 'export RADOSGW_ROLE_USER_SECRET_KEY=%q\n' "$ROLE_USER_SECRET_KEY"
    printf 'export RADOSGW_STS_MIN_DURATION=%q\n' "$STS_MIN_DURATION"
    printf 'export RADOSGW_DIR=%q\n' "$DIR"
    printf 'export RADOSGW_PYTHON=%q\n' "$py"
  } >"$DIR/env.tmp"
  mv "$DIR/env.tmp" "$DIR/env"
}

cmd_start() {
  if healthy; then
    log "already running at $ENDPOINT"
    return 0
  fi
  local t0=$EPOCHREALTIME
  install_packages
  local t_boot=$EPOCHREALTIME
  # Whatever is there (crashed, half-started or other settings) is discarded.
  cmd_stop
  port_open "$PORT" && die "port $PORT on 127.0.0.1 is already in use (set RADOSGW_PORT)"
  port_open "$STS_PORT" && die "port $STS_PORT on 127.0.0.1 is already in use (set RADOSGW_STS_PORT)"
  port_open "$MON_PORT" && die "port $MON_PORT on 127.0.0.1 is already in use (set RADOSGW_MON_PORT)"
  mkdir -p "$DIR"/{run,crash,mon/a,osd/0} "$LOGS" "$PIDS"

  PHASE_T0=$EPOCHREALTIME
  local fsid osd_uuid
  fsid=$(new_uuid)
  osd_uuid=$(new_uuid)
  write_conf "$fsid"
  create_keys
  monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" \
    "$DIR/monmap" >/dev/null
  ceph-mon --conf "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" \
    >"$LOGS/mon-mkfs.out" 2>&1 || { cat "$LOGS/mon-mkfs.out" >&2; die "ceph-mon --mkfs failed"; }
  phase "mon mkfs done"
  start_daemon mon ceph-mon -f -i a --conf "$CONF"
  wait_until "$TIMEOUT" "the monitor on port $MON_PORT" mon -- port_open "$MON_PORT"
  phase "mon listening"

  # Register osd.0 (its cephx key is already in the mon's auth database from the keyring).
  ceph_cli osd new "$osd_uuid" 0 >"$LOGS/osd-new.out" 2>&1 ||
    fail_with_logs "ceph osd new failed: $(cat "$LOGS/osd-new.out")" mon
  phase "osd registered"
  ceph-osd --conf "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$LOGS/osd-mkfs.out" 2>&1 ||
    { cat "$LOGS/osd-mkfs.out" >&2; die "ceph-osd --mkfs failed"; }
  phase "osd mkfs done"
  start_daemon osd ceph-osd -f -i 0 --conf "$CONF"
  # Start radosgw only once the OSD is up: pools it creates earlier sometimes sit ~5 s before
  # their first op is served. The OSD logs this line when it sees itself up in the osdmap.
  wait_until "$TIMEOUT" "the OSD to boot" "mon osd" -- \
    grep -q 'state: booting -> active' "$LOGS/osd.0.log"
  phase "osd up"
  start_daemon rgw radosgw -f -n client.rgw.gw --conf "$CONF"
  # The second daemon starts once the first has created the zone and its pools (no race on them).
  wait_until "$TIMEOUT" "radosgw to answer on $ENDPOINT" "mon osd rgw" -- http_ok "$ENDPOINT"
  phase "radosgw answering"
  start_daemon rgw-sts radosgw -f -n client.rgw.sts --conf "$CONF"
  wait_until "$TIMEOUT" "radosgw (STS) to answer on $STS_ENDPOINT" "mon osd rgw-sts" -- \
    http_ok "$STS_ENDPOINT"
  phase "radosgw (STS) answering"
  local t_ready=$EPOCHREALTIME

  setup_accounts
  phase "users, role, bucket created"
  config_fingerprint >"$DIR/fingerprint"
  printf 'port=%s\nsts_port=%s\n' "$PORT" "$STS_PORT" >"$DIR/settings"
  write_env
  log "ready at $ENDPOINT: cluster and radosgw up in $(elapsed "$t_boot" "$t_ready") s," \
    "users/role/bucket in $(elapsed "$t_ready" "$EPOCHREALTIME") s, total $(elapsed "$t0" "$EPOCHREALTIME") s"
}

cmd_env() {
  [[ -f $DIR/env ]] || die "not started (no $DIR/env); run: scripts/radosgw.sh start"
  cat "$DIR/env"
}

cmd_status() {
  load_settings
  if running; then
    echo "running $ENDPOINT (STS: $STS_ENDPOINT; state in $DIR)"
    return 0
  fi
  local d any=0
  for d in "${DAEMONS[@]}"; do daemon_alive "$d" && any=1; done
  if ((any)); then echo "unhealthy (state in $DIR)"; else echo "stopped"; fi
  return 1
}

main() {
  local cmd=${1:-}
  case $cmd in
  start | stop)
    [[ $cmd == stop ]] && load_settings
    # Serialise start/stop of the same state dir (parallel test runners may all call start).
    local lock=${DIR%/}.lock
    exec 9>"$lock"
    flock -w 300 9 || die "could not lock $lock"
    "cmd_$cmd"
    ;;
  env) cmd_env ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|env|status" >&2
    exit 2
    ;;
  esac
}

main "$@"
