// The Airbyte protocol contract, end to end: STATE echo order and counts, errors, statuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  tempDir, localConfig, stream, record, streamState, status, write, states, errors, ofType,
  dataFiles, jsonLines,
} from './harness.mjs';

const props = { id: { type: 'integer' }, name: { type: 'string' } };

function linesOf(dir, database, table) {
  return dataFiles(path.join(dir, 'lake', 'bucket', database, table)).flatMap(jsonLines);
}

test('STREAM states are echoed once each, in input order, with per-stream record counts', async () => {
  const dir = tempDir('stream-state');
  const catalog = { streams: [stream('a', props), stream('b', props)] };
  const input = [
    record('a', { id: 1 }), record('b', { id: 2 }), record('a', { id: 3 }),
    // Raw text: a JavaScript number could not carry this value exactly.
    '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"a"},' +
      '"stream_state":{"cursor":3,"big":123456789012345678901234567890}}}}',
    record('b', { id: 4 }),
    streamState('b', { cursor: 4 }),
    streamState('a', { cursor: 3 }),
    record('a', { id: 5 }),
    streamState('a', { cursor: 5 }),
  ];
  const r = await write(dir, localConfig(dir), catalog, input);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = states(r);
  assert.equal(out.length, 4);
  assert.deepEqual(out.map((s) => s.stream.stream_descriptor.name), ['a', 'b', 'a', 'a']);
  assert.deepEqual(out.map((s) => s.destinationStats.recordCount), [2, 2, 0, 1]);
  // The state is echoed unchanged apart from destinationStats: exact number text included.
  const firstLine = r.stdout.split('\n').find((l) => l.includes('"STATE"'));
  assert.match(firstLine, /"big":123456789012345678901234567890[,}]/);
  assert.match(firstLine, /"recordCount":2\.0/);
  assert.deepEqual(linesOf(dir, 'db', 'a').map((l) => l.id).sort(), [1, 3, 5]);
  assert.deepEqual(linesOf(dir, 'db', 'b').map((l) => l.id).sort(), [2, 4]);
});

test('GLOBAL states count every record since the previous GLOBAL state', async () => {
  const dir = tempDir('global-state');
  const catalog = { streams: [stream('a', props), stream('b', props)] };
  const global = (n) => ({
    type: 'STATE',
    state: {
      type: 'GLOBAL',
      global: { shared_state: { lsn: n }, stream_states: [{ stream_descriptor: { name: 'a' }, stream_state: {} }] },
      sourceStats: { recordCount: 3.0 },
      extra_member: { kept: true },
    },
  });
  const input = [record('a', { id: 1 }), record('b', { id: 2 }), record('a', { id: 3 }), global(1),
    global(2), record('b', { id: 4 }), global(3)];
  const r = await write(dir, localConfig(dir), catalog, input);
  assert.equal(r.code, 0, r.stdout);
  const out = states(r);
  assert.deepEqual(out.map((s) => s.global.shared_state.lsn), [1, 2, 3]);
  assert.deepEqual(out.map((s) => s.destinationStats.recordCount), [3, 0, 1]);
  assert.deepEqual(out[0].extra_member, { kept: true });
  assert.deepEqual(out[0].sourceStats, { recordCount: 3.0 });
});

test('LEGACY and untyped states are echoed with the records since the previous one', async () => {
  const dir = tempDir('legacy-state');
  const catalog = { streams: [stream('a', props)] };
  const input = [record('a', { id: 1 }), { type: 'STATE', state: { data: { x: 1 } } },
    record('a', { id: 2 }), record('a', { id: 3 }), { type: 'STATE', state: { type: 'LEGACY', data: { x: 2 } } }];
  const r = await write(dir, localConfig(dir), catalog, input);
  assert.equal(r.code, 0);
  const out = states(r);
  assert.deepEqual(out.map((s) => s.data.x), [1, 2]);
  assert.deepEqual(out.map((s) => s.destinationStats.recordCount), [1, 2]);
  assert.equal(out[0].type, undefined, 'an untyped state stays untyped');
});

// `depth` levels of objects and arrays, alternating, around a string written with escapes.
function nested(depth) {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 === 0 ? '{"k" : ' : '[';
    close = (i % 2 === 0 ? '}' : ']') + close;
  }
  return `${open}"caf\\u00e9 \\/ ${depth}"${close}`;
}

