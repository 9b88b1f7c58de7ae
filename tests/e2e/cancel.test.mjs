// Cancellation: Airbyte cancels a sync with SIGTERM (and SIGKILL after a grace period). The
// destination must stop within seconds, keep what it acknowledged, make nothing else visible,
// leave no staging file or open multipart upload behind, and say so in one TRACE ERROR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  tempDir, localConfig, stream, record, streamState, startWrite, states, errors, readTable, dataFiles,
  timeLimit,
} from './harness.mjs';
import {
  haveRadosgw, startMoto, s3Config, stopServices, s3Objects, s3Uploads, mirrorTable,
} from './services.mjs';

const props = { id: { type: 'integer' }, name: { type: 'string' } };
const EXIT_WITHIN_MS = timeLimit(10000);

// Records `from` .. `to - 1` of `streamName`, each about `bytes` long.
function records(streamName, from, to, bytes = 100) {
  const out = [];
  for (let i = from; i < to; i++) out.push(record(streamName, { id: i, name: `n${i}-${'x'.repeat(bytes)}` }));
  return out;
}

// Send `messages` in slices, each waiting for the pipe (so the destination keeps up).
async function sendAll(sync, messages, slice = 500) {
  for (let i = 0; i < messages.length; i += slice) await sync.send(messages.slice(i, i + slice));
}

// Wait, at most `ms`, until `check()` returns a truthy value (a state of the destination that
// no message announces); return that value, or undefined when the time ran out.
async function waitUntil(check, ms = timeLimit(20000)) {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 50)); // bounded polling of the file system / S3
  }
}

// Send SIGTERM and return the exit, checking it came soon and was the destination's own.
async function cancel(sync) {
  const sent = Date.now();
  assert.ok(sync.child.kill('SIGTERM'));
  const timer = new Promise((r) => setTimeout(r, EXIT_WITHIN_MS, 'timeout'));
  const result = await Promise.race([sync.exited, timer]);
  if (result === 'timeout') {
    sync.child.kill('SIGKILL');
    assert.fail(`the destination did not exit within ${EXIT_WITHIN_MS} ms of SIGTERM`);
  }
  assert.ok(Date.now() - sent < EXIT_WITHIN_MS);
  assert.equal(result.signal, null, 'the destination exited by itself, not by the signal');
  assert.notEqual(result.code, 0, result.stdout.slice(-2000));
  const traces = errors(result);
  assert.equal(traces.length, 1, result.stdout.slice(-2000));
  assert.equal(traces[0].failure_type, 'transient_error');
  assert.match(traces[0].message, /cancelled \(SIGTERM\)/);
  return result;
}

test('SIGTERM on the local lake keeps the acknowledged records and removes the staging files', async () => {
  const dir = tempDir('cancel-local');
  const config = localConfig(dir);
  const lake = config.local_lake_path;
  const sync = startWrite(dir, config, { streams: [stream('events', props)] });
  await sync.send([...records('events', 0, 100), streamState('events', { upto: 99 })]);
  await sync.waitFor((m) => m.type === 'STATE');
  // More records, no STATE, stdin left open: enough (8 MB) that the encoder has written into a
  // staging file, which must be seen before the signal for the test to mean anything.
  await sendAll(sync, records('events', 100, 8100, 1000));
  const staged = await waitUntil(() => dataFiles(path.join(lake, '.staging')).length > 0);
  assert.ok(staged, 'a staging file was being written');
  const result = await cancel(sync);
  assert.deepEqual(states(result).map((s) => s.stream.stream_state), [{ upto: 99 }]);
  assert.deepEqual(dataFiles(path.join(lake, '.staging')), [], 'staging files were left behind');
  const rows = await readTable(lake, 'db', 'events', { orderBy: 'id' });
  assert.deepEqual(rows.map((r) => Number(r.id)), [...Array(100).keys()]);
});

test('SIGTERM while the sync is idle, blocked on stdin, still ends it at once', async () => {
  const dir = tempDir('cancel-idle');
  const config = localConfig(dir);
  const sync = startWrite(dir, config, { streams: [stream('quiet', props)] });
  await sync.send([...records('quiet', 0, 10), streamState('quiet', { upto: 9 })]);
  await sync.waitFor((m) => m.type === 'STATE');
  await sync.send(records('quiet', 10, 20));
  const result = await cancel(sync);
  assert.equal(states(result).length, 1);
  assert.deepEqual(dataFiles(path.join(config.local_lake_path, '.staging')), []);
  const rows = await readTable(config.local_lake_path, 'db', 'quiet');
  assert.equal(rows.length, 10);
});

