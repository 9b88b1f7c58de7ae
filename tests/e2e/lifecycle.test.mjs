// The sync lifecycle as the Airbyte platform drives it, tested as histories: several syncs and
// attempts of one table, failures and kills in between, the table read back as a query engine
// reads it (its Location or registered partitions, hidden paths skipped) after every step.
// Scenarios: Airbyte's destination test suite (truncate refreshes, interrupted truncates with and
// without prior data, clear, merge refresh) and the generation rules of docs/STATE.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  tempDir, localConfig, stream, write, states, errors, acked, status,
  readTable, tableDefinition, tablePartitions, queryFiles, syncAttempt,
} from './harness.mjs';

const props = { id: { type: 'integer' } };

// One attempt of a sync of stream `t` into the local lake (see harness.mjs syncAttempt).
const attempt = (dir, opts, ids, terminal = 'COMPLETE', { config = {}, ...extra } = {}) =>
  syncAttempt(dir, localConfig(dir, config), 't', opts, ids, terminal, extra);

async function rows(dir) {
  const lake = path.join(dir, 'lake');
  if (!fs.existsSync(path.join(lake, '_catalog', 'db', 't.json'))) return [];
  return readTable(lake, 'db', 't', { orderBy: 'id' });
}
const ids = async (dir) => (await rows(dir)).map((r) => Number(r.id));
const generations = async (dir) => [...new Set((await rows(dir)).map((r) => Number(r._airbyte_generation_id)))].sort();

test('truncate refresh: gen 12, an interrupted gen 13 keeps the old rows, a completed gen 13 keeps only gen 13', async () => {
  // Both forms the platform sends a truncate in: `append` with minimum == generation (refresh
  // support declared) and `overwrite` (a custom connector).
  for (const mode of ['append', 'overwrite']) {
    const dir = tempDir(`refresh-${mode}`);
    let r = await attempt(dir, { mode, generation_id: 12, minimum_generation_id: 12, sync_id: 1 }, [1, 2]);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(await ids(dir), [1, 2]);

    // gen 13, no terminal status: the old rows stay, the acknowledged new row is visible too.
    r = await attempt(dir, { mode, generation_id: 13, minimum_generation_id: 13, sync_id: 2 }, [3], null);
    assert.notEqual(r.code, 0);
    assert.deepEqual(acked(r), [3]);
    assert.equal(errors(r)[0].failure_type, 'transient_error');
    assert.deepEqual(await ids(dir), [1, 2, 3]);

    // The next attempt of gen 13 completes: only gen 13 remains, both attempts' rows.
    r = await attempt(dir, { mode, generation_id: 13, minimum_generation_id: 13, sync_id: 2 }, [4]);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(await ids(dir), [3, 4]);
    assert.deepEqual(await generations(dir), [13]);
  }
});

test('a retry of the same generation keeps the failed attempts\' acknowledged rows (INCOMPLETE, kill -9, two failures)', async () => {
  const gen = { mode: 'overwrite', generation_id: 42, minimum_generation_id: 42, sync_id: 9 };
  // Attempt 1 ends INCOMPLETE.
  let dir = tempDir('retry-incomplete');
  let r = await attempt(dir, gen, [1], 'INCOMPLETE');
  assert.equal(r.code, 1);
  assert.deepEqual(acked(r), [1]);
  assert.match(errors(r)[0].message, /INCOMPLETE/);
  assert.deepEqual(await ids(dir), [1]);
  r = await attempt(dir, gen, [2]);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(acked(r), [2]);
  assert.deepEqual(await ids(dir), [1, 2]);

  // Attempt 1 killed right after its STATE was acknowledged.
  dir = tempDir('retry-kill');
  r = await attempt(dir, gen, [1, 100], 'COMPLETE', { crash: 'commit.states_echoed:1' });
  assert.equal(r.code, null, 'killed');
  assert.deepEqual(acked(r), [1]);
  assert.deepEqual(await ids(dir), [1]);
  r = await attempt(dir, gen, [2]);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(await ids(dir), [1, 2]);

  // Two failed attempts (INCOMPLETE, then killed) before a success.
  dir = tempDir('retry-twice');
  assert.equal((await attempt(dir, gen, [1], 'INCOMPLETE')).code, 1);
  r = await attempt(dir, gen, [2, 200], 'COMPLETE', { crash: 'commit.states_echoed:1' });
  assert.deepEqual(acked(r), [2]);
  assert.deepEqual(await ids(dir), [1, 2]);
  assert.equal((await attempt(dir, gen, [3])).code, 0);
  assert.deepEqual(await ids(dir), [1, 2, 3]);
  assert.deepEqual(await generations(dir), [42]);
});