test('STATEs nested 300 and 10,000 deep are echoed byte for byte but for destinationStats', async () => {
  const dir = tempDir('deep-state');
  const catalog = { streams: [stream('a', props)] };
  // Raw texts: whitespace, escapes and number texts must come back as they were written.
  const texts = [
    `{"type":"STREAM","stream":{"stream_descriptor":{"name":"a"},"stream_state":${nested(300)}}}`,
    `{ "type" : "GLOBAL", "global" : {"shared_state":${nested(10000)}, "stream_states":[{"stream_descriptor":{"name":"a"},"stream_state":${nested(10000)}}]}, "sourceStats":{"recordCount":2.0} }`,
    `{"type":"LEGACY","data":${nested(10000)},"destinationStats":{"recordCount": 99 ,"kept":1.50},"n":1e400}`,
  ];
  const input = [record('a', { id: 1 }), `{"type":"STATE","state":${texts[0]}}`, record('a', { id: 2 }),
    `{"type":"STATE","state":${texts[1]}}`, `{"type":"STATE","state":${texts[2]}}`];
  const r = await write(dir, localConfig(dir), catalog, input);
  assert.equal(r.code, 0, r.stdout.slice(0, 2000) + r.stderr);
  const acked = r.stdout.split('\n').filter((l) => l.startsWith('{"type":"STATE"'));
  const expected = [
    texts[0].slice(0, -1) + ',"destinationStats":{"recordCount":1.0}}',
    texts[1].slice(0, -2) + ',"destinationStats":{"recordCount":2.0} }',
    texts[2].replace('"recordCount": 99 ', '"recordCount": 2.0 '),
  ].map((state) => `{"type":"STATE","state":${state}}`);
  assert.equal(acked.length, 3);
  // Compared as strings, not printed: a failure would print 100 kB.
  acked.forEach((line, i) => assert.ok(line === expected[i], `STATE ${i + 1} is not its input plus the count`));
  assert.deepEqual(linesOf(dir, 'db', 'a').map((l) => l.id).sort(), [1, 2]);
});

test('a RECORD nested 10,000 deep is stored whole in its untyped column', async () => {
  const dir = tempDir('deep-record');
  const catalog = { streams: [stream('a', { id: { type: 'integer' }, blob: {} })] };
  const deep = nested(10000);
  const input = [`{"type":"RECORD","record":{"stream":"a","emitted_at":1,"data":{"id":1,"blob":${deep}}}}`,
    streamState('a', { n: 1 })];
  const r = await write(dir, localConfig(dir), catalog, input);
  assert.equal(r.code, 0, r.stdout.slice(0, 2000) + r.stderr);
  assert.equal(states(r).length, 1);
  const [row] = linesOf(dir, 'db', 'a');
  // Kept as JSON text, whitespace removed.
  assert.ok(row.blob === deep.replaceAll(' : ', ':'), 'the deep value is not stored as it came');
});

test('states wait for the commit interval and are all echoed, in order, at the end', async () => {
  const dir = tempDir('interval');
  const catalog = { streams: [stream('a', props)] };
  const input = [];
  for (let i = 0; i < 5; i++) input.push(record('a', { id: i }), streamState('a', { i }));
  const r = await write(dir, localConfig(dir, { commit_interval_seconds: 3600 }), catalog, input);
  assert.equal(r.code, 0);
  assert.deepEqual(states(r).map((s) => s.stream.stream_state.i), [0, 1, 2, 3, 4]);
  // One commit at the end: one file holding every record.
  const files = dataFiles(path.join(dir, 'lake', 'bucket', 'db', 'a'));
  assert.equal(files.length, 1);
  assert.equal(jsonLines(files[0]).length, 5);
});

test('a record for a stream not in the catalog fails the sync, naming the stream', async () => {
  const dir = tempDir('unknown-stream');
  const catalog = { streams: [stream('a', props)] };
  const input = [record('a', { id: 1 }), streamState('a', { n: 1 }), record('nope', { id: 2 }, { namespace: 'ns' }),
    streamState('a', { n: 2 })];
  const r = await write(dir, localConfig(dir), catalog, input);
  assert.equal(r.code, 1);
  const errs = errors(r);
  assert.equal(errs.length, 1);
  assert.equal(errs[0].failure_type, 'system_error');
  assert.match(errs[0].message, /ns\.nope/);
  assert.match(errs[0].message, /not in the configured catalog/);
  // What was acknowledged before the failure stays committed.
  assert.deepEqual(states(r).map((s) => s.stream.stream_state.n), [1]);
  assert.deepEqual(linesOf(dir, 'db', 'a').map((l) => l.id), [1]);
});

test('a malformed line fails the sync with its line number and without its content', async () => {
  const dir = tempDir('malformed');
  const catalog = { streams: [stream('a', props)] };
  const input = [record('a', { id: 1 }), streamState('a', { n: 1 }), '{"type":"RECORD","record":{"stream":"a","data":{"secret":"TOPSECRET-123"',
    record('a', { id: 2 })];
  const r = await write(dir, localConfig(dir), catalog, input);
  assert.equal(r.code, 1);
  const errs = errors(r);
  assert.equal(errs.length, 1);
  assert.match(errs[0].message, /line 3\b/);
  assert.ok(!r.stdout.includes('TOPSECRET-123'), 'line content leaked to stdout');
  assert.ok(!r.stderr.includes('TOPSECRET-123'), 'line content leaked to stderr');
  assert.equal(states(r).length, 1);
});

