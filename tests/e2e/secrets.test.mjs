// Secrets never reach stdout or stderr: every credentials mode, with recognisable secret values,
// through `check` and `write`, each once succeeding and once failing. A recording proxy in front
// of every endpoint captures what the binary sends (Authorization headers, session tokens) and
// what STS gives it (temporary keys), so the test also knows the SigV4 signatures and signing
// keys of each run and asserts that none of them is printed either, in any message (LOG, TRACE
// message, internal_message, CONNECTION_STATUS) or on stderr. A one-character secret must not
// garble output: redaction must leave unrelated text alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { tempDir, stream, record, streamState, status, run, write, states, errors, ofType } from './harness.mjs';
import { rgw, haveRadosgw, startMoto, stopServices, addS3Key, assumeRole, s3Objects } from './services.mjs';

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
const DATABASE = 'e2e_secrets';
const unique = () => crypto.randomBytes(4).toString('hex');
const TAG = unique();

// Recognisable values, one per mode. Key pairs marked `rgw` are added to the radosgw S3 user.
const KEYS = {
  user: { id: 'DLSECRETSIAMUSER0001', secret: 'SECRETKEY-iamuser-7f3a/Qx+1', rgw: true },
  env: { id: 'DLSECRETSENVCHAIN001', secret: 'SECRETKEY-envchain-8b4c/Rw+2', rgw: true },
  profile: { id: 'DLSECRETSPROFILE0001', secret: 'SECRETKEY-profile-9c5d/Sv+3', rgw: true },
  container: { id: 'DLSECRETSCONTAINER01', secret: 'SECRETKEY-container-0d6e/Tu+4', rgw: true },
  roleSource: { id: 'DLSECRETSROLESOURCE1', secret: 'SECRETKEY-rolesource-1e7f/Ut+5', rgw: true },
  oneChar: { id: 'DLSECRETSONECHAR0001', secret: 'b', rgw: true },
};
const WRONG = (mode) => `SECRETKEY-${mode}-WRONG-${TAG}/x+y`;
const EXTERNAL_ID = `EXTERNALID-${TAG}-role`;
const WEB_IDENTITY_TOKEN = `WEBIDENTITYTOKEN-${TAG}-eyJhbGciOiJSUzI1NiJ9.payload.signature`;
const CONTAINER_TOKEN = `CONTAINERAUTHTOKEN-${TAG}-pod-identity`;
const FORGED_SESSION_TOKEN = `SESSIONTOKEN-${TAG}-forged-FwoGZXIvYXdzEJr`;

// Every secret a run could have seen: the values above, and what STS and the container endpoint
// handed out (added as they are captured). akid -> secret, to derive SigV4 signing keys.
const secrets = new Set([EXTERNAL_ID, WEB_IDENTITY_TOKEN, CONTAINER_TOKEN, FORGED_SESSION_TOKEN, rgw.secretKey ?? '']);
const secretOf = new Map();
function known(id, secret, token) {
  secretOf.set(id, secret);
  secrets.add(secret);
  if (token) secrets.add(token);
}
for (const { id, secret } of Object.values(KEYS)) known(id, secret);
known(rgw.roleUserKey, rgw.roleUserSecret);

// A proxy in front of `target` that forwards every request as it came (Host header included,
// so signatures still verify) and records its headers and, for STS, the credentials it returns.
const captured = [];
async function startRecorder(target) {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const entry = { url: req.url, headers: req.headers };
    captured.push(entry);
    const forward = http.request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      let body = '';
      answer.on('data', (d) => {
        if (body.length < 1 << 16) body += d.toString('latin1');
        res.write(d);
      });
      answer.on('end', () => {
        const field = (name) => (new RegExp(`<${name}>([^<]+)</${name}>`).exec(body) ?? [])[1];
        if (field('SecretAccessKey')) known(field('AccessKeyId'), field('SecretAccessKey'), field('SessionToken'));
        res.end();
      });
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${server.address().port}`, server };
}

// ECS / EKS Pod Identity container credentials endpoint: answers with `credentials()` when the
// Authorization header is CONTAINER_TOKEN, else 401 with a body that echoes what it was given.
async function startContainerEndpoint(credentials) {
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== CONTAINER_TOKEN) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `unauthorized token ${req.headers.authorization}` }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(credentials()));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/v2/credentials`, server };
}

