// The comparison benchmarks (`make bench-compare`, scripts/bench_compare.py; `make bench-iceberg`,
// scripts/bench_iceberg.py; `make bench-streams`, scripts/bench_streams.py) on tiny inputs, so that they keep working: every shape's generator
// writes messages that match its catalog, and one run of
// both engines writes every record (the script counts DuckDB's rows and, with BENCH_CHECK=1, the
// destination's) and prints a table row for each shape and format. 20 streams instead of 200 keep
// it short: each stream is a table committed on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BINARY } from './harness.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');

// Run scripts/<script> on the binary with its inputs cached in a fresh directory and `env` set;
// `check(out, dir)` looks at what it printed and left, before the directory goes.
function runBench(script, env, check) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const out = execFileSync('python3', [path.join(ROOT, 'scripts', script), BINARY], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_INPUTS: dir, ...env },
    });
    check(out, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('every shape generates messages whose data fields are the catalog columns', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-shapes-'));
  try {
    const check = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'scripts'))})
import bench_shapes as b
out = {}
for shape in b.SHAPES:
    path, catalog = b.ensure_input(${JSON.stringify(dir)}, shape, 2)
    columns = {s["stream"]["name"]: sorted(s["stream"]["json_schema"]["properties"]) for s in json.load(open(catalog))["streams"]}
    records = [json.loads(line)["record"] for line in open(path) if '"RECORD"' in line[:20]]
    out[shape] = [len(records), all(sorted(r["data"]) == columns[r["stream"]] for r in records), len(columns)]
print(json.dumps(out))`;
    const got = JSON.parse(execFileSync('python3', ['-c', check], {
      encoding: 'utf8', env: { ...process.env, BENCH_STREAMS: '200' },
    }));
    assert.deepEqual(Object.keys(got).sort(), ['big', 'narrow', 'nested', 'streams200', 'users', 'wide']);
    for (const [shape, [records, matching, streams]] of Object.entries(got)) {
      assert.equal(records, 2, shape);
      assert.ok(matching, `${shape}: a record's fields differ from its catalog's columns`);
      assert.equal(streams, shape === 'streams200' ? 200 : 1, shape);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bench_compare.py runs both engines on a tiny input and prints the table', () => {
  runBench('bench_compare.py', {
    BENCH_RECORDS: '500', BENCH_SHAPE_MB: '0.05', BENCH_REPEAT: '1',
    BENCH_SHAPES: 'users,streams200', BENCH_FORMATS: 'JSONL/ZSTD', BENCH_CHECK: '1', BENCH_STREAMS: '20',
  }, (out) => {
    const rows = out.split('\n').filter((l) => /^\| (users|streams200) \|/.test(l));
    assert.equal(rows.length, 2, out);
    for (const row of rows) {
      const cells = row.split('|').slice(1, -1).map((c) => c.trim());
      assert.equal(cells.length, 14, row);
      assert.equal(cells[1], 'JSONL/ZSTD');
      for (const c of cells.slice(2, 12)) assert.match(c, /^[\d,.]+$/, row);
      for (const c of cells.slice(12)) assert.match(c, /^\d+\.\d\dx$/, row);
    }
    assert.match(out, /streams200 json: parse once into a temporary table, then 20 COPY/);
  });
});

test('bench_iceberg.py writes a tiny input as Hive and as Iceberg tables and prints the ratios', () => {
  runBench('bench_iceberg.py', { BENCH_RECORDS: '500', BENCH_REPEAT: '1', BENCH_SHAPES: 'users' }, (out) => {
    const rows = out.split('\n').filter((l) => l.startsWith('| users |'));
    assert.deepEqual(rows.map((r) => r.split('|')[2].trim()),
      ['default commit interval', 'commit every STATE', 'partition_by month'], out);
    for (const row of rows) assert.match(row.split('|')[7], /^ \d+\.\d\d $/, row);
    assert.match(out, /Iceberg \/ Hive wall time: median \d+\.\d\d, largest \d+\.\d\d over 3 cases/);
  });
});

test('bench_streams.py writes a tiny input as 200 streams and as one and prints the ratio', () => {
  runBench('bench_streams.py', { BENCH_STREAMS_RECORDS: '2000', BENCH_REPEAT: '1' }, (out, dir) => {
    const runs = out.split('\n').filter((l) => /^\| 1 \| (200 streams|1 stream) \|/.test(l));
    assert.equal(runs.length, 2, out);
    assert.match(out, /200 streams \/ 1 stream wall time: \d+\.\d\dx/);
    // The one-stream input holds the same records, all naming one stream.
    const one = fs.readdirSync(dir).find((f) => f.endsWith('-one-stream.jsonl'));
    const lines = fs.readFileSync(path.join(dir, one), 'utf8').trim().split('\n');
    assert.equal(lines.filter((l) => l.includes('"type":"RECORD"')).length, 2000);
    assert.ok(lines.every((l) => !/"s\d{3}"/.test(l)), 'a line still names one of the 200 streams');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('streams-')), [], 'the lakes are removed');
  });
});
