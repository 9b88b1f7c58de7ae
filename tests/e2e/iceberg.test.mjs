// Iceberg tables (table_format iceberg, docs/ICEBERG.md) on the local lake, tested as histories:
// several syncs and attempts of one table, a kill in between, and after every step each table
// version the catalog named read back by icebird (npm: an Iceberg reader independent of the
// destination), rows compared with the input; field ids checked in the Parquet files with
// DuckDB's parquet_schema().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  tempDir, localConfig, stream, record, streamState, status, write, errors, acked, syncAttempt,
  tableDefinition, parquetSchema, readIceberg, readAvro, checkIcebergVersion,
} from './harness.mjs';

const icebergConfig = (dir, extra = {}) => localConfig(dir, {
  format: { format_type: 'Parquet', compression_codec: 'SNAPPY' }, table_format: 'iceberg', ...extra,
});

// The metadata file the catalog names for table db.<table> now.
function currentMetadata(dir, table) {
  const definition = tableDefinition(path.join(dir, 'lake'), 'db', table);
  assert.equal(definition.Parameters.table_type, 'ICEBERG');
  return definition.Parameters.metadata_location;
}

const readVersion = (dir, table, metadataUri) => readIceberg(path.join(dir, 'lake'), metadataUri);
const readCurrent = (dir, table) => readVersion(dir, table, currentMetadata(dir, table));
const idsOf = (rows) => rows.map((r) => Number(r.id));
const range = (from, to) => Array.from({ length: to - from }, (_, i) => from + i);

// Every Parquet data file of the table, with DuckDB's view of its schema.
async function fieldIds(dir, table) {
  const data = path.join(dir, 'lake', 'bucket', 'db', table, 'data');
  const out = [];
  for (const name of fs.readdirSync(data)) {
    const rows = await parquetSchema(path.join(data, name));
    out.push(Object.fromEntries(rows.filter((r) => r.name !== 'duckdb_schema' && r.field_id !== null)
      .map((r) => [r.name, Number(r.field_id)])));
  }
  return out;
}

test('Iceberg appends over syncs: every version read back, a column and a nested field added, field ids kept', async () => {
  const dir = tempDir('iceberg-appends');
  const config = icebergConfig(dir);
  const v1 = { id: { type: 'integer' }, name: { type: 'string' }, info: { type: 'object', properties: { tag: { type: 'string' } } } };
  const first = await syncAttempt(dir, config, 'users', {}, range(0, 6), 'COMPLETE', {
    props: v1, data: (id) => ({ id, name: `n${id}`, info: { tag: `t${id}` } }),
  });
  assert.equal(first.code, 0, first.stdout.slice(-2000));
  assert.deepEqual(acked(first), range(0, 6));
  const afterFirst = currentMetadata(dir, 'users');
  const rows1 = readCurrent(dir, 'users');
  assert.deepEqual(idsOf(rows1), range(0, 6));
  assert.deepEqual(rows1.map((r) => [r.name, r.info.tag]), range(0, 6).map((i) => [`n${i}`, `t${i}`]));

  // The stream gains a column and a nested field.
  const v2 = { ...v1, score: { type: 'number' }, info: { type: 'object', properties: { tag: { type: 'string' }, level: { type: 'integer' } } } };
  const second = await syncAttempt(dir, config, 'users', {}, range(6, 10), 'COMPLETE', {
    props: v2, data: (id) => ({ id, name: `n${id}`, score: id / 2, info: { tag: `t${id}`, level: id } }),
  });
  assert.equal(second.code, 0, second.stdout.slice(-2000));
  const rows2 = readCurrent(dir, 'users');
  assert.deepEqual(idsOf(rows2), range(0, 10));
  for (const r of rows2) {
    const id = Number(r.id);
    assert.equal(r.name, `n${id}`);
    assert.equal(r.score ?? null, id < 6 ? null : id / 2, JSON.stringify(r));
    assert.equal(r.info.level ?? null, id < 6 ? null : String(id), JSON.stringify(r));
  }
  // The version the first sync left still reads as it was (readers pinned to it are unaffected).
  assert.deepEqual(idsOf(readVersion(dir, 'users', afterFirst)), range(0, 6));

  // Every version is a superset of the one before: a commit per STATE, rows only added.
  const metadataDir = path.join(dir, 'lake', 'bucket', 'db', 'users', 'metadata');
  const versions = fs.readdirSync(metadataDir).filter((f) => f.endsWith('.metadata.json')).sort();
  assert.ok(versions.length >= 4, versions.join(', '));
  let before = [];
  let previous;
  for (const v of versions) {
    const uri = `s3://bucket/db/users/metadata/${v}`;
    const ids = idsOf(readVersion(dir, 'users', uri));
    assert.ok(before.every((id) => ids.includes(id)), `${v}: ${ids} lost some of ${before}`);
    before = ids;
    // Every version holds to the spec's invariants, each the successor of the one before.
    checkIcebergVersion(path.join(dir, 'lake'), uri, previous);
    previous = uri;
  }

  // Field ids: a column keeps its id in every file; the added ones have new ids.
  const ids = await fieldIds(dir, 'users');
  assert.ok(ids.length >= 2);
  for (const file of ids) {
    assert.equal(file.id, 1);
    assert.equal(file.name, 2);
    assert.equal(file.info, 3);
  }
  const withScore = ids.filter((f) => f.score !== undefined);
  assert.ok(withScore.length > 0);
  for (const f of withScore) {
    assert.ok(f.score > 8 && f.level > 8 && f.level !== f.score, JSON.stringify(f));
  }
  const glue = tableDefinition(path.join(dir, 'lake'), 'db', 'users');
  assert.deepEqual(glue.StorageDescriptor.Columns.map((c) => c.Name).slice(0, 3), ['id', 'name', 'info']);
  assert.ok(glue.StorageDescriptor.Columns.some((c) => c.Name === 'score' && c.Type === 'double'));
});

