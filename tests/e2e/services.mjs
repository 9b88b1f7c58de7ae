// Services for the end-to-end tests that talk to AWS APIs: radosgw (started by `make test`,
// described by RADOSGW_* variables), moto for Glue, the fault-injecting proxy and an HTTPS front.
import { spawn, execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

export const rgw = {
  endpoint: process.env.RADOSGW_ENDPOINT,
  stsEndpoint: process.env.RADOSGW_STS_ENDPOINT,
  accessKey: process.env.RADOSGW_ACCESS_KEY,
  secretKey: process.env.RADOSGW_SECRET_KEY,
  roleArn: process.env.RADOSGW_ROLE_ARN,
  roleUserKey: process.env.RADOSGW_ROLE_USER_ACCESS_KEY,
  roleUserSecret: process.env.RADOSGW_ROLE_USER_SECRET_KEY,
  bucket: process.env.RADOSGW_BUCKET,
  python: process.env.RADOSGW_PYTHON ?? 'python3',
  dir: process.env.RADOSGW_DIR,
};
export const haveRadosgw = Boolean(rgw.endpoint && rgw.accessKey);
const TOOLS = path.resolve(import.meta.dirname, '../tools');

const children = [];
// Stop every service this process started (each runs in its own process group).
export function stopServices() {
  for (const c of children.splice(0)) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {}
  }
}
process.on('exit', stopServices);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForHttp(url, deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100)); // bounded readiness polling
    }
  }
  throw new Error(`no answer from ${url}`);
}

// Start moto_server (Glue, Lake Formation) on a free port; returns its endpoint.
export async function startMoto() {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
  child.unref();
  children.push(child);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(endpoint, 30000);
  return endpoint;
}

// Run a Python tool of tests/tools that prints its port on stdout (a line matching `portLine`,
// whose first group is the port); returns { endpoint, stop }. The tool stops with the tests, or
// at stop().
async function startTool(args, portLine, stderr = 'inherit') {
  const child = spawn(rgw.python, args, { detached: true, stdio: ['ignore', 'pipe', stderr] });
  children.push(child);
  const lines = readline.createInterface({ input: child.stdout });
  const port = await new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const m = portLine.exec(line);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(`${path.basename(args[0])} exited`)));
  });
  // Nothing more is read from it: let the test process end without waiting for the tool.
  lines.close();
  child.stdout.destroy();
  child.unref();
  const stop = () => {
    const at = children.indexOf(child);
    if (at >= 0) children.splice(at, 1);
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
  };
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}

// Start the fault-injecting proxy in front of `target` (host:port); returns { endpoint, stats,
// stop }. `onlyMethods` ('PUT,POST'), `maxFaults`, `after` (spare the first N requests),
// `maxConsecutive` (spare a request faulted K times in a row) and `fail` (fixed faults, '1,5')
// narrow where and how often it injects; `stallSeconds` bounds a stall, `log` names a log file.
export async function startFaultProxy(target, {
  rate, seed, kinds, onlyMethods, maxFaults, after, maxConsecutive, fail, stallSeconds, log,
}) {
  const args = [path.join(TOOLS, 'fault_proxy.py'), '--target', target, '--port', '0',
    '--fault-rate', String(rate), '--seed', String(seed)];
  if (kinds) args.push('--kinds', kinds);
  if (onlyMethods) args.push('--only-methods', onlyMethods);
  if (maxFaults !== undefined) args.push('--max-faults', String(maxFaults));
  if (after !== undefined) args.push('--after', String(after));
  if (maxConsecutive !== undefined) args.push('--max-consecutive', String(maxConsecutive));
  if (fail) args.push('--fail', fail);
  if (stallSeconds !== undefined) args.push('--stall-seconds', String(stallSeconds));
  if (log) args.push('--log', log);
  // With a log, its closing statistics on stderr are left out.
  const { endpoint, stop } = await startTool(args, /^FAULT_PROXY_PORT=(\d+)/, log ? 'ignore' : 'inherit');
  return { endpoint, stop, stats: async () => (await fetch(`${endpoint}/__stats`)).json() };
}

