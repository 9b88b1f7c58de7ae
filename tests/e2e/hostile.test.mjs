// Hostile input, one case per row of docs/HOSTILE-INPUT.md: each gives correct output or one
// TRACE ERROR with the right failure_type, within a memory and time bound (max RSS measured by
// /usr/bin/time around the binary). Cases other files already cover are named in the document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  BINARY, tempDir, localConfig, stream, record, streamState, status, runProgram, states, errors,
  dataFiles, jsonLines, memoryLimit,
} from './harness.mjs';

const props = {
  a: { type: 'integer' }, str: { type: 'string' }, d: { type: 'number' },
  ts: { type: 'string', format: 'date-time' }, dt: { type: 'string', format: 'date' }, j: {},
  m: { type: 'object', properties: { x: { type: 'integer' } } },
};
const STATE = JSON.stringify(streamState('s', { n: 1 }));
const rec = (data, emittedAt = 1) => `{"type":"RECORD","record":{"stream":"s","emitted_at":${emittedAt},"data":${data}}}`;

// Run `write` under /usr/bin/time; `input` is a string or a Buffer (raw bytes). Returns the
// harness's result plus rows (the table's JSON lines, in file order) and rssMiB.
async function sync(name, input, { catalog, config } = {}) {
  const dir = tempDir(`hostile-${name}`);
  const configPath = path.join(dir, 'config.json');
  const catalogPath = path.join(dir, 'catalog.json');
  fs.writeFileSync(configPath, JSON.stringify(config ?? localConfig(dir)));
  fs.writeFileSync(catalogPath, JSON.stringify(catalog ?? { streams: [stream('s', props)] }));
  const r = await runProgram('/usr/bin/time', ['-f', 'maxrss=%M', BINARY, 'write', '--config',
    configPath, '--catalog', catalogPath], input);
  const rss = r.stderr.match(/maxrss=(\d+)/);
  assert.ok(rss, `no RSS in stderr: ${r.stderr.slice(-500)}`);
  r.rssMiB = Number(rss[1]) / 1024;
  const table = path.join(dir, 'lake', 'bucket', 'db', 's');
  r.rows = fs.existsSync(table) ? dataFiles(table).flatMap(jsonLines) : [];
  r.dir = dir;
  return r;
}

function expectOk(r, maxMiB = 64) {
  assert.equal(r.code, 0, r.stdout.slice(0, 2000));
  assert.deepEqual(errors(r), []);
  assert.ok(r.rssMiB < memoryLimit(maxMiB), `peak RSS ${r.rssMiB} MiB (limit ${memoryLimit(maxMiB)})`);
}

// One TRACE ERROR of `failureType` whose message matches `re`, a non-zero exit, no STATE after
// the bad line (`acked` STATEs before it), and nothing of the bad line in the lake.
function expectError(r, re, { failureType = 'system_error', acked = 0, maxMiB = 64 } = {}) {
  assert.notEqual(r.code, 0);
  const errs = errors(r);
  assert.equal(errs.length, 1, r.stdout.slice(0, 2000));
  assert.equal(errs[0].failure_type, failureType);
  assert.match(errs[0].message, re);
  assert.equal(states(r).length, acked);
  assert.ok(!r.stdout.includes('SECRET'), 'line content leaked');
  assert.ok(r.rssMiB < memoryLimit(maxMiB), `peak RSS ${r.rssMiB} MiB (limit ${memoryLimit(maxMiB)})`);
}

const lines = (...l) => l.join('\n') + '\n';
const meta = (row) => row._airbyte_meta.changes.map((c) => `${c.field}:${c.reason}`);

test('malformed JSON: a truncated line fails with its line number', { timeout: 30000 }, async () => {
  const r = await sync('truncated', lines(rec('{"a":1}'), STATE, '{"type":"RECORD","record":{"stream":"s","data":{"str":"SECRET"'));
  expectError(r, /line 3 \(\d+ bytes\): not valid JSON/, { acked: 1 });
  assert.deepEqual(r.rows.map((row) => row.a), [1]);
});

test('malformed JSON in an undeclared field fails the record; its STATE is not acknowledged', { timeout: 30000 }, async () => {
  const r = await sync('undeclared', lines(rec('{"a":1}'), STATE, rec('{"a":2,"c":[}, "e":"SECRET"}'), STATE));
  expectError(r, /line 3 \(stream s\): record data is not valid JSON \(TAPE_ERROR\)/, { acked: 1 });
  assert.deepEqual(r.rows.map((row) => row.a), [1]);
});