test('Iceberg truncate: readers of main see the old rows while it runs and after a kill, then only the new generation', async () => {
  const dir = tempDir('iceberg-truncate');
  const config = icebergConfig(dir);
  const old = await syncAttempt(dir, config, 't', { generation_id: 1 }, range(0, 4));
  assert.equal(old.code, 0, old.stdout.slice(-2000));
  assert.deepEqual(idsOf(readCurrent(dir, 't')), range(0, 4));

  // A refresh that truncates (generation 2), killed after its first STATE was acknowledged.
  const truncate = { generation_id: 2, minimum_generation_id: 2 };
  const killed = await syncAttempt(dir, config, 't', truncate, range(100, 106), null,
    { crash: 'commit.states_echoed:1' });
  assert.notEqual(killed.code, 0);
  assert.deepEqual(acked(killed), [100]);
  // Main still has the old generation only; the acknowledged row waits on the staging branch.
  assert.deepEqual(idsOf(readCurrent(dir, 't')), range(0, 4));
  const metadata = JSON.parse(fs.readFileSync(path.join(dir, 'lake', 'bucket',
    currentMetadata(dir, 't').slice('s3://bucket/'.length)), 'utf8'));
  assert.ok(metadata.refs['airbyte-truncate-generation-2'], JSON.stringify(metadata.refs));

  // The retry of generation 2 resumes after the acknowledged STATE and completes: main switches.
  const retry = await syncAttempt(dir, config, 't', truncate, range(101, 106));
  assert.equal(retry.code, 0, retry.stdout.slice(-2000));
  const rows = readCurrent(dir, 't');
  assert.deepEqual(idsOf(rows), range(100, 106));
  assert.ok(rows.every((r) => r._airbyte_generation_id === '2'));
  const switched = JSON.parse(fs.readFileSync(path.join(dir, 'lake', 'bucket',
    currentMetadata(dir, 't').slice('s3://bucket/'.length)), 'utf8'));
  assert.deepEqual(Object.keys(switched.refs), ['main']);

  // A truncate that sends no record leaves main empty.
  const empty = await syncAttempt(dir, config, 't', { generation_id: 3, minimum_generation_id: 3 }, []);
  assert.equal(empty.code, 0, empty.stdout.slice(-2000));
  assert.deepEqual(readCurrent(dir, 't'), []);
});