// An endpoint that denies every request but HEAD, quoting all of it in the error message: the
// Authorization header, the session token and the body (an STS form with the web identity
// token or the external id). Whatever a server echoes must not be printed either.
async function startEchoEndpoint() {
  const server = http.createServer((req, res) => {
    captured.push({ url: req.url, headers: req.headers });
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      // HEAD answers carry no body: let them pass, so that the next request is the one refused.
      if (req.method === 'HEAD') {
        res.writeHead(200);
        res.end();
        return;
      }
      const echo = `you sent ${req.headers.authorization} ${req.headers['x-amz-security-token'] ?? ''} ${decodeURIComponent(body)}`
        .replaceAll('&', '&amp;').replaceAll('<', '&lt;');
      res.writeHead(403, { 'Content-Type': 'text/xml' });
      res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${echo}</Message></Error><RequestId>echo-1</RequestId></ErrorResponse>`);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${server.address().port}`, server };
}

const h = (key, data) => crypto.createHmac('sha256', key).update(data).digest();
const signingKey = (secret, date, region, service) => h(h(h(h(`AWS4${secret}`, date), region), service), 'aws4_request');

// What requests[from..] carried that must never be printed: each signature, session token and
// the signing key each signature was made with (hex and base64).
function sentSecrets(from) {
  const out = new Set();
  for (const { url, headers } of captured.slice(from)) {
    const auth = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request.*Signature=([0-9a-f]{64})/.exec(headers.authorization ?? '');
    if (auth) {
      const [, id, date, region, service, signature] = auth;
      out.add(signature);
      const secret = secretOf.get(id);
      assert.ok(secret !== undefined, `a request was signed with ${id}, whose secret the test does not know`);
      const key = signingKey(secret, date, region, service);
      out.add(key.toString('hex'));
      out.add(key.toString('base64'));
    }
    const query = /X-Amz-Signature=([0-9a-f]{64})/i.exec(url);
    if (query) out.add(query[1]);
    if (headers['x-amz-security-token']) out.add(headers['x-amz-security-token']);
  }
  return out;
}

let moto;
let recorders;
let container;
let echo;
let temporary; // radosgw STS credentials of the role, for IAM User with a session token
const closers = [];
before(async () => {
  if (!haveRadosgw) return;
  for (const { id, secret, rgw: add } of Object.values(KEYS)) if (add) addS3Key(id, secret);
  moto = await startMoto();
  recorders = {
    s3: await startRecorder(rgw.endpoint),
    sts: await startRecorder(rgw.stsEndpoint),
    moto: await startRecorder(moto),
  };
  // Web identity succeeds against moto's STS, whose temporary keys only moto's S3 accepts.
  assert.equal((await fetch(`${moto}/secrets-webid`, { method: 'PUT' })).status, 200);
  container = await startContainerEndpoint(() => ({
    AccessKeyId: KEYS.container.id, SecretAccessKey: KEYS.container.secret,
    Expiration: new Date(Date.now() + 3600e3).toISOString(),
  }));
  echo = await startEchoEndpoint();
  temporary = assumeRole(rgw.roleArn);
  known(temporary.AccessKeyId, temporary.SecretAccessKey, temporary.SessionToken);
  closers.push(...Object.values(recorders).map((r) => r.server), container.server, echo.server);
});
after(() => {
  for (const server of closers) server.closeAllConnections();
  for (const server of closers) server.close();
  stopServices();
});

// The environment of every run: no AWS_* variable of the caller, no ~/.aws, no EC2 metadata.
function baseEnv(home) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return { ...env, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' };
}

function config(prefix, credentials, extra = {}) {
  return {
    credentials,
    region: 'us-east-1',
    bucket_name: rgw.bucket,
    bucket_prefix: prefix,
    lakeformation_database_name: DATABASE,
    format: { format_type: 'JSONL', compression_codec: 'UNCOMPRESSED' },
    s3_endpoint: recorders.s3.endpoint,
    sts_endpoint: recorders.sts.endpoint,
    glue_endpoint: recorders.moto.endpoint,
    commit_interval_seconds: 0,
    ...extra,
  };
}

const chain = { credentials_title: 'Default Credentials Chain' };
const iamUser = (id, secret, token) => ({
  credentials_title: 'IAM User', aws_access_key_id: id, aws_secret_access_key: secret, ...(token ? { aws_session_token: token } : {}),
});

// The cases: mode -> (outcome -> { credentials, env, extra, expect }). `expect` is null for a
// success, else a RegExp the failure's message must match. Built per run (endpoints, files).
function cases(dir) {
  const file = (name, text) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const profileFile = (secret) => file(`credentials-${secret === KEYS.profile.secret ? 'good' : 'bad'}`,
    `[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other-secret-unused\n\n` +
    `[secrets]\naws_access_key_id = ${KEYS.profile.id}\naws_secret_access_key = ${secret}\n`);
  const tokenFile = file('web-identity-token', `${WEB_IDENTITY_TOKEN}\n`);
  const rejected = /the credentials were rejected: the signature does not match/;
  return {
    'IAM User': {
      success: { credentials: iamUser(KEYS.user.id, KEYS.user.secret) },
      failure: { credentials: iamUser(KEYS.user.id, WRONG('iamuser')), expect: rejected },
    },
    'IAM User, unreachable endpoint': {
      failure: { credentials: iamUser(KEYS.user.id, KEYS.user.secret), extra: { s3_endpoint: 'http://127.0.0.1:9' }, expect: /127\.0\.0\.1:9/ },
    },
    'IAM User, invalid config': {
      failure: { credentials: iamUser(KEYS.user.id, KEYS.user.secret, FORGED_SESSION_TOKEN), extra: { region: 'mars-north-1' }, expect: /region/ },
    },
    'IAM User with session token': {
      success: { credentials: iamUser(temporary.AccessKeyId, temporary.SecretAccessKey, temporary.SessionToken), extra: { s3_endpoint: recorders.sts.endpoint } },
      failure: { credentials: iamUser(temporary.AccessKeyId, temporary.SecretAccessKey, FORGED_SESSION_TOKEN), extra: { s3_endpoint: recorders.sts.endpoint }, expect: /HeadBucket s3:\/\/\S+: HTTP 4\d\d/ },
    },
    'IAM Role with external id': {
      // The source identity comes from the default chain (here the environment).
      success: {
        credentials: { credentials_title: 'IAM Role', role_arn: rgw.roleArn, external_id: EXTERNAL_ID },
        env: { AWS_ACCESS_KEY_ID: rgw.roleUserKey, AWS_SECRET_ACCESS_KEY: rgw.roleUserSecret },
        extra: { s3_endpoint: recorders.sts.endpoint },
      },
      // The role's trust policy does not admit this source identity: AssumeRole is denied.
      failure: {
        credentials: { credentials_title: 'IAM Role', role_arn: rgw.roleArn, external_id: EXTERNAL_ID },
        env: { AWS_ACCESS_KEY_ID: KEYS.roleSource.id, AWS_SECRET_ACCESS_KEY: KEYS.roleSource.secret },
        extra: { s3_endpoint: recorders.sts.endpoint },
        expect: /AssumeRole/,
      },
    },
    'Default chain: environment': {
      success: { credentials: chain, env: { AWS_ACCESS_KEY_ID: KEYS.env.id, AWS_SECRET_ACCESS_KEY: KEYS.env.secret } },
      failure: { credentials: chain, env: { AWS_ACCESS_KEY_ID: KEYS.env.id, AWS_SECRET_ACCESS_KEY: WRONG('envchain') }, expect: rejected },
    },
    'Default chain: shared credentials file profile': {
      success: { credentials: chain, env: { AWS_SHARED_CREDENTIALS_FILE: profileFile(KEYS.profile.secret), AWS_PROFILE: 'secrets' } },
      failure: { credentials: chain, env: { AWS_SHARED_CREDENTIALS_FILE: profileFile(WRONG('profile')), AWS_PROFILE: 'secrets' }, expect: rejected },
    },
    'Default chain: web identity': {
      success: {
        credentials: chain,
        env: { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/secrets-webid' },
        extra: { bucket_name: 'secrets-webid', s3_endpoint: recorders.moto.endpoint, sts_endpoint: recorders.moto.endpoint },
      },
      // radosgw knows no OpenID Connect provider: it refuses the token.
      failure: {
        credentials: chain,
        env: { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: rgw.roleArn },
        expect: /AssumeRoleWithWebIdentity/,
      },
    },
    'Default chain: container credentials': {
      success: { credentials: chain, env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: container.url, AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_TOKEN } },
      failure: { credentials: chain, env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: container.url, AWS_CONTAINER_AUTHORIZATION_TOKEN: `${CONTAINER_TOKEN}-stale` }, expect: /container.*HTTP 401/ },
    },
    'Endpoints that echo the request': {
      'failure (S3, session token)': {
        credentials: iamUser(temporary.AccessKeyId, temporary.SecretAccessKey, temporary.SessionToken),
        extra: { s3_endpoint: echo.endpoint },
        expect: /you sent/,
      },
      'failure (STS AssumeRole)': {
        credentials: { credentials_title: 'IAM Role', role_arn: rgw.roleArn, external_id: EXTERNAL_ID },
        env: { AWS_ACCESS_KEY_ID: rgw.roleUserKey, AWS_SECRET_ACCESS_KEY: rgw.roleUserSecret },
        extra: { sts_endpoint: echo.endpoint },
        expect: /AssumeRole.*you sent/,
      },
      'failure (STS web identity)': {
        credentials: chain,
        env: { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: rgw.roleArn },
        extra: { sts_endpoint: echo.endpoint },
        expect: /AssumeRoleWithWebIdentity.*you sent/,
      },
    },
  };
}

