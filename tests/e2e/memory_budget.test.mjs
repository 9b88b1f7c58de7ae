// The memory budget (memory_budget_mb, src/sync/memory_budget.h) bounds what 200 interleaved
// streams hold, whatever the input size: past it, the biggest Parquet row groups are closed
// early. Peak RSS follows the budget, not the input, and every row is still in its table, as a
// query engine reads it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  BINARY, tempDir, localConfig, stream, streamState, runProgram, states, ofType, queryFiles, memoryLimit,
} from './harness.mjs';

const STREAMS = 200;
const props = {
  id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' }, score: { type: 'number' },
  active: { type: 'boolean' }, created_at: { type: 'string', format: 'date-time' },
  tags: { type: 'array', items: { type: 'string' } }, bio: { type: 'string' },
};

// About `megabytes` of records spread round-robin over the streams (each record a different
// stream than the last, as a source reading many tables at once sends them).
function input(megabytes) {
  const lines = [];
  let bytes = 0;
  let i = 0;
  while (bytes < megabytes << 20) {
    const s = `s${i % STREAMS}`;
    const line = `{"type":"RECORD","record":{"stream":"${s}","emitted_at":1700000000000,"data":{"id":${i},`
      + `"name":"user ${i % 1009}","email":"u${i}@example.com","score":${(i * 0.37) % 1000},`
      + `"active":${i % 3 === 0},"created_at":"2024-0${1 + (i % 9)}-1${i % 10}T10:00:00Z",`
      + `"tags":["t${i % 7}","t${i % 11}"],"bio":"${'lorem ipsum '.repeat(1 + (i % 9))}${i}"}}}`;
    lines.push(line);
    bytes += line.length + 1;
    ++i;
  }
  for (let s = 0; s < STREAMS; ++s) lines.push(JSON.stringify(streamState(`s${s}`, { done: true })));
  return { text: lines.join('\n') + '\n', records: i };
}

async function sync(dir, text, budgetMb, extra = {}) {
  const config = localConfig(dir, {
    format: { format_type: 'Parquet', compression_codec: 'SNAPPY' }, commit_interval_seconds: 3600,
    ...(budgetMb ? { memory_budget_mb: budgetMb } : {}), ...extra,
  });
  const catalog = { streams: Array.from({ length: STREAMS }, (_, s) => stream(`s${s}`, props)) };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(catalog));
  const r = await runProgram('/usr/bin/time', ['-f', 'maxrss=%M', BINARY, 'write', '--config',
    path.join(dir, 'config.json'), '--catalog', path.join(dir, 'catalog.json')], text);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  r.rssMiB = Number(r.stderr.match(/maxrss=(\d+)/)[1]) / 1024;
  r.logs = ofType(r, 'LOG').map((m) => m.log.message);
  r.dir = dir;
  return r;
}

// Rows and row groups of every table, read as a query engine reads the lake: each table's rows
// are its stream's, none twice.
async function readBack(lake) {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const files = [];
  for (let s = 0; s < STREAMS; s += 1) {
    for (const f of queryFiles(lake, 'db', `s${s}`)) files.push({ f, s });
  }
  await connection.run(`CREATE TABLE owner (file VARCHAR, s INTEGER)`);
  await connection.run(`INSERT INTO owner VALUES ${files.map(({ f, s }) => `('${f}', ${s})`).join(',')}`);
  const list = files.map(({ f }) => `'${f}'`).join(',');
  const bad = await connection.runAndReadAll(
    `SELECT count(*)::INTEGER FROM read_parquet([${list}], filename = true) r JOIN owner o ON r.filename = o.file
     WHERE r.id % ${STREAMS} <> o.s`);
  assert.equal(bad.getRows()[0][0], 0, 'rows in the table of another stream');
  const counts = await connection.runAndReadAll(
    `SELECT count(*)::INTEGER, count(DISTINCT id)::INTEGER FROM read_parquet([${list}])`);
  const [rows, distinct] = counts.getRows()[0];
  assert.equal(distinct, rows, 'duplicated rows');
  const meta = await connection.runAndReadAll(
    `SELECT count(DISTINCT (file_name, row_group_id))::INTEGER FROM parquet_metadata([${list}])`);
  return { rows, rowGroups: meta.getRows()[0][0] };
}

