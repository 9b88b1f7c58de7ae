// docs/iam-policy.json, the minimal IAM policy the user page documents, allows every AWS action
// the destination can need and nothing else:
// - statically: every operation the AWS clients in src/ can send is found (S3 `.operation =
//   "<Op>"`, Glue and Lake Formation `Call("<Op>", ...)`, STS `"Action", "<Op>"`), must be in the
//   table of tests/e2e/aws_actions.mjs, and whether the destination sends it at all is decided
//   by the call sites of the client method that sends it; the policy's actions are exactly
//   those of the operations sent;
// - dynamically (radosgw + moto): check, syncs, a truncate and a killed attempt's retry succeed
//   with the credentials of a radosgw role whose only permissions are the policy's S3
//   statements (radosgw enforces a role's policy as AWS does), every Glue and Lake Formation
//   request they make is allowed by the policy, and without any one of the policy's S3 actions
//   they fail, naming it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OPERATIONS, requiredActions } from './aws_actions.mjs';
import { tempDir, stream, record, streamState, status, run, write, errors, ofType } from './harness.mjs';
import {
  rgw, haveRadosgw, startMoto, startValidatingProxy, stopServices, s3Uploads, gluePartitions, lfTags,
  createRole, deleteRole, assumeRole, s3Config, glueTable,
} from './services.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const POLICY_FILE = path.join(ROOT, 'docs/iam-policy.json');
const PAGE_FILE = path.join(ROOT, 'docs/destination-aws-datalake.md');
const policy = () => JSON.parse(fs.readFileSync(POLICY_FILE, 'utf8'));
const actionsOf = (statement) => [statement.Action].flat();
const policyActions = (doc) => new Set(doc.Statement.flatMap(actionsOf));

// ---------------------------------------------------------------------------------------------
// The scan of src/
// ---------------------------------------------------------------------------------------------

// C++ text without its comments; string literals (raw ones included) are kept, and digit
// separators (10'000) are not taken for character literals.
function stripComments(src) {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === 'R' && next === '"' && !/\w/.test(src[i - 1] ?? '')) {
      const open = src.indexOf('(', i + 2);
      const close = src.indexOf(`)${src.slice(i + 2, open)}"`, open);
      const stop = close + open - i; // close + ')' + delimiter + '"'
      out += src.slice(i, stop);
      i = stop;
    } else if (c === '"' || (c === "'" && !(/[0-9a-fA-F]/.test(src[i - 1] ?? '') && /[0-9a-fA-F]/.test(next ?? '')))) {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function sourceFiles(dir = path.join(ROOT, 'src')) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(cc|h)$/.test(entry.name)) {
      out.push({ file: path.relative(ROOT, full), code: stripComments(fs.readFileSync(full, 'utf8')) });
    }
  }
  return out;
}