const MASKS = ['**********', '[redacted]'];

// Run `check` then `write` (with --debug, the most verbose the binary gets) and return both
// results, after asserting that nothing either printed holds a secret or a signature.
async function checkAndWrite(dir, name, cfg, env) {
  const configPath = path.join(dir, `config-${name}.json`);
  fs.writeFileSync(configPath, JSON.stringify(cfg));
  const from = captured.length;
  const checked = await run(['check', '--config', configPath, '--debug'], '', { env });
  const messages = [record(name, { id: 1 }), record(name, { id: 2 }), record(name, { id: 3 }), streamState(name, { upto: 3 }), status(name, 'COMPLETE')];
  const written = await write(dir, cfg, { streams: [stream(name, { id: { type: 'integer' }})] }, messages, { env });
  // A message cut short must not keep part of a long secret either: its first 24 characters.
  const forbidden = [...secrets, ...sentSecrets(from)].filter((s) => s.length >= 8)
    .flatMap((s) => (s.length > 32 ? [s, s.slice(0, 24)] : [s]));
  for (const [command, r] of [['check', checked], ['write', written]]) {
    for (const [where, text] of [['stdout', r.stdout], ['stderr', r.stderr]]) {
      for (const s of forbidden) assert.ok(!text.includes(s), `${name}: ${command} printed a secret on ${where}: ${s}\n${text}`);
    }
  }
  return { checked, written, signed: captured.slice(from).filter((c) => c.headers.authorization).length };
}

