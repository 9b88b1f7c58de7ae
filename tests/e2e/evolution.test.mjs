// Append syncs whose stream schema grows inside structs (and arrays of structs), or changes a
// nested type; and struct keys Hive cannot parse. After every sync every row is read back with
// DuckDB through the table's Glue definition (Parquet files checked against it as Athena does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  tempDir, localConfig, stream, record, streamState, write, readTable, tableDefinition, ofType,
  parseGlueType, dataFiles, jsonLines,
} from './harness.mjs';

const obj = (properties) => ({ type: 'object', properties });
const arrayOf = (items) => ({ type: 'array', items });

// Three versions of one stream: v2 adds fields inside a struct and inside an array of structs,
// v3 changes two nested types (integer -> string) and adds deeper fields.
const v1 = {
  id: { type: 'integer' },
  st: obj({ a: { type: 'integer' } }),
  arr: arrayOf(obj({ id: { type: 'integer' } })),
};
const v2 = {
  id: { type: 'integer' },
  st: obj({ a: { type: 'integer' }, b: { type: 'string' } }),
  arr: arrayOf(obj({ id: { type: 'integer' }, tag: { type: 'string' } })),
};
const v3 = {
  id: { type: 'integer' },
  st: obj({ a: { type: 'string' }, b: { type: 'string' }, c: obj({ x: { type: 'number' } }) }),
  arr: arrayOf(obj({ id: { type: 'string' }, tag: { type: 'string' }, more: arrayOf({ type: 'string' }) })),
};

const columnsOf = (def) => def.StorageDescriptor.Columns.filter((c) => !c.Name.startsWith('_airbyte'))
  .map((c) => [c.Name, c.Type]);
const changesOf = (row) => row._airbyte_meta.changes.map((c) => [c.field, c.change, c.reason]);