test('200 interleaved streams stay within the memory budget, and every row is read back', async (t) => {
  const { text, records } = input(160);
  const small = await sync(tempDir('budget-small'), text, 32);
  const large = await sync(tempDir('budget-large'), text, 4096);
  // The budget is what bounds memory: a small one keeps RSS low, a large one lets row groups
  // (and RSS) grow with the input.
  t.diagnostic(`peak RSS: ${small.rssMiB.toFixed(0)} MiB with 32 MB, ${large.rssMiB.toFixed(0)} MiB with 4 GB`);
  assert.ok(small.rssMiB < memoryLimit(136), `32 MB budget: peak RSS ${small.rssMiB} MiB`);
  assert.ok(large.rssMiB > small.rssMiB * 1.5, `RSS ${large.rssMiB} MiB with 4 GB, ${small.rssMiB} MiB with 32 MB`);
  assert.ok(small.logs.some((l) => /^Memory budget \(32 MiB\): open files were flushed early \d+ times/.test(l)),
    small.logs.join('\n'));
  assert.ok(!large.logs.some((l) => l.startsWith('Memory budget')), 'the 4 GB budget was never reached');
  for (const r of [small, large]) assert.equal(states(r).length, STREAMS);
  const smallBack = await readBack(path.join(small.dir, 'lake'));
  const largeBack = await readBack(path.join(large.dir, 'lake'));
  assert.equal(smallBack.rows, records);
  assert.equal(largeBack.rows, records);
  // The trade-off: more, smaller row groups.
  assert.equal(largeBack.rowGroups, STREAMS);
  assert.ok(smallBack.rowGroups > 2 * STREAMS, `${smallBack.rowGroups} row groups`);
});

// Iceberg tables hold their files to the same budget (the data files are the same; the manifests
// their commits read again share one bounded cache): 200 tables, the small budget, RSS within
// the same bound, and every row in its table's data files as its metadata counts them.
test('200 interleaved streams into Iceberg tables stay within the memory budget', async (t) => {
  const { text, records } = input(160);
  const r = await sync(tempDir('budget-iceberg'), text, 32, { table_format: 'iceberg' });
  t.diagnostic(`peak RSS: ${r.rssMiB.toFixed(0)} MiB with 32 MB, Iceberg tables`);
  assert.ok(r.rssMiB < memoryLimit(136), `32 MB budget: peak RSS ${r.rssMiB} MiB`);
  assert.equal(states(r).length, STREAMS);
  const lake = path.join(r.dir, 'lake');
  let counted = 0;
  const files = [];
  for (let s = 0; s < STREAMS; s += 1) {
    const definition = JSON.parse(fs.readFileSync(path.join(lake, '_catalog', 'db', `s${s}.json`), 'utf8'));
    const uri = definition.Parameters.metadata_location;
    const metadata = JSON.parse(fs.readFileSync(path.join(lake, uri.slice('s3://'.length)), 'utf8'));
    const head = metadata.snapshots.find((x) => x['snapshot-id'] === metadata['current-snapshot-id']);
    counted += Number(head.summary['total-records']);
    const data = path.join(lake, 'bucket', 'db', `s${s}`, 'data');
    for (const f of fs.readdirSync(data)) files.push(`'${path.join(data, f)}'`);
  }
  assert.equal(counted, records);
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = await connection.runAndReadAll(
    `SELECT count(*)::INTEGER, count(DISTINCT id)::INTEGER FROM read_parquet([${files.join(',')}])`);
  assert.deepEqual(rows.getRows()[0], [records, records]);
});
