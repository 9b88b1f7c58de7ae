// A JSON Lines GZIP file is a multi-member gzip file (one member per ~1 MiB chunk): every reader
// here must return all of its members, not just the first (docs/FORMATS.md#gzip-files-are-multi-member).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { tempDir, localConfig, stream, record, streamState, write, dataFiles } from './harness.mjs';

// Python's gzip module reads the file; zlib's decompressobj, restarted on unused_data as gzip -d
// does, counts the members and checks each one's CRC-32 and length.
const PYTHON_READER = `
import gzip, sys, zlib
data = open(sys.argv[1], "rb").read()
members, rest, text = 0, data, b""
while rest:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    text += d.decompress(rest)
    assert d.eof, "truncated member"
    members, rest = members + 1, d.unused_data
assert text == gzip.open(sys.argv[1]).read()
sys.stdout.write(str(members) + "\\n")
sys.stdout.buffer.write(text)
`;

test('a several-MB JSONL/GZIP file reads back whole with gzip, Python, DuckDB and node', async () => {
  const dir = tempDir('gzip-readers');
  const config = localConfig(dir, { format: { format_type: 'JSONL', compression_codec: 'GZIP' } });
  const props = { id: { type: 'integer' }, name: { type: 'string' }, note: { type: 'string' } };
  // Varied text so the file stays several MB compressed: ~6 MB of rows, several members.
  const count = 24000;
  const data = (i) => ({ id: i, name: `name ${(i * 2654435761) % 1000003}`, note: `${i}`.repeat(1 + (i % 97)) });
  const input = [];
  for (let i = 0; i < count; i++) input.push(record('g', data(i)));
  input.push(streamState('g', { upto: count }));
  const r = await write(dir, config, { streams: [stream('g', props)] }, input);
  assert.equal(r.code, 0, r.stdout.slice(0, 1000));
  const files = dataFiles(path.join(dir, 'lake', 'bucket', 'db', 'g'));
  assert.equal(files.length, 1);
  const file = files[0];
  assert.ok(file.endsWith('.json.gz'));

  const byGzip = execFileSync('gzip', ['-dc', file], { maxBuffer: 1 << 30 }).toString('utf8');
  const python = execFileSync('python3', ['-c', PYTHON_READER, file], { maxBuffer: 1 << 30 }).toString('utf8');
  const members = Number(python.slice(0, python.indexOf('\n')));
  const byPython = python.slice(python.indexOf('\n') + 1);
  const byNode = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
  assert.ok(byGzip.length > 5_000_000, `${byGzip.length} bytes`);
  assert.ok(members >= 5, `${members} members`);
  assert.equal(byPython, byGzip);
  assert.equal(byNode, byGzip);

  const lines = byGzip.split('\n');
  assert.equal(lines.pop(), '');  // the file ends with a newline
  assert.equal(lines.length, count);
  lines.forEach((line, i) => {
    const row = JSON.parse(line);
    assert.deepEqual({ id: row.id, name: row.name, note: row.note }, data(i));
  });

  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const result = await db.runAndReadAll(
    `SELECT id, name, note FROM read_json('${file}', format = 'newline_delimited',
       columns = {id: 'BIGINT', name: 'VARCHAR', note: 'VARCHAR'}) ORDER BY id`);
  const rows = result.getRowObjectsJson();
  assert.equal(rows.length, count);
  rows.forEach((row, i) => assert.deepEqual({ id: Number(row.id), name: row.name, note: row.note }, data(i)));
});
