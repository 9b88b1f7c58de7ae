// partition_by (docs/LAYOUT.md, "Partitions"): tables partitioned by Iceberg transforms of top-level
// fields, on Hive and Iceberg tables of the local lake, tested as histories (syncs with the
// configuration changing, a truncate). Every expected partition value is computed here from the
// input, independently of the destination (the bucket hash too), and compared with what readers
// see: the catalog's registered partitions and the rows of their files (DuckDB) for Hive; the
// partition specs of the metadata, every manifest decoded by Debian's python3-avro, the rows of
// each data file (DuckDB) and every table version (icebird) for Iceberg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  tempDir, localConfig, stream, record, streamState, status, write, errors, ofType, states,
  tableDefinition, tablePartitions, readIceberg, readAvro, checkIcebergVersion,
} from './harness.mjs';

// ---- the transforms, as the Iceberg spec defines them ----

function murmur3(bytes) {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const rest = bytes.length & 3;
  if (rest === 3) k ^= bytes[i + 2] << 16;
  if (rest >= 2) k ^= bytes[i + 1] << 8;
  if (rest >= 1) {
    k ^= bytes[i];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
const long8 = (v) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(v));
  return b;
};
const bucketOfLong = (v, n) => (murmur3(long8(v)) & 0x7fffffff) % n;
const bucketOfString = (s, n) => (murmur3(Buffer.from(s, 'utf8')) & 0x7fffffff) % n;
const micros = (ts) => BigInt(Date.parse(ts)) * 1000n;
const dayOf = (ts) => Math.floor(Date.parse(ts) / 86400000);
const monthOf = (ts) => {
  const d = new Date(Date.parse(ts));
  return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
};
const dayText = (day) => new Date(day * 86400000).toISOString().slice(0, 10);
const monthText = (m) => `${1970 + Math.floor(m / 12)}-${String((((m % 12) + 12) % 12) + 1).padStart(2, '0')}`;
const truncate = (s, w) => [...s].slice(0, w).join('');

test('the hash here is the spec\'s (Appendix B vectors)', () => {
  assert.equal(murmur3(Buffer.from('iceberg')), 1210000089);
  assert.equal(murmur3(long8(34)), 2017239379);
  assert.equal(murmur3(long8(micros('2017-11-16T22:31:08Z'))), -2047944441);
});

// ---- the streams ----

const props = {
  id: { type: 'integer' },
  name: { type: 'string' },
  country: { type: 'string' },
  updated_at: { type: 'string', format: 'date-time' },
};

// Rows with every kind of value a partition sees: nulls, a missing field, '/' and ':' in a
// string, non-ASCII, an instant before 1970, two offsets on one UTC day.
function rowsFrom(first, count) {
  const countries = ['FR', 'a/b:c', null, 'é日本', 'FR', ''];
  const times = ['2024-06-05T10:00:00Z', '2024-06-06T01:00:00+02:00', null, '1969-12-31T23:30:00Z',
    '2024-07-01T00:00:00Z', '2024-06-05T23:59:59.999999Z'];
  const names = ['alpha', 'b', null, 'éclair', 'alpine', ''];
  return Array.from({ length: count }, (_, i) => {
    const id = first + i;
    const row = { id, name: names[id % 6], country: countries[(id * 5) % 6] };
    if (id % 7 !== 3) row.updated_at = times[(id * 7) % 6];
    return row;
  });
}

async function sync(dir, config, rows, { mode = 'append', generation = 1, minimum = 0, cursor } = {}) {
  const catalog = { streams: [stream('events', props, { mode, generation_id: generation, minimum_generation_id: minimum, cursor })] };
  const input = [];
  for (const r of rows) {
    input.push(record('events', r));
    input.push(streamState('events', { upto: r.id }));
  }
  input.push(status('events', 'COMPLETE'));
  const result = await write(dir, config, catalog, input);
  assert.equal(result.code, 0, result.stdout.slice(-3000));
  assert.equal(states(result).length, rows.length);
  return result;
}

// The ids of the Parquet files given, with DuckDB.
// One DuckDB connection for the whole file: opening one per read costs more than the read.
let duckdb;
async function idsIn(files) {
  if (files.length === 0) return [];
  duckdb ??= await (await DuckDBInstance.create(':memory:')).connect();
  const connection = duckdb;
  const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ');
  const reader = await connection.runAndReadAll(`SELECT id FROM read_parquet([${list}]) ORDER BY id`);
  return reader.getRowObjectsJson().map((r) => Number(r.id));
}

const filesBelow = (dir) => (fs.existsSync(dir)
  ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? filesBelow(path.join(dir, e.name)) : e.name.startsWith('_') ? [] : [path.join(dir, e.name)]))
  : []);

