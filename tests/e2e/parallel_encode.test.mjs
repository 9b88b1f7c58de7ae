// Encoding on a pool of threads (sync/data_file.h, DATALAKE_ENCODE_THREADS) writes exactly the
// bytes that encoding on the reading thread writes: the same files, closed at the same rows,
// holding the same bytes, and the same STATEs acknowledged. Each run mixes what changes where
// work happens: files closed at target_file_size_mb, day partitions, several streams
// interleaved, gzip files of many members, Parquet files of many pages, records of very
// different sizes.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { tempDir, localConfig, stream, record, streamState, status, write, states, dataFiles } from './harness.mjs';

const props = {
  id: { type: 'integer' },
  name: { type: 'string' },
  score: { type: 'number' },
  tags: { type: 'array', items: { type: 'string' } },
  address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } } },
  updated_at: { type: 'string', format: 'date-time' },
  text: { type: 'string' },
};

// Deterministic pseudo-random text, so that gzip output is not trivially small.
function noise(seed, length) {
  let x = seed >>> 0;
  let s = '';
  while (s.length < length) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += (x >>> 8).toString(36);
  }
  return s.slice(0, length);
}

function input(records) {
  const names = ['orders', 'users', 'events'];
  const messages = names.map((n) => status(n, 'STARTED'));
  for (let i = 0; i < records; ++i) {
    const name = names[(i + Math.floor(i / 7)) % 3];
    const day = 1 + (Math.floor(i / 5000) % 4);
    // Mostly short records, now and then one of 200 KB, which fills a batch on its own.
    const text = i % 2500 === 17 ? noise(i, 200_000) : noise(i, 40 + (i % 90));
    messages.push(record(name, {
      id: i, name: `name-${i % 997}`, score: (i * 0.37) % 1000, tags: [`t${i % 5}`, `t${i % 11}`].slice(0, i % 3),
      address: i % 13 === 0 ? null : { city: `city-${i % 31}`, zip: String(10000 + (i * 7) % 89999) },
      updated_at: `2024-03-0${day}T12:00:00Z`, text,
    }));
    if (i % 4000 === 3999) messages.push(streamState(name, { upto: i }));
  }
  for (const n of names) messages.push(status(n, 'COMPLETE'));
  return messages;
}

// Files of a run, keyed by table directory and sequence number (names differ by a run id).
function filesByPlace(lake) {
  const out = new Map();
  for (const file of dataFiles(lake)) {
    if (file.endsWith('.json') && file.includes('_catalog')) continue;
    const rel = path.relative(lake, file);
    const m = /^(.*)-(\d+)\.([a-z.]+)$/.exec(path.basename(rel));
    if (!m || !/gen\d+-sync\d+/.test(m[1])) continue;
    out.set(`${path.dirname(rel)}#${m[2]}.${m[3]}`, fs.readFileSync(file));
  }
  return out;
}

const formats = [
  { format_type: 'Parquet', compression_codec: 'SNAPPY' },
  { format_type: 'JSONL', compression_codec: 'GZIP' },
  { format_type: 'JSONL', compression_codec: 'ZSTD' },
];

for (const format of formats) {
  test(`${format.format_type}/${format.compression_codec}: encoding threads change no byte`, async () => {
    // 'events' has no cursor, so no partitions: its rows are decoded straight into their batch.
    const catalog = {
      streams: ['orders', 'users', 'events'].map((n) => stream(n, props, n === 'events' ? {} : { cursor: 'updated_at' })),
    };
    const messages = input(30_000);
    const runs = [];
    for (const threads of ['0', '1', '2', '3']) {
      const dir = tempDir(`parallel-${threads}`);
      const config = localConfig(dir, {
        format, partitioning: 'DAY', target_file_size_mb: 1, airbyte_meta_columns: false, commit_interval_seconds: 300,
      });
      const r = await write(dir, config, catalog, messages, { env: { ...process.env, DATALAKE_ENCODE_THREADS: threads } });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      runs.push({ threads, states: states(r), files: filesByPlace(path.join(dir, 'lake')) });
    }
    const [serial, ...parallel] = runs;
    // The input is big enough to exercise what differs: several files a partition, several
    // gzip members a file.
    const places = [...serial.files.keys()];
    assert.ok(places.some((p) => p.includes('#2.') && p.includes('=')), `no partition got a second file: ${places}`);
    assert.ok(places.some((p) => p.includes('events#2.')), `events got no second file: ${places}`);
    if (format.compression_codec === 'GZIP') {
      // Partitioned streams cut gzip members of 256 KiB: past 1 MiB, a file has had members
      // waiting while newer ones were compressed (kGzipMembersInFlight = 3).
      const partitioned = [...serial.files].filter(([place]) => place.includes('='));
      const text = Math.max(...partitioned.map(([, bytes]) => zlib.gunzipSync(bytes).length));
      assert.ok(text > 1 << 20, `the largest partitioned gzip file holds only ${text} bytes`);
    }
    assert.equal(serial.states.length, 7);
    for (const run of parallel) {
      assert.deepEqual(run.states, serial.states, `threads=${run.threads}: acknowledged STATEs`);
      assert.deepEqual([...run.files.keys()].sort(), places.sort(), `threads=${run.threads}: files`);
      for (const [place, bytes] of serial.files) {
        assert.ok(bytes.equals(run.files.get(place)), `threads=${run.threads}: ${place} differs`);
      }
    }
  });
}
