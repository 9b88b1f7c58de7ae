// Syncs into real S3 (Ceph radosgw) with the Glue catalog on moto: IAM User and IAM Role
// (radosgw STS), faults injected on 20% of requests, and what the user must fix (a missing
// bucket, a wrong secret) reported alike by check and write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  tempDir, stream, record, streamState, status, run, write, states, errors, ofType, readTable,
} from './harness.mjs';
import {
  rgw, haveRadosgw, startMoto, startValidatingProxy, startFaultProxy, s3Config as sharedS3Config, stopServices, s3Objects, glueTable, mirrorTable,
  lfTags,
} from './services.mjs';

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
// Glue and Lake Formation: moto behind the validating proxy, so every request the destination
// sends is also checked against botocore's service model (the last test asserts none failed).
let glue;
let validator;
before(async () => {
  if (haveRadosgw) {
    validator = await startValidatingProxy(await startMoto());
    glue = validator.endpoint;
  }
});
after(stopServices);

const s3Config = (prefix, extra = {}) => sharedS3Config(glue, prefix, extra);

const props = { id: { type: 'integer' }, name: { type: 'string' }, at: { type: 'string', format: 'date-time' } };

function messages(streamName, count, stateEvery) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(record(streamName, { id: i, name: `name-${i}-${'x'.repeat(i % 50)}`, at: '2024-03-04T05:06:07Z' }));
    if (i % stateEvery === stateEvery - 1) out.push(streamState(streamName, { upto: i }));
  }
  out.push(status(streamName, 'COMPLETE'));
  return out;
}

const unique = () => crypto.randomBytes(4).toString('hex');

test('a sync with IAM User keys lands its objects and Glue tables, read back by boto3 and DuckDB', { skip }, async () => {
  const dir = tempDir('s3-user');
  const prefix = `user-${unique()}`;
  for (const format of [{ format_type: 'JSONL', compression_codec: 'GZIP' }, { format_type: 'Parquet', compression_codec: 'SNAPPY' }]) {
    const name = format.format_type === 'JSONL' ? 'events_json' : 'events_parquet';
    const r = await write(dir, s3Config(prefix, { format }), { streams: [stream(name, props)] }, messages(name, 2000, 500));
    assert.equal(r.code, 0, r.stdout.slice(-2000));
    assert.equal(states(r).length, 4);
    assert.ok(states(r).every((s) => s.destinationStats.recordCount === 500));
    const objects = s3Objects(`${prefix}/e2e/${name}/`);
    assert.equal(objects.length, 4, 'one object per commit');
    const def = glueTable(glue, 'e2e', name);
    assert.equal(def.StorageDescriptor.Location, `s3://${rgw.bucket}/${prefix}/e2e/${name}/`);
    const lake = path.join(dir, `lake-${name}`);
    mirrorTable(glue, 'e2e', name, lake);
    const rows = await readTable(lake, 'e2e', name, { orderBy: 'id' });
    assert.equal(rows.length, 2000);
    assert.equal(Number(rows[1999].id), 1999);
    assert.equal(rows[1999].name, `name-1999-${'x'.repeat(1999 % 50)}`);
  }
});

