// What lands in the lake: files read back by DuckDB with the table's declared columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  tempDir, localConfig, stream, record, streamState, status, write, states, dataFiles, jsonLines,
  readTable, tableDefinition, ofType,
} from './harness.mjs';

const zoo = {
  id: { type: 'integer' },
  'Display Name': { type: ['null', 'string'] },
  active: { type: 'boolean' },
  score: { type: 'number' },
  created_at: { type: 'string', format: 'date-time' },
  local_at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
  birthday: { type: 'string', format: 'date' },
  address: { type: 'object', properties: { city: { type: 'string' }, zipCode: { type: 'string' } } },
  tags: { type: 'array', items: { type: 'string' } },
  extra: { type: 'object' },
  either: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
};

test('every type is converted as documented and DuckDB reads it back with the Glue columns', async () => {
  const dir = tempDir('types');
  const catalog = { streams: [stream('zoo', zoo, { generation_id: 3, sync_id: 42 })] };
  const input = [
    record('zoo', {
      id: 1, 'Display Name': 'Ada "the first" \\ Lovelace \u00e9\u2028', active: true, score: 1.5,
      created_at: '2024-05-02T11:30:00.123456+02:00', local_at: '2024-05-02T11:30:00+02:00',
      birthday: '1815-12-10', address: { city: 'London', zipCode: 'SW1', ignored: 1 },
      tags: ['a', 'b'], extra: { nested: [1, { x: null }] }, either: 5,
    }, { emitted_at: 1700000000123 }),
    record('zoo', {
      id: '2', 'Display Name': null, active: 'false', score: '2.25', created_at: 'not a date',
      birthday: '1969-12-31', address: null, tags: [], extra: null, either: 'text',
    }),
    record('zoo', { id: 1.5, active: 1, score: 'NaN', birthday: '2021-02-30', unknown_field: 'x' },
      { meta: { changes: [{ field: 'name', change: 'TRUNCATED', reason: 'SOURCE_FIELD_SIZE_LIMITATION' }] } }),
    streamState('zoo', {}),
  ];
  const r = await write(dir, localConfig(dir), catalog, input);
  assert.equal(r.code, 0, r.stdout);
  const lake = path.join(dir, 'lake');
  const def = tableDefinition(lake, 'db', 'zoo');
  assert.deepEqual(def.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]), [
    ['id', 'bigint'], ['display_name', 'string'], ['active', 'boolean'], ['score', 'double'],
    ['created_at', 'timestamp'], ['local_at', 'timestamp'], ['birthday', 'date'],
    ['address', 'struct<city:string,zipCode:string>'], ['tags', 'array<string>'],
    ['extra', 'string'], ['either', 'string'],
    ['_airbyte_raw_id', 'string'], ['_airbyte_extracted_at', 'timestamp'],
    ['_airbyte_meta', 'struct<sync_id:bigint,changes:array<struct<field:string,change:string,reason:string>>>'],
    ['_airbyte_generation_id', 'bigint'],
  ]);
  const rows = await readTable(lake, 'db', 'zoo', { orderBy: '_airbyte_extracted_at, id' });
  assert.equal(rows.length, 3);
  const byId = Object.fromEntries(rows.map((row) => [row.id ?? 'null', row]));
  const first = byId['1'];
  assert.equal(first.display_name, 'Ada "the first" \\ Lovelace \u00e9\u2028');
  assert.equal(first.active, true);
  assert.equal(first.score, 1.5);
  assert.equal(first.created_at, '2024-05-02 09:30:00.123456');
  assert.equal(first.local_at, '2024-05-02 11:30:00');
  assert.equal(first.birthday, '1815-12-10');
  assert.deepEqual(first.address, { city: 'London', zipCode: 'SW1' });
  assert.deepEqual(first.tags, ['a', 'b']);
  assert.deepEqual(JSON.parse(first.extra), { nested: [1, { x: null }] });
  assert.equal(first.either, '5');
  assert.equal(first._airbyte_extracted_at, '2023-11-14 22:13:20.123');
  assert.equal(first._airbyte_generation_id, '3');
  assert.deepEqual(first._airbyte_meta, { sync_id: '42', changes: [] });
  assert.match(first._airbyte_raw_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  const second = byId['2'];
  assert.equal(second.display_name, null);
  assert.equal(second.active, false, '"false" is false');
  assert.equal(second.score, 2.25);
  assert.equal(second.created_at, null);
  assert.equal(second.birthday, '1969-12-31');
  assert.equal(second.extra, null, 'a null JSON column is null, not the text null');
  assert.equal(second.either, 'text');
  assert.deepEqual(second._airbyte_meta.changes,
    [{ field: 'created_at', change: 'NULLED', reason: 'DESTINATION_SERIALIZATION_ERROR' }]);

  const third = byId['null'];
  assert.equal(third.active, null);
  assert.equal(third.score, null);
  assert.equal(third.birthday, null);
  assert.deepEqual(third._airbyte_meta.changes.map((c) => c.field),
    ['name', 'id', 'active', 'score', 'birthday']);
  assert.equal(third._airbyte_meta.changes[0].change, 'TRUNCATED');
  assert.ok(!('unknown_field' in third));
  const ids = rows.map((row) => row._airbyte_raw_id);
  assert.equal(new Set(ids).size, 3, 'raw ids are unique');
});