const statusOf = (r) => ofType(r, 'CONNECTION_STATUS')[0]?.connectionStatus;

test('no secret, signature or signing key is printed by check or write, in any credentials mode, succeeding or failing', { skip }, async () => {
  const dir = tempDir('secrets');
  const table = [];
  for (const [mode, outcomes] of Object.entries(cases(dir))) {
    for (const [outcome, c] of Object.entries(outcomes)) {
      const name = `${mode.replace(/[^A-Za-z]+/g, '_').toLowerCase()}_${outcome}`;
      const env = { ...baseEnv(dir), ...(c.env ?? {}) };
      const { checked, written, signed } = await checkAndWrite(dir, name, config(`secrets-${TAG}`, c.credentials, c.extra), env);
      const where = `${mode} ${outcome}:\n${checked.stdout}\n${written.stdout}`;
      if (outcome.startsWith('success')) {
        assert.equal(statusOf(checked)?.status, 'SUCCEEDED', where);
        assert.equal(written.code, 0, where);
        assert.equal(states(written).length, 1, where);
        assert.ok(signed > 0, `${mode}: no signed request was seen, so no signature was looked for`);
        // Nothing in a successful run is a secret: any mask means redaction hit unrelated text.
        for (const r of [checked, written]) for (const m of MASKS) assert.ok(!r.stdout.includes(m), where);
      } else {
        assert.equal(statusOf(checked)?.status, 'FAILED', where);
        assert.match(statusOf(checked).message, c.expect, where);
        assert.notEqual(written.code, 0, where);
        assert.deepEqual(states(written), [], where);
        assert.equal(errors(written).length, 1, where);
        assert.match(errors(written)[0].message, c.expect, where);
        // What an echoing server quoted reached the output, masked: the test above is not vacuous.
        if (mode.startsWith('Endpoints')) assert.match(statusOf(checked).message, /\[redacted\]/, where);
      }
      table.push(`${mode} ${outcome}: check ${statusOf(checked)?.status}, write exit ${written.code}, ${signed} signed requests`);
    }
  }
  console.log(table.join('\n'));
});

