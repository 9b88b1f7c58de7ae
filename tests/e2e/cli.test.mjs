// The command line as Airbyte runs it: spec, check, argument handling, secrets, crash safety.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  BINARY, tempDir, localConfig, stream, record, streamState, run, write, states, errors, ofType,
  dataFiles, jsonLines,
} from './harness.mjs';

const ORIGINAL_PROPERTIES = [
  'aws_account_id', 'credentials', 'region', 'bucket_name', 'bucket_prefix',
  'lakeformation_database_name', 'lakeformation_database_default_tag_key',
  'lakeformation_database_default_tag_values', 'lakeformation_governed_tables', 'format',
  'partitioning', 'glue_catalog_float_as_decimal',
];
const EXTENSIONS = ['local_lake_path', 's3_endpoint', 'glue_endpoint', 'sts_endpoint',
  'lakeformation_endpoint', 'commit_interval_seconds', 'target_file_size_mb', 'airbyte_meta_columns'];

test('spec prints exactly one SPEC message, a superset of the original spec', async () => {
  for (const args of [['spec'], ['--spec']]) {
    const r = await run(args);
    assert.equal(r.code, 0);
    assert.equal(r.messages.length, 1);
    const spec = r.messages[0].spec;
    assert.equal(r.messages[0].type, 'SPEC');
    assert.deepEqual(spec.supported_destination_sync_modes, ['overwrite', 'append']);
    assert.equal(spec.supportsIncremental, true);
    const cs = spec.connectionSpecification;
    assert.deepEqual(cs.required, ['bucket_name', 'lakeformation_database_name']);
    assert.deepEqual(cs.else, { required: ['credentials', 'region'] });
    const names = Object.keys(cs.properties);
    assert.deepEqual(names.slice(0, ORIGINAL_PROPERTIES.length), ORIGINAL_PROPERTIES);
    for (const e of EXTENSIONS) assert.ok(names.includes(e), e);
    assert.deepEqual(cs.properties.partitioning.enum,
      ['NO PARTITIONING', 'DATE', 'YEAR', 'MONTH', 'DAY', 'YEAR/MONTH', 'YEAR/MONTH/DAY']);
    const titles = cs.properties.credentials.oneOf.map((o) => o.title);
    assert.deepEqual(titles, ['IAM Role', 'IAM User', 'Default Credentials Chain']);
    assert.deepEqual(cs.properties.format.oneOf[0].properties.compression_codec.enum,
      ['UNCOMPRESSED', 'GZIP', 'ZSTD']);
  }
});

test('check succeeds on a writable local lake and leaves no probe behind', async () => {
  const dir = tempDir('check-ok');
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(localConfig(dir)));
  const r = await run(['check', '--config', configPath]);
  assert.equal(r.code, 0);
  const statuses = ofType(r, 'CONNECTION_STATUS');
  assert.equal(statuses.length, 1);
  assert.equal(statuses[0].connectionStatus.status, 'SUCCEEDED');
  assert.deepEqual(dataFiles(path.join(dir, 'lake', 'bucket')), []);
  const tables = fs.readdirSync(path.join(dir, 'lake', '_catalog', 'db')).filter((f) => !f.startsWith('_'));
  assert.deepEqual(tables, []);
});

test('check reports an invalid config as FAILED with a config_error, without secrets', async () => {
  const dir = tempDir('check-bad');
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET';
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify({
    credentials: { credentials_title: 'IAM User', aws_access_key_id: 'AKIDSECRETKEYID', aws_secret_access_key: secret },
    region: 'not_a_real_region', bucket_name: 'Bad_Bucket', lakeformation_database_name: 'db',
  }));
  const r = await run(['check', '--config', configPath]);
  assert.equal(r.code, 0, 'check exits 0 and reports through CONNECTION_STATUS');
  const statuses = ofType(r, 'CONNECTION_STATUS');
  assert.equal(statuses.length, 1);
  assert.equal(statuses[0].connectionStatus.status, 'FAILED');
  assert.match(statuses[0].connectionStatus.message, /region/);
  assert.match(statuses[0].connectionStatus.message, /bucket_name/);
  assert.equal(errors(r)[0].failure_type, 'config_error');
  for (const s of [secret, 'AKIDSECRETKEYID']) {
    assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `secret ${s} leaked`);
  }
});

test('check fails clearly when the local lake is not writable', async () => {
  const dir = tempDir('check-ro');
  fs.writeFileSync(path.join(dir, 'blocker'), 'a file where the lake directory should be');
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(localConfig(dir, { local_lake_path: path.join(dir, 'blocker') })));
  const r = await run(['check', '--config', configPath]);
  assert.equal(r.code, 0);
  assert.equal(ofType(r, 'CONNECTION_STATUS')[0].connectionStatus.status, 'FAILED');
  assert.match(ofType(r, 'CONNECTION_STATUS')[0].connectionStatus.message, /Could not write/);
});