test('Iceberg truncate with a changed type: main keeps its schema until the switch, then the new one', async () => {
  const dir = tempDir('iceberg-retype');
  const config = icebergConfig(dir);
  const asInt = { id: { type: 'integer' }, code: { type: 'integer' } };
  const asText = { id: { type: 'integer' }, code: { type: 'string' } };
  const first = await syncAttempt(dir, config, 't', { generation_id: 1 }, [1, 2], 'COMPLETE',
    { props: asInt, data: (id) => ({ id, code: id * 10 }) });
  assert.equal(first.code, 0, first.stdout.slice(-2000));
  const truncate = { generation_id: 2, minimum_generation_id: 2 };
  const killed = await syncAttempt(dir, config, 't', truncate, [3, 4], null,
    { props: asText, data: (id) => ({ id, code: `c${id}` }), crash: 'commit.states_echoed:1' });
  assert.notEqual(killed.code, 0);
  assert.deepEqual(readCurrent(dir, 't').map((r) => [Number(r.id), r.code]), [[1, '10'], [2, '20']]);
  const retry = await syncAttempt(dir, config, 't', truncate, [4], 'COMPLETE',
    { props: asText, data: (id) => ({ id, code: `c${id}` }) });
  assert.equal(retry.code, 0, retry.stdout.slice(-2000));
  assert.deepEqual(readCurrent(dir, 't').map((r) => [Number(r.id), r.code]), [[3, 'c3'], [4, 'c4']]);
  const glue = tableDefinition(path.join(dir, 'lake'), 'db', 't');
  assert.equal(glue.StorageDescriptor.Columns.find((c) => c.Name === 'code').Type, 'string');
});

test('a Hive table is not converted to Iceberg, nor an Iceberg table written as Hive: config_error', async () => {
  const dir = tempDir('iceberg-formats');
  const hive = localConfig(dir, { format: { format_type: 'Parquet', compression_codec: 'SNAPPY' } });
  const catalog = (name) => ({ streams: [stream(name, { id: { type: 'integer' } })] });
  const input = (name) => [record(name, { id: 1 }), streamState(name, { upto: 1 }), status(name, 'COMPLETE')];
  assert.equal((await write(dir, hive, catalog('h'), input('h'))).code, 0);
  const refused = await write(dir, icebergConfig(dir), catalog('h'), input('h'));
  assert.notEqual(refused.code, 0);
  assert.equal(errors(refused)[0]?.failure_type, 'config_error', refused.stdout.slice(-2000));
  assert.match(errors(refused)[0].message, /Hive-layout table.*never converts/);

  assert.equal((await write(dir, icebergConfig(dir), catalog('i'), input('i'))).code, 0);
  const back = await write(dir, hive, catalog('i'), input('i'));
  assert.notEqual(back.code, 0);
  assert.equal(errors(back)[0]?.failure_type, 'config_error', back.stdout.slice(-2000));
  assert.match(errors(back)[0].message, /is an Iceberg table/);
  assert.deepEqual(idsOf(readCurrent(dir, 'i')), [1]);
});

// Killed at each step of an Iceberg commit (the metadata written but not yet named by the
// catalog; the catalog swapped but the STATE not yet echoed; the STATE echoed), in an append
// and in a truncate, then resumed as the platform resumes: every acknowledged row is in the
// table main shows right after the kill, main never mixes generations, and the resumed sync ends
// with every row, an acknowledged one exactly once.
const KILLS = [
  'iceberg.metadata_written:1', 'iceberg.metadata_written:2', 'iceberg.metadata_written:4',
  'iceberg.committed:1', 'iceberg.committed:3', 'iceberg.committed:4', 'commit.states_echoed:2',
];
for (const truncate of [false, true]) {
  test(`Iceberg ${truncate ? 'truncate' : 'append'} killed at each step of its commits keeps every acknowledged row`, async () => {
    for (const crash of KILLS) {
      const dir = tempDir('iceberg-kill');
      const config = icebergConfig(dir);
      const old = await syncAttempt(dir, config, 't', { generation_id: 1 }, [1, 2]);
      assert.equal(old.code, 0, old.stdout.slice(-2000));
      const opts = truncate ? { generation_id: 2, minimum_generation_id: 2 } : { generation_id: 1 };
      const killed = await syncAttempt(dir, config, 't', opts, [10, 11, 12], 'COMPLETE', { crash });
      const done = acked(killed);
      const seen = idsOf(readCurrent(dir, 't'));
      if (killed.code === 0) {
        // Fewer arrivals than the kill asked for: the sync completed.
        assert.deepEqual(done, [10, 11, 12], crash);
      } else if (truncate) {
        // Main shows the old generation until the switch, then only the new one.
        assert.ok(JSON.stringify(seen) === '[1,2]' || JSON.stringify(seen) === '[10,11,12]', `${crash}: ${seen}`);
      } else {
        for (const id of [1, 2, ...done]) assert.ok(seen.includes(id), `${crash}: acknowledged ${id} not in ${seen}`);
      }
      const rest = [10, 11, 12].filter((id) => id > (done.at(-1) ?? 0));
      const resumed = await syncAttempt(dir, config, 't', opts, rest);
      assert.equal(resumed.code, 0, `${crash}: ${resumed.stdout.slice(-2000)}`);
      const final = idsOf(readCurrent(dir, 't'));
      const expected = truncate ? [10, 11, 12] : [1, 2, 10, 11, 12];
      assert.deepEqual([...new Set(final)], expected, `${crash}: ${final}`);
      for (const id of [1, 2, ...done]) {
        if (truncate && id < 10) continue;
        assert.equal(final.filter((x) => x === id).length, 1, `${crash}: acknowledged ${id} in ${final}`);
      }
    }
  });
}