// A one-character secret ("b") is masked only where it stands alone: messages full of b's
// (bucket, bytes, table) come out exactly as with any other secret.
test('a one-character secret key leaves every log line and error message intact', { skip }, async () => {
  const dir = tempDir('secrets-one-char');
  const env = baseEnv(dir);
  const prefix = `secrets-b-${TAG}`;
  const name = 'one_char_b';
  const ok = await checkAndWrite(dir, name, config(prefix, iamUser(KEYS.oneChar.id, 'b')), env);
  assert.equal(statusOf(ok.checked)?.status, 'SUCCEEDED', ok.checked.stdout);
  assert.equal(ok.written.code, 0, ok.written.stdout);
  const bytes = s3Objects(`${prefix}/${DATABASE}/${name}/`).reduce((sum, o) => sum + o.size, 0);
  assert.ok(bytes > 0);
  const logs = ofType(ok.written, 'LOG').map((m) => m.log.message);
  assert.ok(logs.includes(`Stream ${name}: 3 records, 1 files, ${bytes} bytes -> table ${DATABASE}.${name}`), logs.join('\n'));
  for (const r of [ok.checked, ok.written]) for (const m of MASKS) assert.ok(!r.stdout.includes(m), r.stdout);

  // The same rejection with the wrong secret "b" and with a long wrong secret: the same words.
  const failures = [];
  for (const secret of ['b', WRONG('onechar')]) {
    const { checked, written } = await checkAndWrite(dir, `one_char_${failures.length}`, config(prefix, iamUser(KEYS.user.id, secret)), env);
    const texts = [statusOf(checked).message, errors(checked)[0].message, errors(checked)[0].internal_message, errors(written)[0].message];
    for (const r of [checked, written]) for (const m of MASKS) assert.ok(!r.stdout.includes(m), r.stdout);
    failures.push(texts.map((t) => t.replace(/request id [^)]+/g, 'request id X').replaceAll('one_char_1', 'one_char_0')));
  }
  assert.match(failures[0][0], /signature does not match/);
  assert.deepEqual(failures[0], failures[1]);
});