test('interrupted truncate with and without prior data: both attempts\' rows survive, older generations go', async () => {
  for (const prior of [true, false]) {
    const dir = tempDir(`interrupted-${prior}`);
    if (prior) {
      assert.equal((await attempt(dir, { generation_id: 1, minimum_generation_id: 0 }, [1, 2])).code, 0);
    }
    const gen = { generation_id: 2, minimum_generation_id: 2, sync_id: 5 };
    const r = await attempt(dir, gen, [3, 300], 'COMPLETE', { crash: 'commit.states_echoed:1' });
    assert.deepEqual(acked(r), [3]);
    assert.deepEqual(await ids(dir), prior ? [1, 2, 3] : [3]);
    assert.equal((await attempt(dir, gen, [4])).code, 0);
    assert.deepEqual(await ids(dir), [3, 4]);
  }
});

test('append, then overwrite, then append: the overwrite replaces, appends add', async () => {
  const dir = tempDir('append-overwrite-append');
  assert.equal((await attempt(dir, { generation_id: 1, minimum_generation_id: 0 }, [1])).code, 0);
  assert.equal((await attempt(dir, { mode: 'overwrite', generation_id: 2, minimum_generation_id: 2 }, [2])).code, 0);
  assert.deepEqual(await ids(dir), [2]);
  assert.equal((await attempt(dir, { generation_id: 2, minimum_generation_id: 0 }, [3])).code, 0);
  assert.deepEqual(await ids(dir), [2, 3]);
});

test('truncate with no data and clear (only a null GLOBAL state) empty the table', async () => {
  const dir = tempDir('truncate-empty');
  assert.equal((await attempt(dir, { generation_id: 1, minimum_generation_id: 0 }, [1, 2])).code, 0);
  let r = await attempt(dir, { generation_id: 2, minimum_generation_id: 2 }, []);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(await ids(dir), []);

  const clear = tempDir('clear');
  assert.equal((await attempt(clear, { generation_id: 1, minimum_generation_id: 0 }, [1, 2])).code, 0);
  const globalNull = { type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: null, stream_states: [] } } };
  r = await write(clear, localConfig(clear),
    { streams: [stream('t', props, { generation_id: 2, minimum_generation_id: 2 })] },
    [globalNull, status('t', 'COMPLETE')]);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(states(r).length, 1);
  assert.deepEqual(await ids(clear), []);
  assert.deepEqual(queryFiles(path.join(clear, 'lake'), 'db', 't'), []);
});

test('merge refresh (minimum 0) keeps every generation; a failed truncate followed by a merge keeps all rows', async () => {
  const dir = tempDir('merge');
  assert.equal((await attempt(dir, { generation_id: 1, minimum_generation_id: 0 }, [1])).code, 0);
  assert.equal((await attempt(dir, { generation_id: 2, minimum_generation_id: 0 }, [2])).code, 0);
  assert.deepEqual(await ids(dir), [1, 2]);
  assert.deepEqual(await generations(dir), [1, 2]);
  // resumeAfterCancelledTruncate: a failed gen 3 truncate, then gen 4 with minimum 0.
  assert.equal((await attempt(dir, { generation_id: 3, minimum_generation_id: 3 }, [3], 'INCOMPLETE')).code, 1);
  assert.equal((await attempt(dir, { generation_id: 4, minimum_generation_id: 0 }, [4])).code, 0);
  assert.deepEqual(await ids(dir), [1, 2, 3, 4]);
});