test('interleaved streams and namespaces land in their own tables and databases', async () => {
  const dir = tempDir('interleaved');
  const props = { id: { type: 'integer' } };
  const catalog = { streams: [stream('s', props), stream('s', props, { namespace: 'other' }), stream('t', props)] };
  const input = [];
  for (let i = 0; i < 300; i++) {
    const which = i % 3;
    if (which === 0) input.push(record('s', { id: i }));
    if (which === 1) input.push(record('s', { id: i }, { namespace: 'other' }));
    if (which === 2) input.push(record('t', { id: i }));
    if (i % 50 === 49) input.push(streamState('s', { i }));
  }
  const r = await write(dir, localConfig(dir), catalog, input);
  assert.equal(r.code, 0, r.stdout);
  const lake = path.join(dir, 'lake');
  const s = await readTable(lake, 'db', 's');
  const other = await readTable(lake, 'other', 's');
  const t = await readTable(lake, 'db', 't');
  assert.equal(s.length, 100);
  assert.equal(other.length, 100);
  assert.equal(t.length, 100);
  assert.ok(s.every((row) => Number(row.id) % 3 === 0));
  assert.ok(other.every((row) => Number(row.id) % 3 === 1));
  assert.deepEqual(states(r).map((x) => x.destinationStats.recordCount), [17, 17, 16, 17, 17, 16]);
});

test('a 30 MB record is written whole', async () => {
  const dir = tempDir('big-record');
  const big = 'x'.repeat(30 * 1024 * 1024);
  const catalog = { streams: [stream('big', { id: { type: 'integer' }, blob: { type: 'string' } })] };
  const r = await write(dir, localConfig(dir), catalog,
    [record('big', { id: 1, blob: big }), record('big', { id: 2, blob: 'small' }), streamState('big', {})]);
  assert.equal(r.code, 0, r.stdout.slice(0, 1000));
  const lines = dataFiles(path.join(dir, 'lake', 'bucket', 'db', 'big')).flatMap(jsonLines);
  assert.equal(lines.length, 2);
  assert.equal(lines.find((l) => l.id === 1).blob.length, big.length);
  assert.equal(states(r)[0].destinationStats.recordCount, 2);
});