test('malformed JSON in values nobody stores: wrong shapes, envelope members, LOG payloads', { timeout: 30000 }, async () => {
  for (const bad of [
    rec('{"m":["SECRET" 1]}'), rec('{"a":{"SECRET":tru}}'), rec('{"dt":[01]}'),
    '{"type":"RECORD","x":[},"record":{"stream":"s","emitted_at":1,"data":{}}}',
    '{"type":"LOG","log":{"level":"INFO","message":["SECRET"}}}',
  ]) {
    const r = await sync('unread', lines(STATE, bad, STATE));
    expectError(r, /line 2 .*not valid JSON \(/, { acked: 1 });
    assert.deepEqual(r.rows, []);
  }
});

test('invalid, overlong and surrogate UTF-8 bytes fail the line', { timeout: 30000 }, async () => {
  for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
    const input = Buffer.concat([Buffer.from(lines(STATE) + rec('{"str":"SECRET')), Buffer.from(bytes), Buffer.from('"}\n')]);
    const r = await sync('utf8', input);
    expectError(r, /line 2 \(\d+ bytes\): not valid JSON \(UTF8_ERROR\)/, { acked: 1 });
  }
});

test('a raw NUL byte fails the line; escaped NULs in values and keys are kept', { timeout: 30000 }, async () => {
  const raw = await sync('nul-raw', Buffer.from(lines(STATE, rec('{"str":"SECRET\u0000"}'))));
  expectError(raw, /line 2 .*not valid JSON \(UNESCAPED_CHARS\)/, { acked: 1 });
  const r = await sync('nul-escaped', lines(rec('{"str":"a\\u0000b","j":{"k\\u0000":"\\u0000"},"n\\u0000":1}'), STATE));
  expectOk(r);
  assert.equal(r.rows[0].str, 'a\u0000b');
  assert.equal(r.rows[0].j, '{"k\\u0000":"\\u0000"}');
});

test('a byte order mark anywhere but at the start fails the line', { timeout: 30000 }, async () => {
  const r = await sync('bom', lines(`\uFEFF${rec('{"a":1}')}`, `\uFEFF${rec('{"a":2}')}`));
  expectError(r, /line 2 .*not valid JSON/);
});

test('depth 10,000 in an undeclared field, a wrong-shape value and an envelope member', { timeout: 30000 }, async () => {
  const deep = (n) => '{"k":['.repeat(n) + '1' + ']}'.repeat(n);
  const r = await sync('deep', lines(`{"type":"RECORD","x":${deep(5000)},"record":{"stream":"s","emitted_at":1,"data":{"a":1,"u":${deep(5000)},"m":[${deep(5000)}]}}}`, STATE));
  expectOk(r);
  assert.deepEqual(r.rows.map((row) => [row.a, row.m, meta(row)]), [[1, null, ['m:DESTINATION_SERIALIZATION_ERROR']]]);
  const bad = await sync('deep-bad', lines(STATE, rec(`{"u":${deep(5000).replace('1', 'SECRET')}}`)));
  expectError(bad, /record data is not valid JSON/, { acked: 1 });
});

test('a 100 MB string value is stored whole', { timeout: 120000 }, async () => {
  const r = await sync('100mb-string', lines(rec(`{"a":1,"str":"${'x'.repeat(100_000_000)}"}`), STATE));
  expectOk(r, 480);
  assert.equal(r.rows[0].str.length, 100_000_000);
  assert.equal(states(r).length, 1);
});

test('a 100 MB line of 50 million numbers in a JSON column is stored whole', { timeout: 120000 }, async () => {
  const array = `[${'1,'.repeat(50_000_000 - 1)}1]`;
  const r = await sync('100mb-array', lines(rec(`{"a":1,"j":${array}}`), STATE));
  expectOk(r, 700);
  assert.ok(r.rows[0].j === array, 'the array is not stored as it came');
});

test('numbers beyond int64 and double, 1e400 and -0.0', { timeout: 30000 }, async () => {
  const r = await sync('numbers', lines(
    rec('{"a":9223372036854775807,"d":1.7976931348623157e308,"str":123456789012345678901234567890}'),
    rec('{"a":9223372036854775808,"d":-1e309,"j":123456789012345678901234567890.5e-400}'),
    rec('{"a":1e400,"d":-0.0,"str":-0.0}'),
    rec('{"a":-9223372036854775808,"d":4.9e-325}'), STATE));
  expectOk(r);
  const [max, over, huge, min] = r.rows;
  assert.equal(max.str, '123456789012345678901234567890');
  assert.match(r.stdout + fs.readFileSync(dataFiles(path.join(r.dir, 'lake', 'bucket', 'db', 's'))[0], 'utf8'),
    /"a":9223372036854775807,/); // exact in the file, beyond a JavaScript number
  assert.equal(max.d, 1.7976931348623157e308);
  assert.deepEqual([over.a, over.d, over.j], [null, null, '123456789012345678901234567890.5e-400']);
  assert.deepEqual(meta(over), ['a:DESTINATION_FIELD_SIZE_LIMITATION', 'd:DESTINATION_FIELD_SIZE_LIMITATION']);
  assert.deepEqual([huge.a, Object.is(huge.d, -0), huge.str], [null, true, '-0.0']);
  assert.deepEqual(meta(min), ['d:DESTINATION_FIELD_SIZE_LIMITATION']);
  assert.deepEqual([Object.is(min.d, 0)], [true]);
});