// The operations the clients can send: name -> files that name it.
function scanOperations(files) {
  const found = new Map();
  const patterns = [
    /\.operation\s*=\s*"(\w+)"/g, // AwsRequest{.operation = "PutObject", ...} (S3)
    /\bCall\(\s*"(\w+)"/g, // GlueClient / LakeFormationClient::Call("GetTable", ...)
    /"Action"\s*,\s*"(\w+)"/g, // STS query bodies: Action=AssumeRole
  ];
  for (const { file, code } of files) {
    for (const re of patterns) {
      for (const m of code.matchAll(re)) {
        if (!found.has(m[1])) found.set(m[1], new Set());
        found.get(m[1]).add(file);
      }
    }
  }
  return found;
}

// Where `name(` is called in `files`: every occurrence that is neither a definition
// (`Class::name(`) nor a declaration (`Type name(` at the start of a line).
function callSites(files, name) {
  const sites = [];
  for (const { file, code } of files) {
    for (const m of code.matchAll(new RegExp(`\\b${name}\\s*\\(`, 'g'))) {
      const before = code.slice(code.lastIndexOf('\n', m.index) + 1, m.index);
      if (/::\s*$/.test(before)) continue;
      if (/^\s*(?:(?:virtual|static|inline|explicit)\s+)*[A-Za-z_][\w:]*(?:<.*>)?[&*]?\s+$/.test(before) &&
          !/\b(?:return|co_return|else|case)\s+$/.test(before)) continue;
      sites.push(`${file}:${code.slice(0, m.index).split('\n').length}`);
    }
  }
  return sites;
}

// Which client file sends which service's operations.
const CLIENT_FILES = {
  's3': /^src\/aws\/s3_client/, 'glue': /^src\/aws\/glue\.cc$/, 'lakeformation': /^src\/aws\/lakeformation\.cc$/,
  'sts': /^src\/aws\/sts\.cc$/,
};

test('every AWS operation the code can send is in the table, and the table says truly whether it is sent', () => {
  const files = sourceFiles();
  const found = scanOperations(files);
  // The scan cannot pass by finding nothing.
  const perService = {};
  for (const op of found.keys()) {
    const service = OPERATIONS[op]?.service ?? 'unknown';
    perService[service] = (perService[service] ?? 0) + 1;
  }
  assert.ok(perService.s3 >= 10, `S3 operations found: ${perService.s3}`);
  assert.ok(perService.glue >= 10, `Glue operations found: ${perService.glue}`);
  assert.ok(perService.lakeformation >= 1, `Lake Formation operations found: ${perService.lakeformation}`);
  assert.ok(perService.sts >= 2, `STS operations found: ${perService.sts}`);

  for (const [op, where] of found) {
    assert.ok(OPERATIONS[op], `${op} (sent by ${[...where].join(', ')}) is not in tests/e2e/aws_actions.mjs: ` +
      'add it with the IAM action it needs, and the action to docs/iam-policy.json');
    for (const file of where) {
      const owner = Object.entries(CLIENT_FILES).find(([, re]) => re.test(file))?.[0];
      if (owner) assert.equal(OPERATIONS[op].service, owner, `${op} is sent by ${file}`);
    }
  }
  for (const op of Object.keys(OPERATIONS)) assert.ok(found.has(op), `${op} is in the table but no longer in src/`);

  // Requests whose operation is not a literal: only the three clients that pass theirs on.
  const passThrough = files.filter(({ code }) => /\boperation\s*=(?!=)(?!\s*")/.test(code)).map((f) => f.file);
  assert.deepEqual(passThrough.sort(), ['src/aws/glue.cc', 'src/aws/lakeformation.cc', 'src/aws/sts.cc']);
  // ... and every call of their Call() names its operation as a literal (found above).
  for (const site of callSites(files, 'Call')) {
    const [file, line] = site.split(':');
    const code = files.find((f) => f.file === file).code;
    const from = code.split('\n').slice(line - 1).join('\n');
    const args = from.slice(from.search(/\bCall\s*\(/)).slice(0, 120);
    // Call("GetTable", ...); StsClient's Call(signed_.get(), "AssumeRole", ...).
    const literal = /^Call\s*\(\s*(?:[\w.]+\(\)\s*,\s*)?"(\w+)"/.exec(args);
    assert.ok(literal && OPERATIONS[literal[1]], `${site}: Call() without a literal operation of the table: ${args}`);
  }

  for (const [op, entry] of Object.entries(OPERATIONS)) {
    const sent = entry.method === null ? found.has(op) : callSites(files, entry.method).length > 0;
    assert.equal(sent, entry.when !== 'never',
      `${op}: ${entry.method}() ${sent ? 'is called' : 'is never called'}, the table says otherwise`);
    if (entry.actions.length === 0) assert.ok(entry.why, `${op} needs no IAM action: say why`);
    // Glue and Lake Formation access-denied messages name "<service>:<Operation>" (glue_errors.cc).
    if (sent && entry.actions.length > 0 && ['glue', 'lakeformation'].includes(entry.service)) {
      assert.deepEqual(entry.actions, [`${entry.service}:${op}`]);
    }
  }
});

test('docs/iam-policy.json is a valid IAM policy that allows exactly the actions of the operations sent', () => {
  const doc = policy();
  assert.equal(doc.Version, '2012-10-17');
  assert.ok(Array.isArray(doc.Statement) && doc.Statement.length > 0);
  const sids = new Set();
  const placeholders = new Set();
  for (const s of doc.Statement) {
    assert.deepEqual(Object.keys(s).sort(), ['Action', 'Effect', 'Resource', 'Sid'], JSON.stringify(s));
    assert.match(s.Sid, /^[A-Za-z0-9]+$/);
    assert.ok(!sids.has(s.Sid), `duplicate Sid ${s.Sid}`);
    sids.add(s.Sid);
    assert.equal(s.Effect, 'Allow');
    for (const a of actionsOf(s)) assert.match(a, /^(s3|glue|lakeformation|kms|sts):[A-Za-z]+$/, 'one action, no wildcard');
    const service = actionsOf(s)[0].split(':')[0];
    assert.ok(actionsOf(s).every((a) => a.startsWith(`${service}:`)), `${s.Sid}: one service per statement`);
    for (const r of [s.Resource].flat()) {
      assert.match(r, /^(\*|arn:aws:(s3|glue|kms|iam):)/, r);
      for (const m of r.matchAll(/<([^>]*)>/g)) placeholders.add(m[1]);
    }
  }
  assert.deepEqual([...placeholders].sort(),
    ['account-id', 'bucket', 'database', 'kms-key-id', 'prefix', 'region', 'role-name']);

  const found = scanOperations(sourceFiles());
  const sent = Object.keys(OPERATIONS).filter((op) => found.has(op) && OPERATIONS[op].when !== 'never');
  const required = requiredActions(sent);
  const allowed = policyActions(doc);
  const missing = [...required].filter((a) => !allowed.has(a));
  const extra = [...allowed].filter((a) => !required.has(a));
  assert.deepEqual(missing, [], 'actions the destination needs that the policy does not allow');
  assert.deepEqual(extra, [], 'actions the policy allows that the destination never needs');
  assert.ok(allowed.size >= 18, `${allowed.size} actions`);
});

// S3Client::ExplainError tells the user which permission a denied request needs
// (RequiredPermission in src/aws/s3_client.cc): it must name the action the policy grants.
test("the S3 client's access-denied messages name the policy's action of each operation", () => {
  const code = stripComments(fs.readFileSync(path.join(ROOT, 'src/aws/s3_client.cc'), 'utf8'));
  const start = code.search(/RequiredPermission\(std::string_view operation\)\s*\{/);
  assert.ok(start >= 0, 'RequiredPermission not found');
  const body = code.slice(start, code.indexOf('\n}', start));
  const named = {};
  for (const m of body.matchAll(/if\s*\(([^{;]*?)\)\s*\{?\s*return\s+"([\w:]+)"/g)) {
    for (const op of m[1].matchAll(/"(\w+)"/g)) named[op[1]] = m[2];
  }
  const fallback = [...body.matchAll(/return\s+"([\w:]+)"/g)].pop()[1];
  assert.ok(Object.keys(named).length >= 7, JSON.stringify(named));
  const allowed = policyActions(policy());
  for (const [op, entry] of Object.entries(OPERATIONS)) {
    if (entry.service !== 's3' || entry.actions.length === 0) continue;
    assert.equal(named[op] ?? fallback, entry.actions[0], op);
    assert.ok(allowed.has(entry.actions[0]), entry.actions[0]);
  }
});

test('the user page shows the policy file as it is and explains each of its statements and actions', () => {
  const page = fs.readFileSync(PAGE_FILE, 'utf8');
  const blocks = [...page.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.some((b) => {
    try {
      return JSON.stringify(JSON.parse(b)) === JSON.stringify(policy());
    } catch {
      return false;
    }
  }), 'the page does not show docs/iam-policy.json verbatim');
  assert.match(page, /\(iam-policy\.json\)/, 'the page links the policy file');
  for (const s of policy().Statement) {
    assert.ok(page.includes(`\`${s.Sid}\``), `the page does not explain statement ${s.Sid}`);
    for (const a of actionsOf(s)) assert.ok(page.includes(`\`${a}\``), `the page does not explain ${a}`);
  }
});

// ---------------------------------------------------------------------------------------------
// The policy against real services
// ---------------------------------------------------------------------------------------------

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
let moto; // the test's own Glue and Lake Formation calls go here directly
let validator; // the destination's go through the validating proxy, which records them
const roles = [];
before(async () => {
  if (haveRadosgw) {
    moto = await startMoto();
    validator = await startValidatingProxy(moto);
  }
});
after(() => {
  stopServices();
  for (const name of roles.splice(0)) deleteRole(name);
});

const unique = () => crypto.randomBytes(4).toString('hex');

// The policy's S3 statements for `prefix` of the test bucket, without the action `drop`.
function s3Policy(prefix, drop) {
  const statements = policy().Statement
    .filter((s) => actionsOf(s).every((a) => a.startsWith('s3:')))
    .map((s) => ({ ...s, Action: actionsOf(s).filter((a) => a !== drop) }))
    .filter((s) => s.Action.length > 0);
  // radosgw 16 also checks s3:DeleteObject of a multi-object delete (DeleteObjects) against the
  // bucket's ARN; AWS checks it against each key's object ARN only, as the policy grants it.
  if (statements.some((s) => s.Action.includes('s3:DeleteObject'))) {
    statements.push({ Sid: 'RadosgwMultiObjectDelete', Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: 'arn:aws:s3:::<bucket>' });
  }
  const text = JSON.stringify({ Version: '2012-10-17', Statement: statements })
    .replaceAll('<bucket>', rgw.bucket).replaceAll('<prefix>', prefix);
  assert.doesNotMatch(text, /<[^>]*>/, 'every placeholder of the S3 statements is filled in');
  return JSON.parse(text);
}

// Credentials of a new radosgw role that has only the policy's S3 permissions (minus `drop`).
function credentialsWithPolicy(prefix, drop) {
  const name = `iam-policy-${unique()}`;
  roles.push(name);
  return assumeRole(createRole(name, s3Policy(prefix, drop)));
}

const TAG = { key: 'pii_level', values: ['private', 'public'] };

function roleConfig(credentials, prefix, database, extra = {}) {
  return {
    credentials: {
      credentials_title: 'IAM User', aws_access_key_id: credentials.AccessKeyId,
      aws_secret_access_key: credentials.SecretAccessKey, aws_session_token: credentials.SessionToken,
    },
    region: 'us-east-1',
    bucket_name: rgw.bucket,
    bucket_prefix: prefix,
    lakeformation_database_name: database,
    lakeformation_database_default_tag_key: TAG.key,
    lakeformation_database_default_tag_values: TAG.values.join(','),
    format: { format_type: 'JSONL', compression_codec: 'UNCOMPRESSED' },
    partitioning: 'YEAR/MONTH',
    s3_endpoint: rgw.stsEndpoint, // the radosgw that accepts role credentials
    glue_endpoint: validator.endpoint,
    lakeformation_endpoint: validator.endpoint,
    commit_interval_seconds: 0,
    ...extra,
  };
}

const eventProps = { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } };
const padProps = { id: { type: 'integer' }, pad: { type: 'string' } };
const pad = 'p'.repeat(64 * 1024);

// `rows` as records of stream `name`, one STATE after them, and the stream's COMPLETE status.
const messages = (name, rows) =>
  [...rows.map((data) => record(name, data)), streamState(name, { upto: rows.length }), status(name, 'COMPLETE')];

// check, then the syncs that need every S3 action: a killed attempt's open multipart upload
// aborted by the next attempt, a first sync (multipart and single-request files, partitions,
// LF tags) and a truncate (listing, deleting, partitions dropped). Stops at the first failure;
// returns { failed: the step, messages: its error texts } or { failed: null }.
async function scenario(credentials, prefix, database) {
  const dir = tempDir('iam-policy');
  const config = roleConfig(credentials, prefix, database);
  const failure = (step, r, text) => ({
    failed: step,
    messages: text ? [text] : errors(r).map((e) => e.message),
    output: r.stdout.slice(-3000),
  });

  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  const checked = await run(['check', '--config', configPath]);
  const st = ofType(checked, 'CONNECTION_STATUS')[0]?.connectionStatus;
  if (st?.status !== 'SUCCEEDED') return failure('check', checked, st?.message);

  // Killed with an 8 MiB part uploaded and the upload open (no clean-up: SIGKILL).
  const job = { generation_id: 1, minimum_generation_id: 0, sync_id: 31 };
  const many = Array.from({ length: 200 }, (_, i) => ({ id: i, pad }));
  let r = await write(dir, { ...config, commit_interval_seconds: 300 }, { streams: [stream('killed', padProps, job)] },
    messages('killed', many), { env: { ...process.env, DATALAKE_CRASH_AT: 'record.encoded:190' } });
  if (r.code !== null) return failure('killed attempt', r);
  // Its retry aborts that upload before it writes.
  r = await write(dir, config, { streams: [stream('killed', padProps, job)] }, messages('killed', [{ id: 1000 }]));
  if (r.code !== 0) return failure('retry of the killed attempt', r);
  const logs = ofType(r, 'LOG').map((m) => m.log.message);
  if (!logs.some((l) => /Removed 1 incomplete files/.test(l))) return failure('retry of the killed attempt', r, 'no upload was aborted');

  // A first sync: a partitioned stream, and a 12 MiB file (multipart upload).
  const months = [{ id: 1, at: '2024-01-15T10:00:00Z' }, { id: 2, at: '2024-02-15T10:00:00Z' }];
  r = await write(dir, config, {
    streams: [stream('events', eventProps, { cursor: 'at', sync_id: 32 }), stream('big', padProps, { sync_id: 32 })],
  }, [...messages('events', months), ...messages('big', many)]);
  if (r.code !== 0) return failure('first sync', r);

  // A truncate (overwrite, generation 2): the January partition and the old files go.
  r = await write(dir, config, { streams: [stream('events', eventProps, { cursor: 'at', mode: 'overwrite', generation_id: 2, sync_id: 33 })] },
    messages('events', [{ id: 3, at: '2024-02-20T10:00:00Z' }]));
  if (r.code !== 0) return failure('truncate', r);
  return { failed: null };
}

test('check, syncs, a truncate and a retry succeed with only the S3 permissions of the policy; ' +
  'every Glue and Lake Formation request they make is allowed by it', { skip }, async () => {
  const prefix = `iam-${unique()}`;
  const database = `iam_${unique()}`;
  lfTags(moto, 'unused', TAG); // the LF-Tag exists, as an administrator would have created it
  await fetch(`${validator.endpoint}/_fake/reset`, { method: 'POST' });

  const result = await scenario(credentialsWithPolicy(prefix), prefix, database);
  assert.equal(result.failed, null, JSON.stringify(result, null, 1));
  // What the syncs did, read with the test's own (unrestricted) credentials.
  assert.deepEqual(gluePartitions(moto, database, 'events').map((p) => p.Values), [['2024', '2']]);
  assert.deepEqual(s3Uploads(`${prefix}/`), [], 'no upload is left open');
  assert.deepEqual(lfTags(moto, database).map((t) => t.TagKey), [TAG.key]);

  const requests = await validator.requests();
  assert.deepEqual(await validator.errors(), []);
  const seen = new Set(requests.map((q) => q.operation));
  const allowed = policyActions(policy());
  for (const q of requests) {
    const entry = OPERATIONS[q.operation];
    assert.ok(entry, `${q.service} ${q.operation} is not in tests/e2e/aws_actions.mjs`);
    assert.equal(entry.service, q.service, q.operation);
    assert.notEqual(entry.when, 'never', `${q.operation} was sent; the table says it never is`);
    for (const a of entry.actions) assert.ok(allowed.has(a), `${q.operation} needs ${a}, which the policy does not allow`);
  }
  // Every Glue and Lake Formation operation the destination sends was seen here.
  const expected = Object.keys(OPERATIONS).filter((op) =>
    ['glue', 'lakeformation'].includes(OPERATIONS[op].service) && OPERATIONS[op].when !== 'never');
  assert.deepEqual(expected.filter((op) => !seen.has(op)), []);
});

test('without any one S3 action of the policy, check or a sync fails, naming that action', { skip }, async () => {
  const s3Actions = [...policyActions(policy())].filter((a) => a.startsWith('s3:'));
  assert.ok(s3Actions.length >= 6, s3Actions.join());
  lfTags(moto, 'unused', TAG);
  for (const action of s3Actions) {
    const prefix = `iam-${unique()}`;
    const result = await scenario(credentialsWithPolicy(prefix, action), prefix, `iam_${unique()}`);
    assert.notEqual(result.failed, null, `the scenario succeeded without ${action}`);
    assert.ok(result.messages.some((m) => m.includes(`${action} permission`)),
      `without ${action}, ${result.failed} failed with: ${JSON.stringify(result.messages)}`);
  }
});

// ---------------------------------------------------------------------------------------------
// What check proves about the Glue permissions
// ---------------------------------------------------------------------------------------------

// The Glue database a request names.
const databaseOf = (q) => q.body.DatabaseName ?? q.body.DatabaseInput?.Name ?? (q.operation === 'GetDatabase' ? q.body.Name : undefined);

async function check(dir, config) {
  const configPath = path.join(dir, `config-${unique()}.json`);
  fs.writeFileSync(configPath, JSON.stringify(config));
  const r = await run(['check', '--config', configPath]);
  return { r, status: ofType(r, 'CONNECTION_STATUS')[0]?.connectionStatus };
}

test('check sends the Glue requests a sync starts with (GetTables too), and fails naming the action of any one denied, as a sync does', { skip }, async () => {
  const dir = tempDir('check-glue');
  const proxy = await startValidatingProxy(moto);
  const config = (database) => s3Config(proxy.endpoint, `check-${unique()}`, { lakeformation_database_name: database });

  const { status: passed } = await check(dir, config(`check_${unique()}`));
  assert.equal(passed?.status, 'SUCCEEDED', passed?.message);
  const sent = [...new Set((await proxy.requests()).map((q) => q.operation))].sort();
  assert.ok(sent.includes('GetTables'), `check sent ${sent}`);
  // tests/e2e/aws_actions.mjs says truly which Glue operations check sends.
  const documented = Object.keys(OPERATIONS)
    .filter((op) => OPERATIONS[op].service === 'glue' && /\bcheck\b/.test(OPERATIONS[op].when)).sort();
  assert.deepEqual(sent, documented);

  const explanation = (message) => message.slice(0, message.indexOf(' ('));
  for (const op of sent) {
    await proxy.deny([op]);
    const database = `check_${unique()}`; // a new database, so that check creates it
    const { r, status: st } = await check(dir, config(database));
    assert.equal(st?.status, 'FAILED', `check passed with glue:${op} denied`);
    assert.equal(errors(r).length, 1);
    assert.equal(errors(r)[0].failure_type, 'config_error');
    assert.match(st.message, new RegExp(`^Could not [^:]+: access denied to the Glue Data Catalog: check the credentials, their glue:${op} permission and their Lake Formation permissions \\(${op} `), st.message);
    if (op === 'GetTables') {
      // A sync meets the same denial first, and explains it in the same words.
      assert.ok(st.message.startsWith(`Could not list the tables of database ${database}: `), st.message);
      const written = await write(dir, config(database), { streams: [stream('t', padProps)] }, messages('t', [{ id: 1 }]));
      assert.equal(written.code, 1);
      assert.equal(errors(written)[0].failure_type, 'config_error');
      assert.equal(explanation(errors(written)[0].message),
        `Sync failed: ${explanation(st.message.slice(`Could not list the tables of database ${database}: `.length))}`);
    }
  }
  await proxy.deny([]);
  assert.deepEqual(await proxy.errors(), []);
});

test('check names and creates the lowercase Glue database of a mixed-case lakeformation_database_name, as a sync does', { skip }, async () => {
  const dir = tempDir('check-case');
  const proxy = await startValidatingProxy(moto);
  const database = `Check_Mixed_${unique()}`;
  const lower = database.toLowerCase();
  const config = s3Config(proxy.endpoint, `check-${unique()}`, { lakeformation_database_name: database });

  const { r, status: st } = await check(dir, config);
  assert.equal(st?.status, 'SUCCEEDED', st?.message);
  const logs = ofType(r, 'LOG').map((m) => m.log.message);
  assert.ok(logs.some((l) => l.startsWith(`Checking the destination with probe table ${lower}.airbyte_test_`)), JSON.stringify(logs));
  assert.ok(!r.stdout.includes(database), 'check names the database as typed');
  const checked = await proxy.requests();
  assert.ok(checked.some((q) => q.operation === 'CreateDatabase'), 'check created the database');
  assert.deepEqual([...new Set(checked.map(databaseOf))], [lower]);

  await proxy.reset();
  const written = await write(dir, config, { streams: [stream('t', padProps)] }, messages('t', [{ id: 1 }]));
  assert.equal(written.code, 0, written.stdout.slice(-2000));
  const synced = await proxy.requests();
  assert.deepEqual([...new Set(synced.map(databaseOf))], [lower]);
  assert.ok(!synced.some((q) => q.operation === 'CreateDatabase'), 'the sync found the database check created');
  assert.equal(glueTable(moto, lower, 't').Parameters.airbyte_stream, 't');
  assert.deepEqual(await proxy.errors(), []);
});
