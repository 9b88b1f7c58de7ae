// Two connections syncing into one table at once (same destination config, same stream name,
// hence the same database and table; each connection has its own sync_id, as Airbyte's job ids
// are). Sync A holds its records in an open file (local lake: a staging file; S3: a multipart
// upload with a part sent) because its commit interval is long, while sync B runs from start to
// end. B's start removes dead writers' staging leftovers: it must not take A's, which is alive.
// Then A ends: both succeed, the table holds every row of each, and A's STATE counts its records.
//
// No sleeps: A's input is followed by more than two megabytes of messages the destination
// ignores (source LOG lines). When the pipe has taken the last of them, A has consumed all but
// a pipe's and a read buffer's worth (1 MB each at most) of its input, so it has encoded every
// record; the test checks that A's open file is really there before B starts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  BINARY, tempDir, localConfig, stream, record, streamState, status, write, states, dataFiles, readTable,
  tablePartitions, timeLimit,
} from './harness.mjs';
import {
  haveRadosgw, startMoto, startValidatingProxy, stopServices, s3Config, s3Snapshot, s3Uploads,
} from './services.mjs';

const props = { id: { type: 'integer' }, note: { type: 'string' }, updated_at: { type: 'string', format: 'date-time' } };
const line = (m) => JSON.stringify(m) + '\n';
const bounded = { timeout: timeLimit(120_000) };
const PADDING_BYTES = 3 << 20; // > pipe capacity (at most 1 MB) + the destination's read buffer (1 MB)

const running = [];
// Start `write` with stdin left open. send() resolves once the pipe has taken the bytes;
// finish() sends the last messages, closes stdin and resolves with the result.
function startSync(dir, config, catalog) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(catalog));
  const child = spawn(BINARY, ['write', '--config', path.join(dir, 'config.json'), '--catalog', path.join(dir, 'catalog.json')]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  running.push(child);
  const send = (text) => new Promise((resolve, reject) => child.stdin.write(text, (e) => (e ? reject(e) : resolve())));
  return {
    send,
    // End the process if the test failed while it still waits for input.
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    async finish(messages) {
      child.stdin.end(messages.map(line).join(''));
      const { code, signal } = await closed;
      const messagesOut = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      return { code, signal, stdout, stderr, messages: messagesOut };
    },
  };
}

// Source LOG lines, which a destination reads past: `bytes` of them.
function padding(bytes) {
  const one = line({ type: 'LOG', log: { level: 'INFO', message: 'source progress '.padEnd(1000, '.') } });
  return one.repeat(Math.ceil(bytes / one.length));
}

const day = (i) => `2024-07-0${1 + (i % 3)}T10:00:00Z`;
const records = (name, from, count, note) =>
  Array.from({ length: count }, (_, k) => record(name, { id: from + k, note, updated_at: day(from + k) }));

// The common course of a test; `where` says how to look at the lake:
//   openFiles() -> A's open files/uploads now; rows() -> the table's ids as a query reads them;
//   leftovers() -> staging files, writer locks or incomplete uploads remaining.
async function concurrentSyncs({ dir, config, name, aCount, aNote, where, partitioned = false }) {
  const streamOpts = partitioned ? { cursor: 'updated_at' } : {};
  const catalogA = { streams: [stream(name, props, { ...streamOpts, sync_id: 101 })] };
  const catalogB = { streams: [stream(name, props, { ...streamOpts, sync_id: 202 })] };
  const bIds = Array.from({ length: 40 }, (_, k) => 500000 + k);

  const a = startSync(path.join(dir, 'a'), config, catalogA);
  try {
    await a.send(records(name, 0, aCount, aNote).map(line).join(''));
    await a.send(padding(PADDING_BYTES));
    const aOpen = where.openFiles();
    assert.ok(aOpen.length > 0, 'sync A has its records in an open file before B starts');

    fs.mkdirSync(path.join(dir, 'b'));
    const b = await write(path.join(dir, 'b'), config, catalogB,
      [...records(name, bIds[0], bIds.length, 'from B'), streamState(name, { b: true }), status(name, 'COMPLETE')]);
    assert.equal(b.code, 0, b.stdout.slice(-2000));
    assert.equal(states(b).length, 1);
    assert.deepEqual(where.openFiles(), aOpen, 'B left A\'s open files alone');
    assert.deepEqual(await where.rows(), bIds, 'A\'s records are not visible before A commits');

    const done = await a.finish([streamState(name, { a: true }), status(name, 'COMPLETE')]);
    assert.equal(done.code, 0, done.stdout.slice(-2000) + done.stderr.slice(-2000));
    assert.deepEqual(states(done).map((s) => [s.stream.stream_state, s.destinationStats.recordCount]), [[{ a: true }, aCount]]);
    const expected = [...Array.from({ length: aCount }, (_, i) => i), ...bIds];
    assert.deepEqual(await where.rows(), expected, 'the table holds every row of A and of B');
    assert.deepEqual(where.leftovers(), []);
  } finally {
    a.stop(); // when an assertion failed while A waits for input
  }
}