test('`append` with minimum == generation > 0 truncates; with minimum 0 it does not', async () => {
  const dir = tempDir('append-truncate');
  assert.equal((await attempt(dir, { mode: 'append', generation_id: 1, minimum_generation_id: 0 }, [1])).code, 0);
  assert.equal((await attempt(dir, { mode: 'append', generation_id: 2, minimum_generation_id: 2 }, [2])).code, 0);
  assert.deepEqual(await ids(dir), [2]);
});

test('deduplicated and unknown sync modes are refused before anything is written', async () => {
  const dir = tempDir('modes-refused');
  assert.equal((await attempt(dir, { generation_id: 1, minimum_generation_id: 0 }, [1])).code, 0);
  for (const [mode, text] of [['append_dedup', /'append_dedup' \(deduplicated\) is not supported/],
    ['soft_delete', /'soft_delete' is not supported; supported modes: append, overwrite/],
    ['upsert_someday', /'upsert_someday' is not supported/]]) {
    const r = await attempt(dir, { mode, generation_id: 2, minimum_generation_id: 2 }, [2]);
    assert.equal(r.code, 1);
    assert.deepEqual(acked(r), []);
    assert.equal(errors(r)[0].failure_type, 'config_error');
    assert.match(errors(r)[0].message, text);
    assert.match(errors(r)[0].message, /stream t/);
    assert.deepEqual(await ids(dir), [1]);
  }
});

test('without generations (a platform that sends none) an overwrite keeps only what this run wrote', async () => {
  const dir = tempDir('no-generations');
  const none = { mode: 'overwrite', generation_id: 0, minimum_generation_id: 0, sync_id: 0 };
  assert.equal((await attempt(dir, none, [1, 2])).code, 0);
  // Attempt 1 of the next sync fails; its retry re-sends everything.
  const r = await attempt(dir, none, [10], 'INCOMPLETE');
  assert.equal(r.code, 1);
  assert.deepEqual(await ids(dir), [1, 2, 10]);
  assert.equal((await attempt(dir, none, [10, 11])).code, 0);
  assert.deepEqual(await ids(dir), [10, 11]);
});

test('a failed overwrite with other partition keys leaves the old table readable; the completed one switches', async () => {
  const dir = tempDir('switch-partitions');
  const lake = path.join(dir, 'lake');
  const p = { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } };
  const data = (id) => ({ id, at: `202${id % 3}-0${1 + (id % 5)}-1${id % 10}T10:00:00Z` });
  const opts = (generation_id) => ({ mode: 'overwrite', generation_id, minimum_generation_id: generation_id, cursor: 'at', sync_id: generation_id });
  let r = await attempt(dir, opts(1), [1, 2, 3], 'COMPLETE', { config: { partitioning: 'YEAR' }, props: p, data });
  assert.equal(r.code, 0, r.stdout);
  const readAll = async () => (await readTable(lake, 'db', 't', { orderBy: 'id', hive: true })).map((row) => Number(row.id));
  assert.deepEqual(await readAll(), [1, 2, 3]);

  // DATE partitioning: one record, a STATE, INCOMPLETE. The table keeps its keys and rows.
  r = await attempt(dir, opts(2), [4], 'INCOMPLETE', { config: { partitioning: 'DATE' }, props: p, data });
  assert.equal(r.code, 1);
  assert.deepEqual(acked(r), [4]);
  assert.match(errors(r)[0].message, /older generations stay until a truncate completes/);
  assert.deepEqual(tableDefinition(lake, 'db', 't').PartitionKeys.map((k) => k.Name), ['at_year']);
  assert.deepEqual(await readAll(), [1, 2, 3]);
  assert.deepEqual(tablePartitions(lake, 'db', 't').map((x) => x.Values).sort(), [['2020'], ['2021'], ['2022']]);

  // The retry completes: the table switches to the new keys with both attempts' rows.
  r = await attempt(dir, opts(2), [5], 'COMPLETE', { config: { partitioning: 'DATE' }, props: p, data });
  assert.equal(r.code, 0, r.stdout);
  const def = tableDefinition(lake, 'db', 't');
  assert.deepEqual(def.PartitionKeys, [{ Name: 'at_date', Type: 'date' }]);
  assert.equal(def.StorageDescriptor.Location, 's3://bucket/db/t/_airbyte_generation_2/');
  assert.deepEqual(await readAll(), [4, 5]);
  for (const part of tablePartitions(lake, 'db', 't')) {
    assert.ok(part.StorageDescriptor.Location.startsWith('s3://bucket/db/t/_airbyte_generation_2/at_date='), part.StorageDescriptor.Location);
  }
  // The old generation's files are gone.
  const tableDir = path.join(lake, 'bucket', 'db', 't');
  const left = fs.readdirSync(tableDir);
  assert.deepEqual(left, ['_airbyte_generation_2']);

  // An append after the switch writes where the table is now.
  r = await attempt(dir, { generation_id: 2, minimum_generation_id: 0, cursor: 'at' }, [6], 'COMPLETE', { config: { partitioning: 'DATE' }, props: p, data });
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(await readAll(), [4, 5, 6]);
});