test('duplicate keys: the last one wins', { timeout: 30000 }, async () => {
  const r = await sync('dup', lines(rec('{"a":1,"str":"x","a":2,"m":{"x":1,"x":3}}'), STATE));
  expectOk(r);
  assert.deepEqual([r.rows[0].a, r.rows[0].str, r.rows[0].m], [2, 'x', { x: 3 }]);
});

test('lone surrogates: nulled in a string column, kept as text in a JSON column', { timeout: 30000 }, async () => {
  const r = await sync('surrogate', lines('{"type":"LOG","log":{"level":"INFO","message":"\\ud800"}}',
    rec('{"str":"\\ud800","j":"\\udc00x","u":"\\ud800"}'), STATE));
  expectOk(r);
  assert.deepEqual([r.rows[0].str, r.rows[0].j, meta(r.rows[0])], [null, '"\\udc00x"', ['str:DESTINATION_SERIALIZATION_ERROR']]);
});

test('extremely long keys: a 10 MB undeclared key, a 300-character column', { timeout: 30000 }, async () => {
  const long = 'k'.repeat(300);
  const catalog = { streams: [stream('s', { [long]: { type: 'string' }, a: { type: 'integer' } })] };
  const r = await sync('long-keys', lines(rec(`{"${long}":"v","a":1,"${'u'.repeat(10_000_000)}":1}`), STATE), { catalog });
  expectOk(r, 128);
  const column = Object.keys(r.rows[0]).find((k) => k.startsWith('kkk'));
  assert.ok(column.length <= 255, `column name of ${column.length} characters`);
  assert.deepEqual([r.rows[0][column], r.rows[0].a], ['v', 1]);
});

test('schemas that are not objects fail as config_error; a stream without properties keeps meta columns', { timeout: 30000 }, async () => {
  for (const schema of [[], 'x', true, null]) {
    const s = stream('s', {});
    s.stream.json_schema = schema;
    const r = await sync('schema', lines(rec('{"a":1}'), STATE), { catalog: { streams: [s] } });
    expectError(r, /'stream' has no object 'json_schema'/, { failureType: 'config_error' });
  }
  for (const schema of [{ type: 'object' }, { type: 'object', properties: {} }, { type: 'string' }]) {
    const s = stream('s', {});
    s.stream.json_schema = schema;
    const r = await sync('no-props', lines(rec('{"a":1}'), STATE), { catalog: { streams: [s] } });
    expectOk(r);
    assert.deepEqual(Object.keys(r.rows[0]), ['_airbyte_raw_id', '_airbyte_extracted_at', '_airbyte_meta', '_airbyte_generation_id']);
    assert.equal(states(r).length, 1);
  }
});

test('10,000 streams: every table, every STATE', { timeout: 300000 }, async () => {
  const n = 10000;
  const catalog = { streams: [] };
  const input = [];
  for (let i = 0; i < n; i++) catalog.streams.push(stream(`s${i}`, { id: { type: 'integer' } }));
  for (let i = 0; i < n; i += 20) input.push(JSON.stringify(record(`s${i}`, { id: i })));
  for (let i = 0; i < n; i++) input.push(JSON.stringify(streamState(`s${i}`, { i })));
  for (let i = 0; i < n; i++) input.push(JSON.stringify(status(`s${i}`, 'COMPLETE')));
  const dir = tempDir('hostile-10k');
  const r = await sync('10k', lines(...input), { catalog, config: localConfig(dir, { commit_interval_seconds: 3600 }) });
  expectOk(r, 256);
  const out = states(r);
  assert.equal(out.length, n);
  assert.ok(out.every((s, i) => s.stream.stream_state.i === i && s.destinationStats.recordCount === (i % 20 === 0 ? 1 : 0)));
  assert.equal(fs.readdirSync(path.join(dir, 'lake', '_catalog', 'db')).filter((f) => !f.startsWith('_')).length, n);
});