const sortedIds = (rows) => rows.map((r) => Number(r.id)).sort((x, y) => x - y);

function localLake(dir) {
  const lake = path.join(dir, 'lake');
  const staging = path.join(lake, '.staging');
  return {
    lake,
    openFiles: () => dataFiles(staging).filter((f) => f.endsWith('.inprogress')),
    rows: async () => (fs.existsSync(path.join(lake, '_catalog', 'db', 'shared.json'))
      ? sortedIds(await readTable(lake, 'db', 'shared')) : []),
    leftovers: () => dataFiles(staging),
  };
}

// A's records: about 3 MB of JSON, more than the 1 MB chunks (256 KB when partitioned) the
// encoder hands to the store, so its staging file exists.
test('local lake: a sync running meanwhile leaves the open file of another alone; both land', bounded, async () => {
  const dir = tempDir('concurrent');
  const where = localLake(dir);
  const config = localConfig(dir, { commit_interval_seconds: 300, local_lake_path: where.lake });
  await concurrentSyncs({ dir, config, name: 'shared', aCount: 3000, aNote: 'a'.repeat(1000), where });
});

test('local lake, partitioned: both syncs\' partitions registered, every row in its partition', bounded, async () => {
  const dir = tempDir('concurrent-part');
  const where = localLake(dir);
  const config = localConfig(dir, { commit_interval_seconds: 300, local_lake_path: where.lake, partitioning: 'DATE' });
  await concurrentSyncs({ dir, config, name: 'shared', aCount: 3000, aNote: 'a'.repeat(1000), where, partitioned: true });
  assert.deepEqual(tablePartitions(where.lake, 'db', 'shared').map((p) => p.Values[0]).sort(),
    ['2024-07-01', '2024-07-02', '2024-07-03']);
  const rows = await readTable(where.lake, 'db', 'shared', { hive: true });
  for (const row of rows) assert.equal(row.updated_at_date, row.updated_at.slice(0, 10), `row ${row.id}`);
});

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
let glue;
before(async () => {
  if (haveRadosgw) glue = await startValidatingProxy(await startMoto());
});
after(() => {
  stopServices();
  // A sync still waiting for input after a failed or timed-out test would keep this file running.
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

// A's records: 12 MB, so its upload has a part (8 MB) sent and is a multipart upload in S3.
test('S3 and Glue: a sync running meanwhile leaves the upload of another alone; both land', { skip, ...bounded }, async () => {
  const dir = tempDir('concurrent-s3');
  const unique = crypto.randomBytes(4).toString('hex');
  const prefix = `concurrent-${unique}`;
  const database = `concurrent_${unique}`;
  const config = s3Config(glue.endpoint, prefix, { lakeformation_database_name: database, commit_interval_seconds: 300 });
  let copies = 0;
  const where = {
    openFiles: () => s3Uploads(`${prefix}/`).map((u) => u.key),
    rows: async () => {
      const lake = path.join(dir, `copy-${++copies}`);
      const seen = s3Snapshot(glue.endpoint, database, ['shared'], `${prefix}/`, lake);
      return seen.tables.shared ? sortedIds(await readTable(lake, database, 'shared')) : [];
    },
    leftovers: () => s3Uploads(`${prefix}/`),
  };
  await concurrentSyncs({ dir, config, name: 'shared', aCount: 200, aNote: 'a'.repeat(60000), where });
  assert.deepEqual(await glue.errors(), [], 'every Glue request matches the service model');
});