// What a query engine reads to plan a scan of the table's current snapshot: the metadata file,
// the manifest list and every manifest it names (decoded by python3-avro), in bytes.
function planningBytes(lake, metadataUri) {
  const local = (uri) => path.join(lake, uri.slice('s3://'.length));
  const metadata = JSON.parse(fs.readFileSync(local(metadataUri), 'utf8'));
  const head = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id']);
  const [list] = readAvro(lake, [head['manifest-list']]);
  const manifests = list.records.map((m) => m.manifest_path);
  return {
    snapshots: metadata.snapshots.length,
    manifests: manifests.length,
    bytes: [metadataUri, head['manifest-list'], ...manifests].reduce((n, uri) => n + fs.statSync(local(uri)).size, 0),
  };
}

// A commit per STATE (commit_interval_seconds 0) for a thousand STATEs, then a truncate of 150
// more: the metadata stays small (snapshots expired, manifests merged), every row is read back
// by icebird, and once no kept snapshot reads the first generation its files are gone.
// ICEBERG_COMMITS lowers the thousand (the sanitizer run, scripts/sanitize.sh, makes 250).
const COMMITS = Number(process.env.ICEBERG_COMMITS ?? 1000);
test('Iceberg over a thousand commits: metadata and planning reads stay flat, expired files are deleted', async () => {
  const dir = tempDir('iceberg-thousand');
  const lake = path.join(dir, 'lake');
  const config = icebergConfig(dir, { commit_interval_seconds: 0 });
  const figures = {};
  for (const [table, commits] of [['hundred', 100], ['thousand', COMMITS]]) {
    const r = await syncAttempt(dir, config, table, { generation_id: 1 }, range(0, commits));
    assert.equal(r.code, 0, r.stdout.slice(-2000));
    assert.equal(acked(r).length, commits);
    const uri = currentMetadata(dir, table);
    assert.deepEqual(idsOf(readVersion(dir, table, uri)), range(0, commits));
    figures[table] = { ...planningBytes(lake, uri),
      metadataFiles: fs.readdirSync(path.join(lake, 'bucket', 'db', table, 'metadata')).length };
  }
  console.log(`# after 100 commits: ${JSON.stringify(figures.hundred)}; after ${COMMITS}: ${JSON.stringify(figures.thousand)}`);
  checkIcebergVersion(lake, currentMetadata(dir, 'thousand'));
  assert.ok(figures.thousand.snapshots <= 110, JSON.stringify(figures.thousand));
  assert.ok(figures.thousand.manifests <= 101, JSON.stringify(figures.thousand));
  assert.ok(figures.thousand.bytes <= figures.hundred.bytes * 1.1, JSON.stringify(figures));
  // Metadata files past the metadata log's 100 and the objects of expired snapshots are gone.
  assert.ok(figures.thousand.metadataFiles <= 101 + 3 * 110, JSON.stringify(figures.thousand));

  // A truncate of 150 commits: the first generation's files stay while a kept snapshot reads
  // them, and are deleted once the last of those expires.
  const dataDir = path.join(lake, 'bucket', 'db', 'thousand', 'data');
  const truncate = await syncAttempt(dir, config, 'thousand', { generation_id: 2, minimum_generation_id: 2 }, range(2000, 2150));
  assert.equal(truncate.code, 0, truncate.stdout.slice(-2000));
  assert.deepEqual(idsOf(readCurrent(dir, 'thousand')), range(2000, 2150));
  assert.equal(checkIcebergVersion(lake, currentMetadata(dir, 'thousand')).length, 150);
  const files = fs.readdirSync(dataDir);
  assert.equal(files.filter((f) => f.startsWith('gen1-')).length, 0, 'first generation deleted');
  assert.equal(files.filter((f) => f.startsWith('gen2-')).length, 150);
});