test('write with a missing or invalid config fails with a config_error trace', async () => {
  const dir = tempDir('write-bad');
  const catalogPath = path.join(dir, 'catalog.json');
  fs.writeFileSync(catalogPath, JSON.stringify({ streams: [stream('a', {})] }));
  const missing = await run(['write', '--config', path.join(dir, 'nope.json'), '--catalog', catalogPath]);
  assert.equal(missing.code, 1);
  assert.equal(errors(missing)[0].failure_type, 'config_error');
  const badCatalog = await write(dir, localConfig(dir), { streams: [] }, '');
  assert.equal(badCatalog.code, 1);
  assert.match(errors(badCatalog)[0].message, /at least one stream/);
});

test('relative paths and --write/--config= spellings work', async () => {
  const dir = tempDir('relative');
  fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify(localConfig(dir)));
  fs.writeFileSync(path.join(dir, 'k.json'), JSON.stringify({ streams: [stream('a', { id: { type: 'integer' } })] }));
  const child = spawn(BINARY, ['--write', '--config=c.json', '--catalog', 'k.json'], { cwd: dir });
  child.stdin.end(JSON.stringify(record('a', { id: 1 })) + '\n' + JSON.stringify(streamState('a', {})) + '\n');
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, out);
  assert.match(out, /"type":"STATE"/);
});

test('--help explains usage; unknown arguments fail', async () => {
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /write --config CONFIG --catalog CATALOG/);
  const bad = await run(['frobnicate']);
  assert.notEqual(bad.code, 0);
});

// Kill the destination right after it acknowledges a state: the acknowledged records must be
// in the lake, nothing half-written may be visible, and the next sync cleans up and works.
test('--version prints the project version from CMakeLists.txt, and nothing else', async () => {
  const cmake = fs.readFileSync(path.join(import.meta.dirname, '../../CMakeLists.txt'), 'utf8');
  const version = cmake.match(/project\(destination_aws_datalake VERSION (\d+\.\d+\.\d+)/)[1];
  for (const args of [['--version'], ['spec', '--version']]) {
    const r = await run(args);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `destination-aws-datalake ${version}\n`);
    assert.equal(r.stderr, '');
  }
  // It follows the original connector's last release, 0.1.58.
  const [major, minor] = version.split('.').map(Number);
  assert.ok(major > 0 || minor > 1, version);
  assert.match((await run(['--help'])).stdout, /--version/);
});

test('a killed sync keeps every acknowledged record and shows nothing half-written', async () => {
  const dir = tempDir('kill');
  const config = localConfig(dir);
  const catalog = { streams: [stream('k', { id: { type: 'integer' }, pad: { type: 'string' } })] };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(catalog));
  const child = spawn(BINARY, ['write', '--config', path.join(dir, 'config.json'), '--catalog', path.join(dir, 'catalog.json')]);
  let out = '';
  const acked = new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('"type":"STATE"')) resolve();
    });
  });
  const line = (m) => JSON.stringify(m) + '\n';
  for (let i = 0; i < 100; i++) child.stdin.write(line(record('k', { id: i, pad: 'p'.repeat(100) })));
  child.stdin.write(line(streamState('k', { upto: 99 })));
  // Records after the acknowledged state, still in an open file when the process dies.
  for (let i = 100; i < 200; i++) child.stdin.write(line(record('k', { id: i, pad: 'p'.repeat(100) })));
  await acked;
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('close', resolve));
  const tableDir = path.join(dir, 'lake', 'bucket', 'db', 'k');
  const ids = dataFiles(tableDir).flatMap(jsonLines).map((l) => l.id);
  for (let i = 0; i < 100; i++) assert.ok(ids.includes(i), `acknowledged record ${i} is missing`);
  assert.ok(dataFiles(tableDir).every((f) => /^gen\d+-sync\d+-[0-9a-f]{16}-\d+\.json$/.test(path.basename(f))));
  // The next run clears the staging area and syncs normally.
  const again = await write(dir, config, catalog, [record('k', { id: 1000 }), streamState('k', {})]);
  assert.equal(again.code, 0);
  assert.equal(states(again).length, 1);
  assert.deepEqual(dataFiles(path.join(dir, 'lake', '.staging')), []);
});

test('governed tables are refused with an explanation, in check and write', async () => {
  const dir = tempDir('governed');
  const config = localConfig(dir, { lakeformation_governed_tables: true });
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  const check = await run(['check', '--config', configPath]);
  assert.equal(check.code, 0);
  const status = ofType(check, 'CONNECTION_STATUS')[0].connectionStatus;
  assert.equal(status.status, 'FAILED');
  assert.match(status.message, /governed tables/);
  assert.equal(errors(check)[0].failure_type, 'config_error');
  const r = await write(dir, config, { streams: [stream('a', { id: { type: 'integer' } })] },
    [record('a', { id: 1 })]);
  assert.equal(r.code, 1);
  assert.equal(errors(r)[0].failure_type, 'config_error');
});