// Start tests/tools/glue_fake.py in front of `target` (moto): it checks every Glue and Lake
// Formation request against botocore's service model before forwarding it. Returns
// { endpoint, errors, requests, reset, deny }: errors() lists the requests that failed
// validation; reset() forgets the requests seen; deny(operations) answers those operations from
// then on with AccessDeniedException, as AWS answers a request the caller's policy does not allow.
export async function startValidatingProxy(target) {
  const { endpoint } = await startTool([path.join(TOOLS, 'glue_fake.py'), '--port', '0', '--forward', target], /^PORT (\d+)/);
  const post = async (hook, body) => {
    const response = await fetch(`${endpoint}/_fake/${hook}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
    if (!response.ok) throw new Error(`glue_fake ${hook}: HTTP ${response.status}`);
  };
  return {
    endpoint,
    errors: async () => (await fetch(`${endpoint}/_fake/errors`)).json(),
    requests: async () => (await fetch(`${endpoint}/_fake/requests`)).json(),
    reset: () => post('reset'),
    deny: (operations) => post('deny', { operations }),
  };
}

// A config writing to the test radosgw bucket under `prefix`, with Glue at `glueEndpoint`.
export function s3Config(glueEndpoint, prefix, extra = {}) {
  return {
    credentials: { credentials_title: 'IAM User', aws_access_key_id: rgw.accessKey, aws_secret_access_key: rgw.secretKey },
    region: 'us-east-1',
    bucket_name: rgw.bucket,
    bucket_prefix: prefix,
    lakeformation_database_name: 'e2e',
    format: { format_type: 'JSONL', compression_codec: 'UNCOMPRESSED' },
    s3_endpoint: rgw.endpoint,
    glue_endpoint: glueEndpoint,
    commit_interval_seconds: 0,
    ...extra,
  };
}

function lakeReader(args, env = {}) {
  return JSON.parse(execFileSync(rgw.python, [path.join(TOOLS, 'lake_reader.py'), ...args], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: rgw.accessKey, AWS_SECRET_ACCESS_KEY: rgw.secretKey, ...env },
    encoding: 'utf8', maxBuffer: 1 << 28,
  }));
}

// List (and download into `dir`) the objects under `prefix`, with boto3.
export function s3Objects(prefix, dir) {
  const args = ['objects', '--endpoint', rgw.endpoint, '--bucket', rgw.bucket, '--prefix', prefix];
  if (dir) args.push('--download', dir);
  return lakeReader(args);
}

// The incomplete multipart uploads under `prefix`: [{key, upload_id, initiated}], with boto3.
export function s3Uploads(prefix) {
  return lakeReader(['uploads', '--endpoint', rgw.endpoint, '--bucket', rgw.bucket, '--prefix', prefix]);
}

// Copy what a query engine sees of an S3 lake into the local lake layout under `lake`, in one
// boto3 run: every object under `prefix`, and the Glue definition and partitions of `tables`
// (so that readTable and queryFiles read them as they read the local lake). Returns
// { objects: [{key, size}], uploads: [{key, upload_id, initiated}], tables: {name: exists} }.
export function s3Snapshot(glueEndpoint, database, tables, prefix, lake) {
  return lakeReader(['snapshot', '--endpoint', rgw.endpoint, '--bucket', rgw.bucket, '--prefix', prefix,
    '--glue-endpoint', glueEndpoint, '--database', database, '--tables', tables.join(','), '--lake', lake]);
}

// s3Snapshot of several syncs in one boto3 run, without blocking the event loop: `spec` is a
// JSON file of [{prefix, database, tables, lake}]. Resolves with their results, in order.
export function s3SnapshotAsync(glueEndpoint, spec) {
  const args = [path.join(TOOLS, 'lake_reader.py'), 'snapshot', '--endpoint', rgw.endpoint, '--bucket', rgw.bucket,
    '--glue-endpoint', glueEndpoint, '--many', spec];
  const env = { ...process.env, AWS_ACCESS_KEY_ID: rgw.accessKey, AWS_SECRET_ACCESS_KEY: rgw.secretKey };
  return new Promise((resolve, reject) => {
    execFile(rgw.python, args, { env, encoding: 'utf8', maxBuffer: 1 << 28 }, (error, stdout, stderr) =>
      (error ? reject(new Error(`lake_reader snapshot: ${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout))));
  });
}

// Delete every object under `prefix` (not empty) of the test bucket, with boto3: what a test
// wrote in bulk should not stay in the shared radosgw's memory.
export function s3DeletePrefix(prefix) {
  return lakeReader(['delete', '--endpoint', rgw.endpoint, '--bucket', rgw.bucket, '--prefix', prefix]);
}

// The Glue table as boto3 reads it from moto.
export function glueTable(glueEndpoint, database, table) {
  return lakeReader(['table', '--endpoint', glueEndpoint, '--database', database, '--table', table]);
}

// The partitions of a Glue table as boto3 reads them from moto: [{Values, Location}], sorted.
export function gluePartitions(glueEndpoint, database, table) {
  return lakeReader(['partitions', '--endpoint', glueEndpoint, '--database', database, '--table', table]);
}