test('gzip and zstd files read back identically to uncompressed ones', async () => {
  const props = { id: { type: 'integer' }, name: { type: 'string' } };
  const results = {};
  for (const codec of ['UNCOMPRESSED', 'GZIP', 'ZSTD']) {
    const dir = tempDir(`codec-${codec}`);
    const config = localConfig(dir, { format: { format_type: 'JSONL', compression_codec: codec } });
    const input = [];
    for (let i = 0; i < 1000; i++) input.push(record('c', { id: i, name: `name ${i}` }));
    const r = await write(dir, config, { streams: [stream('c', props)] }, input);
    assert.equal(r.code, 0, r.stdout);
    const files = dataFiles(path.join(dir, 'lake', 'bucket', 'db', 'c'));
    assert.equal(files.length, 1);
    assert.ok(files[0].endsWith({ UNCOMPRESSED: '.json', GZIP: '.json.gz', ZSTD: '.json.zst' }[codec]));
    assert.match(path.basename(files[0]), /^gen1-sync7-[0-9a-f]{16}-1\./);
    const def = tableDefinition(path.join(dir, 'lake'), 'db', 'c');
    assert.equal(def.Parameters.compressionType, { UNCOMPRESSED: 'none', GZIP: 'gzip', ZSTD: 'zstd' }[codec]);
    const rows = await readTable(path.join(dir, 'lake'), 'db', 'c', { orderBy: 'id' });
    results[codec] = rows.map((row) => [row.id, row.name]);
  }
  assert.equal(results.UNCOMPRESSED.length, 1000);
  assert.deepEqual(results.GZIP, results.UNCOMPRESSED);
  assert.deepEqual(results.ZSTD, results.UNCOMPRESSED);
});