test('SIGTERM during a long commit (600 tables) stops between tables and echoes no STATE', async () => {
  // On the local lake each table costs fsyncs (tens of ms): a commit of thousands of tables
  // runs for a minute. The signal must not wait for it. Stopping between two tables is a crash
  // point: nothing of this commit is acknowledged, and a retry commits everything once.
  const dir = tempDir('cancel-commit');
  const config = localConfig(dir);
  const lake = config.local_lake_path;
  const names = Array.from({ length: 600 }, (_, i) => `s${String(i).padStart(4, '0')}`);
  const catalog = { streams: names.map((n) => stream(n, props)) };
  const input = [
    ...names.map((n, i) => record(n, { id: i, name: n })),
    { type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { cursor: 1 }, stream_states: [] } } },
  ];
  const sync = startWrite(dir, config, catalog);
  await sendAll(sync, input);
  // stdin stays open: the STATE starts the commit; the first table in the catalog shows it runs.
  const catalogDir = path.join(lake, '_catalog', 'db');
  const started = await waitUntil(() => fs.existsSync(catalogDir) && fs.readdirSync(catalogDir).length > 0, 60000);
  assert.ok(started, 'the commit started');
  const result = await cancel(sync);
  assert.deepEqual(states(result), [], 'a cut-short commit acknowledges nothing');
  const committed = fs.readdirSync(catalogDir).length;
  assert.ok(committed < names.length, `the commit was cut short (${committed} tables)`);
  // The retry (Airbyte resends everything after the last acknowledged STATE) lands every row;
  // rows of the cut-short commit may come twice: they were never acknowledged.
  const retry = startWrite(dir, config, catalog);
  await sendAll(retry, input);
  retry.end();
  const done = await retry.exited;
  assert.equal(done.code, 0, done.stdout.slice(-2000));
  assert.equal(states(done).length, 1);
  for (const n of [names[0], names[299], names[599]]) {
    const rows = await readTable(lake, 'db', n);
    assert.ok(rows.length >= 1 && rows.every((r) => r.name === n), `${n}: ${JSON.stringify(rows)}`);
  }
});

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
let glue;
before(async () => {
  if (haveRadosgw) glue = await startMoto();
});
after(stopServices);

test('SIGTERM on S3 aborts the open multipart upload and keeps the acknowledged objects', { skip }, async () => {
  const dir = tempDir('cancel-s3');
  const prefix = `cancel-${crypto.randomBytes(4).toString('hex')}`;
  const name = 'cancelled';
  const config = s3Config(glue, prefix);
  const sync = startWrite(dir, config, { streams: [stream(name, props)] });
  await sync.send([...records(name, 0, 100), streamState(name, { upto: 99 })]);
  await sync.waitFor((m) => m.type === 'STATE');
  assert.equal(s3Objects(`${prefix}/`).length, 1, 'the acknowledged records are one object');
  // 12 MB more without a STATE: the object passes one part (8 MB), so its multipart upload is
  // open (and a part on its way) when the signal comes.
  await sendAll(sync, records(name, 100, 12100, 1000));
  const open = await waitUntil(() => s3Uploads(`${prefix}/`).length > 0);
  assert.ok(open, 'a multipart upload was open before the signal');
  const result = await cancel(sync);
  assert.deepEqual(states(result).map((s) => s.stream.stream_state), [{ upto: 99 }]);
  assert.deepEqual(s3Uploads(`${prefix}/`), [], 'the open upload was not aborted\n' + result.stderr);
  assert.equal(s3Objects(`${prefix}/`).length, 1, 'nothing after the acknowledged STATE is visible');
  const lake = path.join(dir, 'lake');
  mirrorTable(glue, 'e2e', name, lake);
  const rows = await readTable(lake, 'e2e', name, { orderBy: 'id' });
  assert.deepEqual(rows.map((r) => Number(r.id)), [...Array(100).keys()]);
});