test('STATEs without records are echoed with a count of 0', { timeout: 30000 }, async () => {
  const r = await sync('state-only', lines(STATE, STATE, '{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{}}}}', '{"type":"STATE","state":{"type":"LEGACY","data":{}}}'));
  expectOk(r);
  assert.deepEqual(states(r).map((s) => s.destinationStats.recordCount), [0, 0, 0, 0]);
  assert.deepEqual(r.rows, []);
});

test('records after an INCOMPLETE status are committed and acknowledged; the sync fails transient', { timeout: 30000 }, async () => {
  const r = await sync('after-incomplete', lines(rec('{"a":1}'), STATE, JSON.stringify(status('s', 'INCOMPLETE')),
    rec('{"a":2}'), JSON.stringify(streamState('s', { n: 2 }))));
  expectError(r, /reported these streams INCOMPLETE: s/, { failureType: 'transient_error', acked: 2 });
  assert.deepEqual(r.rows.map((row) => row.a).sort(), [1, 2]);
});

test('emitted_at at the int64 limits is kept as a null _airbyte_extracted_at; beyond them fails', { timeout: 30000 }, async () => {
  const r = await sync('emitted-at', lines(rec('{"a":1}', '9223372036854775807'), rec('{"a":2}', '-9223372036854775808'), STATE));
  expectOk(r);
  assert.deepEqual(r.rows.map((row) => [row.a, row._airbyte_extracted_at, meta(row)]), [
    [1, null, ['_airbyte_extracted_at:DESTINATION_FIELD_SIZE_LIMITATION']],
    [2, null, ['_airbyte_extracted_at:DESTINATION_FIELD_SIZE_LIMITATION']]]);
  for (const at of ['9223372036854775808', '1e400', '1.5', '"1"']) {
    const bad = await sync('emitted-at-bad', lines(STATE, rec('{"str":"SECRET"}', at)));
    expectError(bad, /line 2 .*RECORD without an integer 'emitted_at'/, { acked: 1 });
  }
});

test('timestamps and dates at the representable range are kept; past it they are nulled', { timeout: 30000 }, async () => {
  const r = await sync('timestamps', lines(
    rec('{"ts":"9999-12-31T23:59:59.999999Z","dt":"9999-12-31"}'),
    rec('{"ts":"0001-01-01T00:00:00Z","dt":"0001-01-01"}'),
    rec('{"ts":"10000-01-01T00:00:00Z","dt":"10000-01-01"}'),
    rec('{"ts":"9999-12-31T23:59:59.999999-23:59","dt":"0000-12-31"}'),
    rec('{"ts":"0001-01-01T00:00:00+00:01","dt":"2024-02-30"}'), STATE));
  expectOk(r);
  assert.deepEqual(r.rows.map((row) => [row.ts, row.dt]), [
    ['9999-12-31 23:59:59.999999', '9999-12-31'], ['0001-01-01 00:00:00.000000', '0001-01-01'],
    [null, null], [null, null], [null, null]]);
  assert.deepEqual(r.rows.slice(2).map(meta), Array(3).fill(['ts:DESTINATION_SERIALIZATION_ERROR', 'dt:DESTINATION_SERIALIZATION_ERROR']));
});

test('CRLF line endings, empty and whitespace-only lines are read as plain lines', { timeout: 30000 }, async () => {
  const r = await sync('crlf', `${rec('{"a":1}')}\r\n\r\n \t \r\n\n${rec('{"a":2}')}\r\n${STATE}\r\n`);
  expectOk(r);
  assert.deepEqual(r.rows.map((row) => row.a), [1, 2]);
  assert.equal(states(r)[0].destinationStats.recordCount, 2);
});

test('trailing garbage after the JSON object fails the line', { timeout: 30000 }, async () => {
  for (const tail of [' x', '}', ' {"type":"LOG"}', ',']) {
    const r = await sync('trailing', lines(STATE, rec('{"str":"SECRET"}') + tail));
    expectError(r, /line 2 .*not valid JSON/, { acked: 1 });
    assert.deepEqual(r.rows, []);
  }
});

test('unknown message types and a record for an unknown stream', { timeout: 30000 }, async () => {
  const r = await sync('types', lines('{"type":"SOMETHING_NEW","x":[1]}', '{"type":"TRACE","trace":{"type":"NEW"}}', rec('{"a":1}'), STATE));
  expectOk(r);
  assert.equal(r.rows.length, 1);
  const bad = await sync('unknown-stream', lines(STATE, '{"type":"RECORD","record":{"stream":"nope","emitted_at":1,"data":{}}}'));
  expectError(bad, /nope.*not in the configured catalog/, { acked: 1 });
});
