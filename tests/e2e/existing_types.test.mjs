// Append syncs into tables whose columns have Hive types this destination never declares itself
// (early versions of the original connector wrote int and float, crawlers write map, users write
// their own DDL): values are written in the table's types, range-checked, and Athena-readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  tempDir, localConfig, stream, record, streamState, write, dataFiles, jsonLines, readTable,
  tableDefinition, ofType, errors, parquetSchema,
} from './harness.mjs';

// A Glue TableInput as the original connector (or a crawler, or DDL) left it.
function legacyTable(lake, name, columns, format) {
  const parquet = format === 'Parquet';
  const def = {
    Name: name,
    TableType: 'EXTERNAL_TABLE',
    PartitionKeys: [],
    Parameters: { classification: parquet ? 'parquet' : 'json', compressionType: 'none', typeOfData: 'file' },
    StorageDescriptor: {
      Columns: columns.map(([Name, Type]) => ({ Name, Type })),
      Location: `s3://bucket/db/${name}/`,
      InputFormat: parquet ? 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' : 'org.apache.hadoop.mapred.TextInputFormat',
      OutputFormat: parquet ? 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat' : 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      Compressed: false,
      NumberOfBuckets: -1,
      SerdeInfo: parquet
        ? { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', Parameters: { 'serialization.format': '1' } }
        : { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', Parameters: {} },
      BucketColumns: [],
      StoredAsSubDirectories: false,
      SortColumns: [],
      Parameters: { classification: parquet ? 'parquet' : 'json' },
    },
  };
  fs.mkdirSync(path.join(lake, '_catalog', 'db'), { recursive: true });
  fs.writeFileSync(path.join(lake, '_catalog', 'db', `${name}.json`), JSON.stringify(def));
}

// Every Hive type an existing table can have, and what a source declares for that column now.
const legacyColumns = [
  ['id', 'bigint'], ['t', 'tinyint'], ['s', 'smallint'], ['i', 'int'], ['f', 'float'], ['d', 'double'],
  ['dec', 'decimal(10,2)'], ['c', 'char(3)'], ['v', 'varchar(5)'], ['str', 'string'], ['b', 'boolean'],
  ['dt', 'date'], ['ts', 'timestamp'], ['bin', 'binary'], ['arr', 'array<int>'],
  ['m', 'map<string,string>'], ['mi', 'map<int,smallint>'], ['st', 'struct<x:int,y:varchar(2)>'],
];
const streamProps = {
  id: { type: 'integer' }, t: { type: 'integer' }, s: { type: 'integer' }, i: { type: 'integer' },
  f: { type: 'number' }, d: { type: 'number' }, dec: { type: 'number' }, c: { type: 'string' },
  v: { type: 'string' }, str: { type: 'string' }, b: { type: 'boolean' },
  dt: { type: 'string', format: 'date' }, ts: { type: 'string', format: 'date-time' },
  bin: { $ref: 'WellKnownTypes.json#/definitions/BinaryData' },
  arr: { type: 'array', items: { type: 'integer' } }, m: { type: 'object' }, mi: { type: 'object' },
  st: { type: 'object', properties: { x: { type: 'integer' }, y: { type: 'string' } } },
};
const inRange = {
  id: 1, t: -128, s: 32767, i: 2147483647, f: 0.1, d: 0.1, dec: 12345678.91, c: 'abc', v: 'vwxyz',
  str: 'text', b: true, dt: '2024-02-29', ts: '2024-02-29T12:34:56.5Z', bin: 'AP8B',
  arr: [1, -2147483648], m: { k: 'v', n: 1 }, mi: { 7: -32768 }, st: { x: -1, y: 'ab' },
};
const outOfRange = {
  id: 2, t: 128, s: -32769, i: 3000000000, f: 1e39, d: '1e400', dec: 123456789.1, c: 'abcd', v: 'toolong',
  str: 42, b: 'yes', dt: '2024-02-30', ts: 'soon', bin: 'not base64!', arr: [1, 3000000000],
  m: 'not an object', mi: { 1: 1, x: 2, 2: 40000 }, st: { x: 2147483648, y: 'abc' },
};
const expectedChanges = [
  ['t', 'NULLED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['s', 'NULLED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['i', 'NULLED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['f', 'NULLED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['d', 'NULLED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['dec', 'NULLED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['c', 'TRUNCATED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['v', 'TRUNCATED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['b', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
  ['dt', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
  ['ts', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
  ['bin', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
  ['arr[1]', 'NULLED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['m', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
  ['mi.2', 'NULLED', 'DESTINATION_FIELD_SIZE_LIMITATION'], // JS puts integer keys first
  ['mi.x', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
  ['st.x', 'NULLED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
  ['st.y', 'TRUNCATED', 'DESTINATION_FIELD_SIZE_LIMITATION'],
];

// The Parquet physical type and annotation Hive and Athena expect for each Glue type.
const expectedParquet = {
  id: ['INT64', 'INT_64'], t: ['INT32', 'INT_8'], s: ['INT32', 'INT_16'], i: ['INT32', 'INT_32'],
  f: ['FLOAT', null], d: ['DOUBLE', null], dec: ['FIXED_LEN_BYTE_ARRAY', 'DECIMAL'], c: ['BYTE_ARRAY', 'UTF8'],
  v: ['BYTE_ARRAY', 'UTF8'], str: ['BYTE_ARRAY', 'UTF8'], b: ['BOOLEAN', null], dt: ['INT32', 'DATE'],
  ts: ['INT64', 'TIMESTAMP_MICROS'], bin: ['BYTE_ARRAY', null], arr: [null, 'LIST'], m: [null, 'MAP'],
  mi: [null, 'MAP'], st: [null, null],
};

for (const format of ['JSONL', 'Parquet']) {
  test(`${format}: an append into a table of every Hive type writes the table's types, range-checked`, async () => {
    const dir = tempDir(`legacy-${format}`);
    const lake = path.join(dir, 'lake');
    legacyTable(lake, 'legacy', legacyColumns, format);
    const config = localConfig(dir, { format: { format_type: format, compression_codec: 'UNCOMPRESSED' } });
    const r = await write(dir, config, { streams: [stream('legacy', streamProps)] },
      [record('legacy', inRange), record('legacy', outOfRange), record('legacy', { id: 3 }), streamState('legacy', {})]);
    assert.equal(r.code, 0, r.stdout);
    const logs = ofType(r, 'LOG').map((m) => m.log.message).join('\n');
    assert.match(logs, /column i keeps its type int in table db\.legacy \(the stream now declares bigint\)/);
    assert.match(logs, /column m keeps its type map<string,string>/);
    assert.match(logs, /field st\.y keeps its type varchar\(2\)/);

    // The table keeps every type; the meta columns join.
    const def = tableDefinition(lake, 'db', 'legacy');
    const columns = def.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]);
    assert.deepEqual(columns.slice(0, legacyColumns.length), legacyColumns);
    assert.deepEqual(columns.slice(legacyColumns.length).map((c) => c[0]),
      ['_airbyte_raw_id', '_airbyte_extracted_at', '_airbyte_meta', '_airbyte_generation_id']);

    const [file] = dataFiles(path.join(lake, 'bucket', 'db', 'legacy'));
    if (format === 'Parquet') {
      const schema = await parquetSchema(file);
      const top = Object.fromEntries(schema.filter((x) => x.name in expectedParquet).map((x) => [x.name, x]));
      for (const [name, [type, converted]] of Object.entries(expectedParquet)) {
        assert.equal(top[name].type, type, `${name} physical type`);
        assert.equal(top[name].converted_type, converted, `${name} annotation`);
      }
      const dec = top.dec;
      assert.deepEqual([Number(dec.precision), Number(dec.scale)], [10, 2]);
      // map: the canonical 3-level form with a REQUIRED key.
      const at = schema.findIndex((x) => x.name === 'mi');
      assert.deepEqual(schema.slice(at, at + 4).map((x) => [x.name, x.repetition_type, x.type, x.converted_type]), [
        ['mi', 'OPTIONAL', null, 'MAP'], ['key_value', 'REPEATED', null, null],
        ['key', 'REQUIRED', 'INT32', 'INT_32'], ['value', 'OPTIONAL', 'INT32', 'INT_16'],
      ]);
    } else {
      // As the JSON SerDes read them: numbers, strings, base64 text, maps as objects.
      const [first, second] = jsonLines(file);
      assert.equal(first.f, 0.1, 'float in its shortest float form');
      assert.equal(first.bin, 'AP8B');
      assert.deepEqual(first.m, { k: 'v', n: '1' });
      assert.deepEqual(first.mi, { 7: -32768 });
      assert.equal(second.c, 'abc');
      assert.deepEqual(second.mi, { 1: 1, 2: null }, 'an entry whose value does not fit keeps its key');
    }

    // Read through the declared types (Parquet: every file checked against them, as Athena does).
    const rows = await readTable(lake, 'db', 'legacy', { orderBy: 'id' });
    assert.equal(rows.length, 3);
    const [a, b, c] = rows;
    assert.deepEqual([a.t, a.s, a.i, a.f, a.d, a.dec], [-128, 32767, 2147483647, 0.10000000149011612, 0.1, '12345678.91']);
    assert.deepEqual([a.c, a.v, a.str, a.b, a.dt], ['abc', 'vwxyz', 'text', true, '2024-02-29']);
    assert.match(String(a.ts), /^2024-02-29[ T]12:34:56\.5/);
    assert.equal(a.bin, '\\x00\\xFF\\x01');
    assert.deepEqual(a.arr, [1, -2147483648]);
    assert.deepEqual(a.m, [{ key: 'k', value: 'v' }, { key: 'n', value: '1' }]);
    assert.deepEqual(a.mi, [{ key: 7, value: -32768 }]);
    assert.deepEqual(a.st, { x: -1, y: 'ab' });
    assert.deepEqual(a._airbyte_meta.changes, []);

    assert.deepEqual([b.t, b.s, b.i, b.f, b.d, b.dec, b.b, b.dt, b.ts, b.bin, b.m], Array(11).fill(null));
    assert.deepEqual([b.c, b.v, b.str], ['abc', 'toolo', '42']);
    assert.deepEqual(b.arr, [1, null]);
    assert.deepEqual(b.mi, [{ key: 1, value: 1 }, { key: 2, value: null }]);
    assert.deepEqual(b.st, { x: null, y: 'ab' });
    assert.deepEqual(b._airbyte_meta.changes.map((x) => [x.field, x.change, x.reason]), expectedChanges);

    assert.deepEqual([c.t, c.m, c.st], [null, null, null]);
  });
}

test('a column of a type this destination cannot write stops the sync with a config error naming it', async () => {
  for (const format of ['JSONL', 'Parquet']) {
    const dir = tempDir(`unwritable-${format}`);
    const lake = path.join(dir, 'lake');
    legacyTable(lake, 'odd', [['id', 'bigint'], ['u', 'uniontype<int,string>'], ['k', 'map<struct<a:int>,string>']], format);
    const config = localConfig(dir, { format: { format_type: format, compression_codec: 'UNCOMPRESSED' } });
    const r = await write(dir, config, { streams: [stream('odd', { id: { type: 'integer' }, u: { type: 'string' } })] },
      [record('odd', { id: 1, u: 'x' }), streamState('odd', {})]);
    assert.notEqual(r.code, 0);
    const [error] = errors(r);
    assert.equal(error.failure_type, 'config_error');
    assert.match(error.message, /column u of table db\.odd has the type uniontype<int,string>, which this destination cannot write/);
    assert.deepEqual(dataFiles(path.join(lake, 'bucket', 'db', 'odd')), [], 'nothing written');
    assert.equal(tableDefinition(lake, 'db', 'odd').StorageDescriptor.Columns[1].Type, 'uniontype<int,string>');

    // A column the stream does not write is left alone.
    const ok = await write(dir, config, { streams: [stream('odd', { id: { type: 'integer' } })] },
      [record('odd', { id: 2 }), streamState('odd', {})]);
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(dataFiles(path.join(lake, 'bucket', 'db', 'odd')).length, 1);
  }
});