test('with faults on 20% of requests the sync completes with identical objects', { skip }, async () => {
  const dir = tempDir('s3-faults');
  const target = rgw.endpoint.replace(/^http:\/\//, '');
  const proxy = await startFaultProxy(target, { rate: 0.2, seed: 7 });
  const input = messages('faulty', 3000, 300);
  const catalog = { streams: [stream('faulty', props)] };
  // Meta columns off: then a file's bytes depend only on the input and the commit points.
  const direct = `clean-${unique()}`;
  const faulty = `faults-${unique()}`;
  const base = { airbyte_meta_columns: false, target_file_size_mb: 1 };
  // Each run its own database: one table cannot have its data under two prefixes.
  const a = await write(dir, s3Config(direct, { ...base, lakeformation_database_name: 'e2e_clean' }), catalog, input);
  assert.equal(a.code, 0, a.stdout.slice(-2000));
  const b = await write(dir, s3Config(faulty, { ...base, lakeformation_database_name: 'e2e_faults', s3_endpoint: proxy.endpoint }), catalog, input);
  assert.equal(b.code, 0, b.stdout.slice(-3000));
  const stats = await proxy.stats();
  assert.ok(stats.faults >= 5, `only ${stats.faults} faults were injected`);
  assert.deepEqual(states(b), states(a));
  const contents = (prefix) => {
    const d = path.join(dir, prefix);
    s3Objects(`${prefix}/`, d);
    const files = [];
    const walk = (p) => fs.readdirSync(p, { withFileTypes: true }).forEach((e) =>
      (e.isDirectory() ? walk(path.join(p, e.name)) : files.push(fs.readFileSync(path.join(p, e.name), 'utf8'))));
    walk(d);
    return files.sort();
  };
  const clean = contents(direct);
  assert.equal(clean.length, 10);
  assert.deepEqual(contents(faulty), clean);
});

test('a sync rides out an upload throttled (503 SlowDown) eight times in a row', { skip }, async () => {
  const dir = tempDir('s3-throttled');
  const target = rgw.endpoint.replace(/^http:\/\//, '');
  // Every PUT is throttled until eight have been: the file's one part upload is refused eight
  // times over, more than the five attempts a transient failure gets.
  const proxy = await startFaultProxy(target, { rate: 1, seed: 1, kinds: 'throttle', onlyMethods: 'PUT', maxFaults: 8 });
  const prefix = `throttled-${unique()}`;
  const input = messages('throttled', 100, 50);
  // Throttling backs off from 1 s for up to 90 s; this test-only variable makes it 5 ms, so that
  // eight throttled attempts take well under a second instead of tens of seconds.
  const env = { ...process.env, DATALAKE_TEST_THROTTLE_BASE_DELAY_MS: '5' };
  const config = s3Config(prefix, { lakeformation_database_name: 'e2e_throttled', s3_endpoint: proxy.endpoint, commit_interval_seconds: 3600 });
  const r = await write(dir, config, { streams: [stream('throttled', props)] }, input, { env });
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  const stats = await proxy.stats();
  assert.equal(stats.by_kind.throttle, 8, JSON.stringify(stats));
  assert.equal(stats.by_method.PUT, 9, 'one PUT, accepted at its ninth attempt');
  assert.deepEqual(states(r).map((s) => s.stream.stream_state.upto), [49, 99]);
  const lake = path.join(dir, 'lake');
  mirrorTable(glue, 'e2e_throttled', 'throttled', lake);
  const rows = await readTable(lake, 'e2e_throttled', 'throttled', { orderBy: 'id' });
  assert.deepEqual(rows.map((row) => Number(row.id)), [...Array(100).keys()]);
});

test('a sync with IAM Role credentials assumed through radosgw STS', { skip }, async () => {
  const dir = tempDir('s3-role');
  const prefix = `role-${unique()}`;
  const config = s3Config(prefix, {
    credentials: { credentials_title: 'IAM Role', role_arn: rgw.roleArn },
    s3_endpoint: rgw.stsEndpoint,
    sts_endpoint: rgw.stsEndpoint,
  });
  // The role user's keys are the base credentials, found by the default chain in the environment.
  const env = { ...process.env, AWS_ACCESS_KEY_ID: rgw.roleUserKey, AWS_SECRET_ACCESS_KEY: rgw.roleUserSecret };
  delete env.AWS_SESSION_TOKEN;
  const r = await write(dir, config, { streams: [stream('by_role', props)] }, messages('by_role', 100, 50), { env });
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.equal(states(r).length, 2);
  const objects = s3Objects(`${prefix}/e2e/by_role/`);
  assert.equal(objects.length, 2);
});

// What the user must fix is a config_error, in the same words whether `check` or `write` meets
// it: the explanation before the request details (" (HeadBucket s3://...: HTTP 404 ...)").
test('a missing bucket or a wrong secret key fails check and write alike, as config errors, never printing the secret', { skip }, async () => {
  const dir = tempDir('s3-config-errors');
  const secret = `Wrong${unique()}SecretKeyThatMustNotLeak0123456789`;
  const bucket = `missing-${unique()}`;
  const explanation = (message) => message.slice(0, message.indexOf(' ('));
  for (const [extra, expected] of [
    [{ bucket_name: bucket }, `bucket ${bucket} does not exist`],
    [{ credentials: { credentials_title: 'IAM User', aws_access_key_id: rgw.accessKey, aws_secret_access_key: secret } },
      'the credentials were rejected: the signature does not match, so the secret access key is wrong'],
  ]) {
    const config = s3Config(`config-errors-${unique()}`, extra);
    const configPath = path.join(dir, 'config.json');
    fs.writeFileSync(configPath, JSON.stringify(config));
    const checked = await run(['check', '--config', configPath]);
    assert.equal(checked.code, 0);
    const st = ofType(checked, 'CONNECTION_STATUS')[0].connectionStatus;
    assert.equal(st.status, 'FAILED');
    assert.equal(explanation(st.message), expected, st.message);
    assert.equal(errors(checked).length, 1);
    assert.equal(errors(checked)[0].failure_type, 'config_error');
    assert.equal(explanation(errors(checked)[0].message), `Check failed: ${expected}`);

    const written = await write(dir, config, { streams: [stream('t', props)] }, [record('t', { id: 1 }), streamState('t', {})]);
    assert.notEqual(written.code, 0);
    assert.deepEqual(states(written), []);
    assert.equal(errors(written).length, 1, written.stdout);
    assert.equal(errors(written)[0].failure_type, 'config_error', written.stdout);
    assert.equal(explanation(errors(written)[0].message), `Sync failed: ${expected}`, written.stdout);
    for (const r of [checked, written]) {
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'the secret key leaked');
    }
  }
});

test('check names an unreachable endpoint', { skip }, async () => {
  const dir = tempDir('s3-unreachable');
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(s3Config('x', { s3_endpoint: 'http://127.0.0.1:9' })));
  const r = await run(['check', '--config', configPath]);
  assert.equal(r.code, 0);
  const st = ofType(r, 'CONNECTION_STATUS')[0].connectionStatus;
  assert.equal(st.status, 'FAILED');
  assert.match(st.message, /127\.0\.0\.1:9/);
});