// A table another Iceberg writer created (Spark, Athena): 32-bit int and float columns, a
// property and a sort order of its own, no snapshot yet. The stream writes longs and doubles:
// the columns are promoted in place (same field ids), what the other writer set is kept, and
// the rows read back.
test('Iceberg table created by another writer: int and float columns widened to long and double by field id, its metadata kept', async () => {
  const dir = tempDir('iceberg-foreign');
  const lake = path.join(dir, 'lake');
  const config = icebergConfig(dir);
  // The database exists (another stream's table).
  assert.equal((await syncAttempt(dir, config, 'other', {}, [1])).code, 0);
  const location = 's3://bucket/db/widen';
  const uri = `${location}/metadata/00000-5d3c6a1e-9a0b-4d5e-8f00-123456789abc.metadata.json`;
  const foreign = {
    'format-version': 2, 'table-uuid': '0f4d7c1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f', location,
    'last-sequence-number': 0, 'last-updated-ms': 1700000000000, 'last-column-id': 3,
    'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [
      { id: 1, name: 'id', required: false, type: 'int' },
      { id: 2, name: 'score', required: false, type: 'float', doc: 'set by the other writer' },
      { id: 3, name: 'label', required: false, type: 'string' }] }],
    'default-spec-id': 0, 'partition-specs': [{ 'spec-id': 0, fields: [] }], 'last-partition-id': 999,
    'default-sort-order-id': 1,
    'sort-orders': [{ 'order-id': 0, fields: [] }, { 'order-id': 1, fields: [{ transform: 'identity', 'source-id': 1, direction: 'asc', 'null-order': 'nulls-first' }] }],
    properties: { 'write.format.default': 'parquet', owner: 'spark' },
    'current-snapshot-id': -1, refs: {}, snapshots: [], 'snapshot-log': [], 'metadata-log': [],
  };
  const local = path.join(lake, uri.slice('s3://'.length));
  fs.mkdirSync(path.dirname(local), { recursive: true });
  fs.writeFileSync(local, JSON.stringify(foreign));
  fs.writeFileSync(path.join(lake, '_catalog', 'db', 'widen.json'), JSON.stringify({
    Name: 'widen', TableType: 'EXTERNAL_TABLE',
    Parameters: { table_type: 'ICEBERG', metadata_location: uri, owner: 'spark' },
    StorageDescriptor: { Location: location, Columns: [] },
  }));

  const props = { id: { type: 'integer' }, score: { type: 'number' }, label: { type: 'string' } };
  const r = await syncAttempt(dir, config, 'widen', {}, range(0, 4), 'COMPLETE', {
    props, data: (id) => ({ id: 3000000000 + id, score: id + 0.1, label: `l${id}` }),
  });
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  const definition = tableDefinition(lake, 'db', 'widen');
  assert.equal(definition.Parameters.owner, 'spark');
  const now = definition.Parameters.metadata_location;
  checkIcebergVersion(lake, now);
  const metadata = JSON.parse(fs.readFileSync(path.join(lake, now.slice('s3://'.length)), 'utf8'));
  // The other writer's metadata is where this table's history starts.
  assert.equal(metadata['metadata-log'][0]['metadata-file'], uri);
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
  const byName = Object.fromEntries(schema.fields.map((f) => [f.name, f]));
  assert.deepEqual([byName.id.id, byName.id.type], [1, 'long']);
  assert.deepEqual([byName.score.id, byName.score.type, byName.score.doc], [2, 'double', 'set by the other writer']);
  assert.deepEqual([byName.label.id, byName.label.type], [3, 'string']);
  assert.equal(metadata['table-uuid'], foreign['table-uuid']);
  assert.equal(metadata.properties.owner, 'spark');
  assert.deepEqual(metadata['sort-orders'], foreign['sort-orders']);
  assert.equal(metadata['default-sort-order-id'], 1);
  // Values beyond 32 bits read back as written, through the promoted column.
  const rows = readIceberg(lake, now);
  assert.deepEqual(rows.map((row) => [String(row.id), row.score, row.label]),
    range(0, 4).map((i) => [String(3000000000 + i), i + 0.1, `l${i}`]));
  const ids = await fieldIds(dir, 'widen');
  assert.ok(ids.length > 0 && ids.every((f) => f.id === 1 && f.score === 2 && f.label === 3), JSON.stringify(ids));
});