test('the table definition is the Glue TableInput the original connector would create', async () => {
  const dir = tempDir('table-def');
  const config = localConfig(dir, { bucket_prefix: 'raw/', format: { format_type: 'JSONL', compression_codec: 'GZIP' } });
  const r = await write(dir, config, { streams: [stream('My-Stream', { id: { type: 'integer' } })] },
    [record('My-Stream', { id: 1 })]);
  assert.equal(r.code, 0, r.stdout);
  const def = tableDefinition(path.join(dir, 'lake'), 'db', 'my_stream');
  assert.equal(def.Name, 'my_stream');
  assert.equal(def.TableType, 'EXTERNAL_TABLE');
  assert.deepEqual(def.PartitionKeys, []);
  assert.deepEqual(def.Parameters, {
    classification: 'json', compressionType: 'gzip', typeOfData: 'file', 'projection.enabled': 'false',
    airbyte_namespace: 'db', airbyte_stream: 'My-Stream',
  });
  const sd = def.StorageDescriptor;
  assert.equal(sd.Location, 's3://bucket/raw/db/My-Stream/');
  assert.equal(sd.InputFormat, 'org.apache.hadoop.mapred.TextInputFormat');
  assert.equal(sd.OutputFormat, 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat');
  assert.deepEqual(sd.SerdeInfo, { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', Parameters: {} });
  assert.equal(sd.Compressed, true);
  assert.equal(sd.NumberOfBuckets, -1);
  assert.equal(fs.readdirSync(path.join(dir, 'lake', 'bucket', 'raw', 'db', 'My-Stream')).length, 1);
});

test('append accumulates and overwrite replaces, only after the new data is complete', async () => {
  const dir = tempDir('modes');
  const config = localConfig(dir);
  const props = { id: { type: 'integer' } };
  // The platform bumps an overwrite stream's generation on every sync.
  let generation = 0;
  const sync = (ids) => {
    generation += 1;
    const catalog = { streams: [stream('app', props), stream('ovr', props, { mode: 'overwrite', generation_id: generation })] };
    return write(dir, config, catalog, ids.flatMap((id) => [record('app', { id }), record('ovr', { id })])
      .concat([streamState('app', {}), status('app', 'COMPLETE'), status('ovr', 'COMPLETE')]));
  };
  assert.equal((await sync([1, 2])).code, 0);
  assert.equal((await sync([3])).code, 0);
  const lake = path.join(dir, 'lake');
  assert.deepEqual((await readTable(lake, 'db', 'app', { orderBy: 'id' })).map((r) => r.id), ['1', '2', '3']);
  assert.deepEqual((await readTable(lake, 'db', 'ovr', { orderBy: 'id' })).map((r) => r.id), ['3']);
  // A zero-record overwrite sync that completes leaves an empty table.
  assert.equal((await sync([])).code, 0);
  assert.deepEqual(await readTable(lake, 'db', 'ovr'), []);
});

test('the airbyte meta columns can be turned off', async () => {
  const dir = tempDir('no-meta');
  const r = await write(dir, localConfig(dir, { airbyte_meta_columns: false }),
    { streams: [stream('a', { id: { type: 'integer' } })] }, [record('a', { id: 1 })]);
  assert.equal(r.code, 0);
  const lines = dataFiles(path.join(dir, 'lake', 'bucket', 'db', 'a')).flatMap(jsonLines);
  assert.deepEqual(lines, [{ id: 1 }]);
});

test('Parquet files carry the same rows and the Glue Parquet table definition', async () => {
  const props = { id: { type: 'integer' }, name: { type: 'string' }, at: { type: 'string', format: 'date-time' },
    tags: { type: 'array', items: { type: 'string' } } };
  for (const codec of ['SNAPPY', 'ZSTD', 'GZIP', 'UNCOMPRESSED']) {
    const dir = tempDir(`parquet-${codec}`);
    const config = localConfig(dir, { format: { format_type: 'Parquet', compression_codec: codec } });
    const input = [];
    for (let i = 0; i < 500; i++) {
      input.push(record('p', { id: i, name: i % 7 === 0 ? null : `n${i}`, at: '2024-01-02T03:04:05.678901Z', tags: [`t${i % 3}`] }));
    }
    input.push(streamState('p', {}));
    const r = await write(dir, config, { streams: [stream('p', props)] }, input);
    assert.equal(r.code, 0, r.stdout);
    const lake = path.join(dir, 'lake');
    const files = dataFiles(path.join(lake, 'bucket', 'db', 'p'));
    assert.equal(files.length, 1);
    const ext = { SNAPPY: '.snappy.parquet', ZSTD: '.zstd.parquet', GZIP: '.gz.parquet', UNCOMPRESSED: '.parquet' }[codec];
    assert.ok(files[0].endsWith(ext), files[0]);
    const def = tableDefinition(lake, 'db', 'p');
    assert.equal(def.Parameters.classification, 'parquet');
    assert.equal(def.StorageDescriptor.SerdeInfo.SerializationLibrary,
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    assert.equal(def.StorageDescriptor.InputFormat, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
    const rows = await readTable(lake, 'db', 'p', { orderBy: 'id' });
    assert.equal(rows.length, 500);
    assert.equal(rows[7].name, null);
    assert.equal(rows[8].name, 'n8');
    assert.deepEqual(rows[4].tags, ['t1']);
    assert.match(String(rows[4].at), /^2024-01-02[ T]03:04:05\.678901/);
    assert.equal(String(rows[4]._airbyte_generation_id), '1');
  }
});

test('append schema evolution: added columns join, removed ones stay, changed types are kept', async () => {
  const dir = tempDir('evolution');
  const config = localConfig(dir);
  const lake = path.join(dir, 'lake');
  const v1 = { id: { type: 'integer' }, gone: { type: 'string' }, changes: { type: 'integer' } };
  const v2 = { id: { type: 'integer' }, added: { type: 'string' }, changes: { type: 'string' } };
  const first = await write(dir, config, { streams: [stream('evo', v1)] },
    [record('evo', { id: 1, gone: 'old', changes: 10 }), streamState('evo', {})]);
  assert.equal(first.code, 0, first.stdout);
  const second = await write(dir, config, { streams: [stream('evo', v2)] },
    [record('evo', { id: 2, added: 'new', changes: '20' }), record('evo', { id: 3, added: 'x', changes: 'not a number' }),
      streamState('evo', {})]);
  assert.equal(second.code, 0, second.stdout);
  const logs = ofType(second, 'LOG').map((m) => m.log.message).join('\n');
  assert.match(logs, /column changes keeps its type bigint/);
  const def = tableDefinition(lake, 'db', 'evo');
  const columns = def.StorageDescriptor.Columns.filter((c) => !c.Name.startsWith('_airbyte'));
  assert.deepEqual(columns.map((c) => [c.Name, c.Type]),
    [['id', 'bigint'], ['gone', 'string'], ['changes', 'bigint'], ['added', 'string']]);
  const rows = await readTable(lake, 'db', 'evo', { orderBy: 'id' });
  assert.deepEqual(rows.map((r) => [r.id, r.gone, r.changes, r.added]),
    [['1', 'old', '10', null], ['2', null, '20', 'new'], ['3', null, null, 'x']]);
  assert.deepEqual(rows[2]._airbyte_meta.changes,
    [{ field: 'changes', change: 'NULLED', reason: 'DESTINATION_SERIALIZATION_ERROR' }]);
});

test('Parquet timestamps can be written as legacy INT96, as the original connector did', async () => {
  const dir = tempDir('int96');
  const props = { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } };
  const config = localConfig(dir, {
    format: { format_type: 'Parquet', compression_codec: 'SNAPPY' }, parquet_timestamp_int96: true,
  });
  const r = await write(dir, config, { streams: [stream('t96', props)] },
    [record('t96', { id: 1, at: '1999-12-31T23:59:59.123456Z' }), streamState('t96', {})]);
  assert.equal(r.code, 0, r.stdout);
  const lake = path.join(dir, 'lake');
  const [file] = dataFiles(path.join(lake, 'bucket', 'db', 't96'));
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const schema = await db.runAndReadAll(`SELECT name, type FROM parquet_schema('${file}')`);
  const types = Object.fromEntries(schema.getRowObjectsJson().map((x) => [x.name, x.type]));
  assert.equal(types.at, 'INT96');
  assert.equal(types._airbyte_extracted_at, 'INT96');
  const rows = await readTable(lake, 'db', 't96');
  assert.match(String(rows[0].at), /^1999-12-31[ T]23:59:59\.123456/);
});

test('an emitted_at outside years 0001..9999 gives a null _airbyte_extracted_at and a change, never a wrong instant', async () => {
  const props = { id: { type: 'integer' } };
  const raw = (id, emittedAt) =>
    `{"type":"RECORD","record":{"stream":"ext","emitted_at":${emittedAt},"data":{"id":${id}}}}`;
  const nulled = { field: '_airbyte_extracted_at', change: 'NULLED', reason: 'DESTINATION_FIELD_SIZE_LIMITATION' };
  for (const format of [
    { format_type: 'JSONL', compression_codec: 'UNCOMPRESSED' },
    { format_type: 'Parquet', compression_codec: 'SNAPPY' },
  ]) {
    for (const int96 of format.format_type === 'Parquet' ? [false, true] : [false]) {
      const dir = tempDir('extracted-range');
      const config = localConfig(dir, { format, parquet_timestamp_int96: int96 });
      const r = await write(dir, config, { streams: [stream('ext', props)] }, [
        raw(1, '9223372036854775807'), raw(2, '-9223372036854775808'),
        raw(3, '253402300800000'), raw(4, '253402300799999'), raw(5, '-62135596800000'),
        raw(6, '-62135596800001'), raw(7, '9223372036854775'),
        streamState('ext', {}),
      ]);
      assert.equal(r.code, 0, r.stdout);
      const lake = path.join(dir, 'lake');
      if (format.format_type === 'JSONL') {
        const text = dataFiles(path.join(lake, 'bucket', 'db', 'ext')).map((f) => fs.readFileSync(f, 'utf8')).join('');
        assert.doesNotMatch(text, /10000-|1969-12-31|-\d{4,}-\d\d-\d\d/, 'no out-of-range or wrapped instant');
      }
      const rows = await readTable(lake, 'db', 'ext', { orderBy: 'id' });
      const got = rows.map((row) => [Number(row.id), row._airbyte_extracted_at === null ? null : String(row._airbyte_extracted_at),
        row._airbyte_meta.changes]);
      const inRange = (re) => (v) => v !== null && re.test(v);
      assert.deepEqual(got.map(([id, at, changes]) => [id, at === null, changes]), [
        [1, true, [nulled]], [2, true, [nulled]], [3, true, [nulled]], [4, false, []], [5, false, []],
        [6, true, [nulled]], [7, true, [nulled]],
      ], `${format.format_type} int96=${int96}`);
      assert.ok(inRange(/^9999-12-31[ T]23:59:59\.999/)(got[3][1]), got[3][1]);
      assert.ok(inRange(/^0001-01-01[ T]00:00:00/)(got[4][1]), got[4][1]);
    }
  }
});