test('an INCOMPLETE stream keeps acknowledged data, keeps old overwrite data, and fails', async () => {
  const dir = tempDir('incomplete');
  const config = localConfig(dir);
  const catalog = { streams: [stream('o', props, { mode: 'overwrite' })] };
  const first = await write(dir, config, catalog, [record('o', { id: 1 }), streamState('o', {}), status('o', 'COMPLETE')]);
  assert.equal(first.code, 0);
  const r = await write(dir, config, catalog, [record('o', { id: 2 }), streamState('o', { n: 2 }), status('o', 'INCOMPLETE')]);
  assert.notEqual(r.code, 0);
  assert.equal(states(r).length, 1, 'the acknowledged state is still echoed');
  assert.equal(errors(r)[0].failure_type, 'transient_error');
  assert.deepEqual(linesOf(dir, 'db', 'o').map((l) => l.id).sort(), [1, 2], 'old data survives');
});

test('a missing terminal status, when other streams have one, fails the sync', async () => {
  const dir = tempDir('missing-status');
  const catalog = { streams: [stream('a', props), stream('b', props)] };
  const r = await write(dir, localConfig(dir), catalog, [record('a', { id: 1 }), status('a', 'COMPLETE')]);
  assert.notEqual(r.code, 0);
  assert.match(errors(r)[0].message, /did not receive a terminal stream status/);
  assert.match(errors(r)[0].message, /\bb\b/);
});

test('empty input succeeds and echoes nothing', async () => {
  const dir = tempDir('empty');
  const r = await write(dir, localConfig(dir), { streams: [stream('a', props)] }, '');
  assert.equal(r.code, 0, r.stdout);
  assert.equal(states(r).length, 0);
  assert.equal(errors(r).length, 0);
});

test('blank lines and other message types are ignored', async () => {
  const dir = tempDir('other-types');
  const input = ['', { type: 'LOG', log: { level: 'INFO', message: 'hi' } },
    { type: 'TRACE', trace: { type: 'ANALYTICS', emitted_at: 1, analytics: { type: 'x' } } },
    { type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: 1 } }, '   ',
    record('a', { id: 1 }), streamState('a', {})];
  const r = await write(dir, localConfig(dir), { streams: [stream('a', props)] }, input);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(states(r).length, 1);
});

test('input starting with a UTF-8 byte order mark is read as if it had none', async () => {
  const dir = tempDir('bom');
  const catalog = { streams: [stream('bom', props)] };
  const r = await write(dir, localConfig(dir), catalog, [
    '\uFEFF' + JSON.stringify(record('bom', { id: 1, name: 'first' })),
    record('bom', { id: 2 }), streamState('bom', { upto: 2 }),
  ]);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(errors(r), []);
  assert.deepEqual(states(r).map((s) => s.stream.stream_state), [{ upto: 2 }]);
  assert.deepEqual(linesOf(dir, 'db', 'bom').map((l) => l.id).sort(), [1, 2]);
});

test('1000 streams each get their table, files and states', async () => {
  const dir = tempDir('many-streams');
  const n = 1000;
  const catalog = { streams: [] };
  const input = [];
  for (let i = 0; i < n; i++) catalog.streams.push(stream(`s${i}`, props));
  for (let i = 0; i < n; i++) input.push(record(`s${i}`, { id: i, name: `n${i}` }));
  for (let i = 0; i < n; i++) input.push(streamState(`s${i}`, { i }));
  for (let i = 0; i < n; i++) input.push(status(`s${i}`, 'COMPLETE'));
  const r = await write(dir, localConfig(dir, { commit_interval_seconds: 3600 }), catalog, input);
  assert.equal(r.code, 0, r.stdout.slice(0, 2000));
  const out = states(r);
  assert.equal(out.length, n);
  assert.ok(out.every((s, i) => s.stream.stream_state.i === i && s.destinationStats.recordCount === 1));
  const tables = fs.readdirSync(path.join(dir, 'lake', '_catalog', 'db')).filter((f) => !f.startsWith('_'));
  assert.equal(tables.length, n);
  assert.deepEqual(linesOf(dir, 'db', 's999').map((l) => l.name), ['n999']);
});

test('LOG messages report a per-stream summary', async () => {
  const dir = tempDir('logs');
  const r = await write(dir, localConfig(dir), { streams: [stream('a', props)] }, [record('a', { id: 1 })]);
  assert.equal(r.code, 0);
  const logs = ofType(r, 'LOG').map((m) => m.log.message);
  assert.ok(logs.some((m) => /Stream a: 1 records, 1 files/.test(m)), logs.join('\n'));
});