for (const format of ['JSONL', 'Parquet']) {
  test(`${format}: fields added inside structs and arrays of structs reach the table and the files`, async () => {
    const dir = tempDir(`nested-evolution-${format}`);
    const lake = path.join(dir, 'lake');
    const config = localConfig(dir, { format: { format_type: format, compression_codec: 'UNCOMPRESSED' } });
    const sync = (props, records) => write(dir, config, { streams: [stream('evo', props)] },
      [...records.map((data) => record('evo', data)), streamState('evo', {})]);

    const first = await sync(v1, [{ id: 1, st: { a: 1 }, arr: [{ id: 10 }] }]);
    assert.equal(first.code, 0, first.stdout);
    assert.deepEqual(columnsOf(tableDefinition(lake, 'db', 'evo')),
      [['id', 'bigint'], ['st', 'struct<a:bigint>'], ['arr', 'array<struct<id:bigint>>']]);
    let rows = await readTable(lake, 'db', 'evo', { orderBy: 'id' });
    assert.deepEqual(rows.map((r) => [r.id, r.st, r.arr]), [['1', { a: '1' }, [{ id: '10' }]]]);

    const second = await sync(v2, [{ id: 2, st: { a: 2, b: 'two' }, arr: [{ id: 20, tag: 't20' }, { id: 21 }] }]);
    assert.equal(second.code, 0, second.stdout);
    const logs2 = ofType(second, 'LOG').map((m) => m.log.message).join('\n');
    assert.match(logs2, /column st of table db\.evo gains the nested fields st\.b/);
    assert.match(logs2, /column arr of table db\.evo gains the nested fields arr\[\]\.tag/);
    assert.deepEqual(columnsOf(tableDefinition(lake, 'db', 'evo')),
      [['id', 'bigint'], ['st', 'struct<a:bigint,b:string>'], ['arr', 'array<struct<id:bigint,tag:string>>']]);
    rows = await readTable(lake, 'db', 'evo', { orderBy: 'id' });
    assert.deepEqual(rows.map((r) => [r.id, r.st, r.arr]), [
      ['1', { a: '1', b: null }, [{ id: '10', tag: null }]], // the old file reads the new fields as null
      ['2', { a: '2', b: 'two' }, [{ id: '20', tag: 't20' }, { id: '21', tag: null }]],
    ]);
    assert.deepEqual(rows.map(changesOf), [[], []], 'nothing was nulled or dropped');

    const third = await sync(v3, [
      { id: 3, st: { a: '30', b: 'three', c: { x: 1.5 } }, arr: [{ id: '31', tag: 't', more: ['m'] }] },
      { id: 4, st: { a: 'not a number', c: { x: 2 } }, arr: [{ id: 40 }, { id: 'x', more: [] }] },
    ]);
    assert.equal(third.code, 0, third.stdout);
    const logs3 = ofType(third, 'LOG').map((m) => m.log.message).join('\n');
    assert.match(logs3, /field st\.a keeps its type bigint in table db\.evo \(the stream now declares string\)/);
    assert.match(logs3, /field arr\[\]\.id keeps its type bigint/);
    assert.deepEqual(columnsOf(tableDefinition(lake, 'db', 'evo')), [
      ['id', 'bigint'], ['st', 'struct<a:bigint,b:string,c:struct<x:double>>'],
      ['arr', 'array<struct<id:bigint,tag:string,more:array<string>>>'],
    ]);
    rows = await readTable(lake, 'db', 'evo', { orderBy: 'id' });
    assert.deepEqual(rows.map((r) => [r.id, r.st, r.arr]), [
      ['1', { a: '1', b: null, c: null }, [{ id: '10', tag: null, more: null }]],
      ['2', { a: '2', b: 'two', c: null }, [{ id: '20', tag: 't20', more: null }, { id: '21', tag: null, more: null }]],
      ['3', { a: '30', b: 'three', c: { x: 1.5 } }, [{ id: '31', tag: 't', more: ['m'] }]],
      ['4', { a: null, b: null, c: { x: 2 } }, [{ id: '40', tag: null, more: null }, { id: null, tag: null, more: [] }]],
    ]);
    assert.deepEqual(rows.map(changesOf), [[], [], [], [
      ['st.a', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
      ['arr[1].id', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
    ]]);
  });
}

// Struct keys Hive cannot parse, and keys equal ignoring case: the same Hive identifiers in the
// Glue type and in the files, unique ignoring case; change entries keep the source path.
const funky = {
  id: { type: 'integer' },
  st: obj({
    'a b': { type: 'string' }, 'x:y': { type: 'integer' }, 'c,d': { type: 'string' }, 'e<f>': { type: 'string' },
    '': { type: 'string' }, A: { type: 'string' }, a: { type: 'string' },
  }),
  list: arrayOf(obj({ 'k v': { type: 'integer' }, 'K V': { type: 'string' } })),
};

function hiveNames(type, where, out = []) {
  if (type.kind === 'struct') {
    const seen = new Set();
    for (const f of type.fields) {
      assert.match(f.name, /^[A-Za-z0-9_]+$/, `${where}.${f.name} is a Hive identifier`);
      assert.ok(!seen.has(f.name.toLowerCase()), `${where}.${f.name} is unique ignoring case`);
      seen.add(f.name.toLowerCase());
      out.push(f.name);
      hiveNames(f.type, `${where}.${f.name}`, out);
    }
  }
  if (type.kind === 'array') hiveNames(type.element, `${where}[]`, out);
  return out;
}

for (const format of ['JSONL', 'Parquet']) {
  test(`${format}: nested names Hive cannot parse become identifiers, the same in Glue and in the files`, async () => {
    const dir = tempDir(`funky-${format}`);
    const lake = path.join(dir, 'lake');
    const config = localConfig(dir, { format: { format_type: format, compression_codec: 'UNCOMPRESSED' } });
    const data = {
      id: 1,
      st: { 'a b': 'ab', 'x:y': 'not a number', 'c,d': 'cd', 'e<f>': 'ef', '': 'empty', A: 'upper', a: 'lower' },
      list: [{ 'k v': 1, 'K V': 'KV' }, { 'k v': 'two' }],
    };
    const r = await write(dir, config, { streams: [stream('funky', funky)] }, [record('funky', data), streamState('funky', {})]);
    assert.equal(r.code, 0, r.stdout);
    const def = tableDefinition(lake, 'db', 'funky');
    const types = Object.fromEntries(def.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]));
    assert.equal(types.st, 'struct<a_b:string,x_y:bigint,c_d:string,e_f_:string,_:string,A:string,a_af63dc4c:string>');
    assert.equal(types.list, 'array<struct<k_v_3cde4f19:bigint,K_V:string>>');
    for (const c of def.StorageDescriptor.Columns) hiveNames(parseGlueType(c.Type), c.Name);

    // The files use exactly those names (JSON keys / Parquet fields), so the SerDes find them.
    const [file] = dataFiles(path.join(lake, 'bucket', 'db', 'funky'));
    if (format === 'JSONL') {
      const [line] = jsonLines(file);
      assert.deepEqual(Object.keys(line.st), ['a_b', 'x_y', 'c_d', 'e_f_', '_', 'A', 'a_af63dc4c']);
      assert.deepEqual(Object.keys(line.list[0]), ['k_v_3cde4f19', 'K_V']);
    }
    const [row] = await readTable(lake, 'db', 'funky');
    assert.deepEqual(row.st, { a_b: 'ab', x_y: null, c_d: 'cd', e_f_: 'ef', _: 'empty', A: 'upper', a_af63dc4c: 'lower' });
    assert.deepEqual(row.list, [{ k_v_3cde4f19: '1', K_V: 'KV' }, { k_v_3cde4f19: null, K_V: null }]);
    // Change entries name the source's own keys.
    assert.deepEqual(changesOf(row), [
      ['st.x:y', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
      ['list[1].k v', 'NULLED', 'DESTINATION_SERIALIZATION_ERROR'],
    ]);
  });
}