// ---- Hive ----

const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';

// Every registered partition of the table as "v1|v2|..." -> the ids its files hold, read back.
async function hivePartitions(lake, table) {
  const out = {};
  for (const p of tablePartitions(lake, 'db', table)) {
    const location = path.join(lake, p.StorageDescriptor.Location.replace(/^s3:\/\//, ''));
    out[p.Values.join('|')] = await idsIn(filesBelow(location));
  }
  return out;
}

function expectedHive(rows, valuesOf) {
  const out = {};
  for (const r of rows) (out[valuesOf(r).join('|')] ??= []).push(r.id);
  for (const k of Object.keys(out)) out[k].sort((a, b) => a - b);
  return out;
}

test('Hive table by partition_by: day, bucket and identity keys, escaped paths, nulls; kept by an append, replaced by a truncate', async () => {
  const dir = tempDir('partition-by-hive');
  const lake = path.join(dir, 'lake');
  const partitionBy = [
    { field: 'updated_at', transform: 'day' },
    { field: 'id', transform: 'bucket[4]' },
    { field: 'country', transform: 'identity' },
  ];
  const config = localConfig(dir, { format: { format_type: 'Parquet' }, partition_by: partitionBy });
  const valuesOf = (r) => [
    r.updated_at ? dayText(dayOf(r.updated_at)) : HIVE_NULL,
    String(bucketOfLong(r.id, 4)),
    r.country ? r.country : HIVE_NULL,
  ];
  const first = rowsFrom(0, 24);
  await sync(dir, config, first);
  const def = tableDefinition(lake, 'db', 'events');
  assert.deepEqual(def.PartitionKeys, [
    { Name: 'updated_at_day', Type: 'date' }, { Name: 'id_bucket_4', Type: 'int' }, { Name: 'country', Type: 'string' },
  ]);
  // The identity key takes the column's name; the data column gives way.
  const columns = def.StorageDescriptor.Columns.map((c) => c.Name);
  assert.ok(columns.includes('country_data') && !columns.includes('country'), columns.join(', '));
  assert.deepEqual(await hivePartitions(lake, 'events'), expectedHive(first, valuesOf));
  // Path components are escaped as Hive escapes them; the registered values are not.
  const locations = tablePartitions(lake, 'db', 'events').map((p) => p.StorageDescriptor.Location);
  assert.ok(locations.some((l) => l.includes('/country=a%2Fb%3Ac/')), locations.join('\n'));
  assert.ok(locations.some((l) => l.includes('/updated_at_day=1969-12-31/')), locations.join('\n'));

  // An append asking for other keys keeps the table's, with a warning.
  const second = rowsFrom(24, 12);
  const monthly = localConfig(dir, { format: { format_type: 'Parquet' }, partition_by: [{ field: 'updated_at', transform: 'month' }] });
  const appended = await sync(dir, monthly, second);
  const warnings = ofType(appended, 'LOG').filter((m) => m.log.level === 'WARN').map((m) => m.log.message);
  assert.ok(warnings.some((w) => /keeps its partition keys \(updated_at_day date, id_bucket_4 int, country string\)/.test(w)), warnings.join('\n'));
  assert.deepEqual(await hivePartitions(lake, 'events'), expectedHive([...first, ...second], valuesOf));

  // A truncate applies the new keys: month values, the old partitions gone.
  const third = rowsFrom(100, 12);
  await sync(dir, monthly, third, { mode: 'overwrite', generation: 2, minimum: 2 });
  assert.deepEqual(tableDefinition(lake, 'db', 'events').PartitionKeys, [{ Name: 'updated_at_month', Type: 'string' }]);
  assert.deepEqual(await hivePartitions(lake, 'events'),
    expectedHive(third, (r) => [r.updated_at ? monthText(monthOf(r.updated_at)) : HIVE_NULL]));
});

// ---- Iceberg ----

const icebergConfig = (dir, extra) => localConfig(dir, {
  format: { format_type: 'Parquet', compression_codec: 'SNAPPY' }, table_format: 'iceberg', ...extra,
});

function metadataOf(lake, table) {
  const uri = tableDefinition(lake, 'db', table).Parameters.metadata_location;
  return { uri, json: JSON.parse(fs.readFileSync(path.join(lake, uri.slice('s3://'.length)), 'utf8')) };
}


// The Avro value a partition field of `transform` has for row `r` (dates as python3-avro's
// {days: N}).
function icebergValue(field, r) {
  const v = r[field.source];
  if (v === null || v === undefined) return null;
  switch (field.transform) {
    case 'day': return { days: dayOf(v) };
    case 'month': return monthOf(v);
    case 'year': return new Date(Date.parse(v)).getUTCFullYear() - 1970;
    case 'hour': return Math.floor(Date.parse(v) / 3600000);
    case 'identity': return v;
    default:
      if (field.transform.startsWith('bucket[')) {
        const n = Number(field.transform.slice(7, -1));
        return typeof v === 'number' ? bucketOfLong(v, n) : bucketOfString(v, n);
      }
      if (field.transform.startsWith('truncate[')) return truncate(v, Number(field.transform.slice(9, -1)));
      throw new Error(`no expectation for ${field.transform}`);
  }
}

// Check every live data file of the current snapshot, decoded by python3-avro: its manifest's
// header names the spec the file was written with, the partition record carries that spec's
// field ids, and every row of the file (read by DuckDB) has the file's partition tuple.
// Returns the spec id of every data file.
async function checkManifests(lake, rowsById) {
  const { uri, json: metadata } = metadataOf(lake, 'events');
  checkIcebergVersion(lake, uri);
  const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id']);
  const [list] = readAvro(lake, [snapshot['manifest-list']]);
  const specOfFile = {};
  // Every manifest in one python3-avro run.
  const manifests = readAvro(lake, list.records.map((l) => l.manifest_path));
  for (const [i, listed] of list.records.entries()) {
    const manifest = manifests[i];
    const specId = Number(manifest.meta['partition-spec-id']);
    assert.equal(specId, listed.partition_spec_id);
    const spec = metadata['partition-specs'].find((s) => s['spec-id'] === specId);
    assert.deepEqual(JSON.parse(manifest.meta['partition-spec']), spec.fields);
    const schema = JSON.parse(manifest.meta['avro.schema']);
    const partitionType = schema.fields.find((f) => f.name === 'data_file').type.fields.find((f) => f.name === 'partition').type;
    assert.deepEqual(partitionType.fields.map((f) => f['field-id']), spec.fields.map((f) => f['field-id']));
    const current = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
    const fields = spec.fields.map((f) => ({
      name: f.name, transform: f.transform, source: current.fields.find((c) => c.id === f['source-id']).name,
    }));
    for (const entry of manifest.records) {
      if (entry.status === 2) continue;
      const file = entry.data_file;
      const local = path.join(lake, file.file_path.slice('s3://'.length));
      specOfFile[file.file_path] = specId;
      const ids = await idsIn([local]);
      assert.equal(ids.length, file.record_count);
      for (const id of ids) {
        const expected = Object.fromEntries(fields.map((f) => [f.name, icebergValue(f, rowsById[id])]));
        assert.deepEqual(file.partition, expected, `row ${id} in ${file.file_path}`);
      }
    }
  }
  return specOfFile;
}

test('Iceberg table by partition_by: a spec of day, bucket and truncate fields, nulls, spec evolution by an append, a truncate', async () => {
  const dir = tempDir('partition-by-iceberg');
  const lake = path.join(dir, 'lake');
  const rowsById = {};
  const remember = (rows) => rows.forEach((r) => { rowsById[r.id] = r; });
  const first = rowsFrom(0, 24);
  remember(first);
  const config = icebergConfig(dir, { partition_by: [
    { field: 'updated_at', transform: 'day' }, { field: 'id', transform: 'bucket[4]' }, { field: 'name', transform: 'truncate[2]' },
  ] });
  await sync(dir, config, first);
  let { uri, json: metadata } = metadataOf(lake, 'events');
  const columnId = (name) => metadata.schemas[0].fields.find((f) => f.name === name).id;
  const spec0 = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id']);
  assert.deepEqual(spec0.fields, [
    { name: 'updated_at_day', transform: 'day', 'source-id': columnId('updated_at'), 'field-id': 1000 },
    { name: 'id_bucket_4', transform: 'bucket[4]', 'source-id': columnId('id'), 'field-id': 1001 },
    { name: 'name_trunc_2', transform: 'truncate[2]', 'source-id': columnId('name'), 'field-id': 1002 },
  ]);
  assert.equal(metadata['last-partition-id'], 1002);
  // No Hive keys in the catalog: the spec is the table's partitioning.
  assert.equal(tableDefinition(lake, 'db', 'events').PartitionKeys, undefined);
  const ids = (rows) => rows.map((r) => Number(r.id));
  assert.deepEqual(ids(readIceberg(lake, uri)), first.map((r) => r.id));
  let specs = await checkManifests(lake, rowsById);
  assert.ok(Object.keys(specs).length >= 10, 'one file per partition');

  // The configuration changes: the next append writes with a new spec, the older files keep
  // theirs, and readers see all rows.
  const second = rowsFrom(24, 12);
  remember(second);
  await sync(dir, icebergConfig(dir, { partition_by: [{ field: 'updated_at', transform: 'month' }, { field: 'country', transform: 'identity' }] }), second);
  ({ uri, json: metadata } = metadataOf(lake, 'events'));
  const spec1 = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id']);
  assert.notEqual(spec1['spec-id'], spec0['spec-id']);
  assert.deepEqual(spec1.fields.map((f) => [f.name, f.transform, f['field-id']]),
    [['updated_at_month', 'month', 1003], ['country', 'identity', 1004]]);
  assert.deepEqual(ids(readIceberg(lake, uri)), [...first, ...second].map((r) => r.id));
  specs = await checkManifests(lake, rowsById);
  const specIds = new Set(Object.values(specs));
  assert.deepEqual([...specIds].sort(), [spec0['spec-id'], spec1['spec-id']].sort());

  // A truncate with the cursor-date option instead: month, as its finest transform.
  const third = rowsFrom(100, 12);
  remember(third);
  await sync(dir, icebergConfig(dir, { partitioning: 'YEAR/MONTH' }), third,
    { mode: 'overwrite', generation: 2, minimum: 2, cursor: 'updated_at' });
  ({ uri, json: metadata } = metadataOf(lake, 'events'));
  const spec2 = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id']);
  assert.deepEqual(spec2.fields.map((f) => [f.name, f.transform, f['field-id']]), [['updated_at_month', 'month', 1003]]);
  assert.deepEqual(ids(readIceberg(lake, uri)), third.map((r) => r.id));
  specs = await checkManifests(lake, rowsById);
  assert.deepEqual([...new Set(Object.values(specs))], [spec2['spec-id']]);
});

test('year and hour: a Hive table by year, an Iceberg table by hour, times before 1970 and nulls', async () => {
  const dir = tempDir('partition-by-year-hour');
  const lake = path.join(dir, 'lake');
  const rows = rowsFrom(0, 18);
  await sync(dir, localConfig(dir, { format: { format_type: 'Parquet' }, partition_by: [{ field: 'updated_at', transform: 'year' }] }), rows);
  assert.deepEqual(tableDefinition(lake, 'db', 'events').PartitionKeys, [{ Name: 'updated_at_year', Type: 'bigint' }]);
  assert.deepEqual(await hivePartitions(lake, 'events'),
    expectedHive(rows, (r) => [r.updated_at ? String(new Date(Date.parse(r.updated_at)).getUTCFullYear()) : HIVE_NULL]));

  const iceberg = tempDir('partition-by-hour');
  const rowsById = Object.fromEntries(rows.map((r) => [r.id, r]));
  await sync(iceberg, icebergConfig(iceberg, { partition_by: [{ field: 'updated_at', transform: 'hour' }] }), rows);
  const icebergLake = path.join(iceberg, 'lake');
  const { uri, json: metadata } = metadataOf(icebergLake, 'events');
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id']);
  assert.deepEqual(spec.fields.map((f) => [f.name, f.transform]), [['updated_at_hour', 'hour']]);
  assert.deepEqual(readIceberg(icebergLake, uri).map((r) => Number(r.id)), rows.map((r) => r.id));
  // Every row of every data file has its file's hour (null for the rows without a time).
  const files = await checkManifests(icebergLake, rowsById);
  assert.equal(Object.keys(files).length >= 5, true);
});

test('partition_by refuses a field whose type the transform does not take, and a field no stream has: config_error', async () => {
  const dir = tempDir('partition-by-errors');
  for (const [partitionBy, message] of [
    [[{ field: 'name', transform: 'day' }], /field name of stream events is of type string, which day does not take/],
    [[{ field: 'updated_at', transform: 'identity' }], /field updated_at of stream events is of type timestamp/],
    [[{ field: 'missing', transform: 'day' }], /no stream of the catalog has a top-level field missing/],
    [[{ field: 'missing', transform: 'day', streams: ['events'] }], /stream events has no top-level field missing/],
  ]) {
    for (const format of ['hive', 'iceberg']) {
      const config = localConfig(dir, { format: { format_type: 'Parquet' }, table_format: format, partition_by: partitionBy });
      const result = await write(dir, config, { streams: [stream('events', props)] },
        [record('events', { id: 1 }), streamState('events', { upto: 1 }), status('events', 'COMPLETE')]);
      assert.notEqual(result.code, 0);
      assert.equal(errors(result)[0]?.failure_type, 'config_error', result.stdout.slice(-2000));
      assert.match(errors(result)[0].message, message);
      assert.equal(states(result).length, 0);
    }
  }
});