// Mirror an S3 table into a local lake layout (objects + Glue definition), so that DuckDB reads
// it with the table's declared columns just as it reads the local lake.
export function mirrorTable(glueEndpoint, database, table, lake) {
  const def = glueTable(glueEndpoint, database, table);
  const location = def.StorageDescriptor.Location.replace(/^s3:\/\/[^/]+\//, '');
  s3Objects(location, path.join(lake, rgw.bucket));
  fs.mkdirSync(path.join(lake, '_catalog', database), { recursive: true });
  fs.writeFileSync(path.join(lake, '_catalog', database, `${table}.json`), JSON.stringify(def));
  const partitionsFile = path.join(lake, '_catalog', database, `${table}.partitions.json`);
  fs.rmSync(partitionsFile, { force: true });
  if ((def.PartitionKeys ?? []).length > 0) {
    const partitions = gluePartitions(glueEndpoint, database, table)
      .map((p) => ({ Values: p.Values, StorageDescriptor: { Location: p.Location } }));
    fs.writeFileSync(partitionsFile, JSON.stringify(partitions));
  }
  return def;
}

// Set up a table as another writer (the original connector) left it: `objects` ({key: text}) in
// the test bucket, and the Glue table `tableInput` (created as given, with its database if
// missing), with boto3.
export function seedTable(glueEndpoint, database, tableInput, objects = {}) {
  return lakeReader(['seed', '--endpoint', rgw.endpoint, '--bucket', rgw.bucket, '--glue-endpoint', glueEndpoint,
    '--database', database, '--spec', JSON.stringify({ table_input: tableInput, objects })]);
}

// Create an LF tag in moto (optional) and return the LF tags of `database`, with boto3.
export function lfTags(endpoint, database, create) {
  const args = ['lftags', '--endpoint', endpoint, '--database', database];
  if (create) args.push('--create', '--key', create.key, '--values', create.values.join(','));
  return lakeReader(args);
}

// radosgw-admin on the test cluster (scripts/radosgw.sh keeps its configuration in RADOSGW_DIR).
function rgwAdmin(args) {
  return execFileSync('radosgw-admin', ['--conf', path.join(rgw.dir, 'ceph.conf'), '-n', 'client.admin', ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// Create the radosgw role `name`, which the role user (rgw.roleUserKey) may assume, with
// `policy` (an IAM policy document) as its only permissions: radosgw enforces it on every S3
// request made with the role's credentials. Returns the role's ARN.
export function createRole(name, policy) {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam:::user/datalake-role-user'] }, Action: ['sts:AssumeRole'] }] };
  const role = JSON.parse(rgwAdmin(['role', 'create', `--role-name=${name}`, `--assume-role-policy-doc=${JSON.stringify(trust)}`]));
  rgwAdmin(['role-policy', 'put', `--role-name=${name}`, '--policy-name=permissions', `--policy-doc=${JSON.stringify(policy)}`]);
  return role.Arn ?? role.arn;
}

// Give the radosgw S3 user (rgw.accessKey, owner of rgw.bucket) one more key pair, with a secret
// the test chooses (radosgw accepts any non-empty secret); an existing pair of that id is replaced.
export function addS3Key(accessKey, secretKey) {
  rgwAdmin(['key', 'create', '--uid=datalake-test', '--key-type=s3', `--access-key=${accessKey}`, `--secret-key=${secretKey}`]);
}

export function deleteRole(name) {
  rgwAdmin(['role-policy', 'delete', `--role-name=${name}`, '--policy-name=permissions']);
  rgwAdmin(['role', 'delete', `--role-name=${name}`]);
}

// Temporary credentials of `roleArn` (radosgw STS), assumed by the role user:
// { AccessKeyId, SecretAccessKey, SessionToken }. S3 requests with them go to rgw.stsEndpoint.
export function assumeRole(roleArn) {
  return lakeReader(['assume-role', '--endpoint', rgw.stsEndpoint, '--role-arn', roleArn],
    { AWS_ACCESS_KEY_ID: rgw.roleUserKey, AWS_SECRET_ACCESS_KEY: rgw.roleUserSecret });
}

// An HTTPS endpoint on 127.0.0.1 with a self-signed certificate (made with openssl in `dir`)
// that forwards every request to the http endpoint `target` as it came (Host header included,
// so SigV4 signatures still verify). Returns { endpoint, certificate: the PEM file, close }.
export async function startTlsProxy(target, dir) {
  const key = path.join(dir, 'tls-key.pem');
  const certificate = path.join(dir, 'tls-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', key, '-out', certificate, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const upstream = new URL(target);
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(certificate) }, (req, res) => {
    const forward = http.request({
      hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers,
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `https://127.0.0.1:${server.address().port}`,
    certificate,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