test('a failed overwrite that changes a column\'s type leaves old files readable; the completed one switches', async () => {
  const dir = tempDir('switch-types');
  const lake = path.join(dir, 'lake');
  const config = { format: { format_type: 'Parquet', compression_codec: 'SNAPPY' } };
  const intProps = { id: { type: 'integer' }, x: { type: 'integer' } };
  const objProps = { id: { type: 'integer' }, x: { type: 'object', properties: { a: { type: 'string' } } } };
  let r = await attempt(dir, { mode: 'overwrite', generation_id: 1, minimum_generation_id: 1 }, [1, 2], 'COMPLETE',
    { config, props: intProps, data: (id) => ({ id, x: id * 10 }) });
  assert.equal(r.code, 0, r.stdout);

  r = await attempt(dir, { mode: 'overwrite', generation_id: 2, minimum_generation_id: 2 }, [3], 'INCOMPLETE',
    { config, props: objProps, data: (id) => ({ id, x: { a: `v${id}` } }) });
  assert.equal(r.code, 1);
  const columnType = () => tableDefinition(lake, 'db', 't').StorageDescriptor.Columns.find((c) => c.Name === 'x').Type;
  assert.equal(columnType(), 'bigint');
  assert.deepEqual((await rows(dir)).map((row) => [Number(row.id), Number(row.x)]), [[1, 10], [2, 20]]);

  r = await attempt(dir, { mode: 'overwrite', generation_id: 2, minimum_generation_id: 2 }, [4], 'COMPLETE',
    { config, props: objProps, data: (id) => ({ id, x: { a: `v${id}` } }) });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(columnType(), 'struct<a:string>');
  assert.deepEqual((await rows(dir)).map((row) => [Number(row.id), row.x.a]), [[3, 'v3'], [4, 'v4']]);

  // A later overwrite whose definition reads the switched files writes next to them.
  r = await attempt(dir, { mode: 'overwrite', generation_id: 3, minimum_generation_id: 3 }, [5], 'COMPLETE',
    { config, props: objProps, data: (id) => ({ id, x: { a: `v${id}` } }) });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(tableDefinition(lake, 'db', 't').StorageDescriptor.Location, 's3://bucket/db/t/_airbyte_generation_2/');
  assert.deepEqual(await ids(dir), [5]);
});

test('a truncate that drops a column keeps it for the old rows until it completes', async () => {
  const dir = tempDir('drop-column');
  const lake = path.join(dir, 'lake');
  const wide = { id: { type: 'integer' }, gone: { type: 'string' } };
  assert.equal((await attempt(dir, { generation_id: 1, minimum_generation_id: 1 }, [1], 'COMPLETE',
    { props: wide, data: (id) => ({ id, gone: 'g' }) })).code, 0);
  const columns = () => tableDefinition(lake, 'db', 't').StorageDescriptor.Columns.map((c) => c.Name);
  assert.equal((await attempt(dir, { generation_id: 2, minimum_generation_id: 2 }, [2], null)).code, 1);
  assert.ok(columns().includes('gone'));
  assert.deepEqual((await rows(dir)).map((row) => row.gone), ['g', null]);
  assert.equal((await attempt(dir, { generation_id: 2, minimum_generation_id: 2 }, [3])).code, 0);
  assert.ok(!columns().includes('gone'));
  assert.deepEqual(await ids(dir), [2, 3]);
});