test('a crashed sync leaves no visible objects and the next run aborts its uploads', { skip }, async () => {
  const dir = tempDir('s3-crash');
  const prefix = `crash-${unique()}`;
  // A first run that is killed while a multipart upload is open (target file size 1 MB, parts
  // of 8 MB: the upload stays incomplete until the commit that never comes).
  const config = s3Config(prefix, { commit_interval_seconds: 3600 });
  const big = [];
  for (let i = 0; i < 20000; i++) big.push(record('crashy', { id: i, name: 'y'.repeat(600) }));
  const r = await write(dir, config, { streams: [stream('crashy', props)] }, big.concat(['{"type":"RECORD","record":{broken']));
  assert.equal(r.code, 1, 'the malformed last line fails the sync before any commit');
  assert.deepEqual(s3Objects(`${prefix}/`), [], 'nothing is visible');
  const again = await write(dir, config, { streams: [stream('crashy', props)] }, [record('crashy', { id: 1 })]);
  assert.equal(again.code, 0, again.stdout.slice(-1000));
  assert.equal(s3Objects(`${prefix}/`).length, 1);
});

test('append schema evolution against Glue: the table stays queryable with sticky types', { skip }, async () => {
  const dir = tempDir('s3-evolution');
  const prefix = `evo-${unique()}`;
  const config = s3Config(prefix, { format: { format_type: 'Parquet', compression_codec: 'SNAPPY' } });
  const v1 = { id: { type: 'integer' }, gone: { type: 'string' }, changes: { type: 'integer' } };
  const v2 = { id: { type: 'integer' }, added: { type: 'string' }, changes: { type: 'string' } };
  const name = `evo_${unique()}`;
  const first = await write(dir, config, { streams: [stream(name, v1)] },
    [record(name, { id: 1, gone: 'old', changes: 10 }), streamState(name, {})]);
  assert.equal(first.code, 0, first.stdout.slice(-2000));
  const second = await write(dir, config, { streams: [stream(name, v2)] },
    [record(name, { id: 2, added: 'new', changes: '20' }), record(name, { id: 3, added: 'x', changes: 'oops' }),
      streamState(name, {})]);
  assert.equal(second.code, 0, second.stdout.slice(-2000));
  const lake = path.join(dir, 'lake');
  const def = mirrorTable(glue, 'e2e', name, lake);
  const columns = def.StorageDescriptor.Columns.filter((c) => !c.Name.startsWith('_airbyte'));
  assert.deepEqual(columns.map((c) => [c.Name, c.Type]),
    [['id', 'bigint'], ['gone', 'string'], ['changes', 'bigint'], ['added', 'string']]);
  // Read every file with the table's columns, as Athena would (missing columns are null).
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const glob = path.join(lake, rgw.bucket, prefix, 'e2e', name, '*.parquet');
  const reader = await db.runAndReadAll(
    `SELECT id, gone, changes, added FROM read_parquet('${glob}', union_by_name=true) ORDER BY id`);
  assert.deepEqual(reader.getRowObjectsJson().map((r) => [r.id, r.gone, r.changes, r.added]),
    [['1', 'old', '10', null], ['2', null, '20', 'new'], ['3', null, null, 'x']]);
});

test('databases get the configured Lake Formation tag', { skip }, async () => {
  const dir = tempDir('s3-lftags');
  const database = `tagged_${unique()}`;
  lfTags(glue, 'unused', { key: 'pii_level', values: ['private', 'public'] });
  const config = s3Config(`tags-${unique()}`, {
    lakeformation_database_name: database,
    lakeformation_database_default_tag_key: 'pii_level',
    lakeformation_database_default_tag_values: 'private,public',
    lakeformation_endpoint: glue,
  });
  const r = await write(dir, config, { streams: [stream('t', props)] }, [record('t', { id: 1 }), streamState('t', {})]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  const tags = lfTags(glue, database);
  assert.deepEqual(tags.map((t) => [t.TagKey, [...t.TagValues].sort()]), [['pii_level', ['private', 'public']]]);
});

test('every Glue and Lake Formation request of these syncs matched the AWS service model', { skip }, async () => {
  const requests = await validator.requests();
  assert.ok(requests.some((q) => q.operation === 'CreateTable'), 'the syncs went through the validator');
  assert.deepEqual(await validator.errors(), []);
});
