// The kill matrix: a sync of four streams is killed (SIGKILL, DATALAKE_CRASH_AT) at named points
// of the commit protocol, then the job's next attempt runs. The streams:
//   plain   append, unpartitioned JSON Lines
//   events  append, partitioned by the date of its cursor (partitioning DATE)
//   snap    overwrite of a partitioned table that holds an older generation: the new definition
//           reads the old files, so the new generation is written beside them
//   moved   refresh (append with generation_id == minimum_generation_id) of a table whose column
//           changed type: the new generation is written apart and the table switches to it
// After each kill, read as a query engine reads the lake (the catalog's definitions and
// partitions, visible files only):
//   - every record of an echoed STATE is there (for `moved`, durably in its generation's files,
//     which readers see once the table switches);
//   - a truncated table keeps all its old rows until every row of the new generation is visible;
//   - nothing half-written is visible; files written apart stay hidden until the switch.
// Then the next attempt (same sync_id, generations and input) must succeed, echo every STATE and
// leave each table with exactly the rows of both attempts' committed files (the new generation
// only, for the truncates), and leave no staging file, incomplete upload or dead writer's lock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  BINARY, tempDir, localConfig, stream, record, streamState, status, write, states, dataFiles, jsonLines,
  readTable, tableDefinition, tablePartitions, timeLimit,
} from './harness.mjs';
import { rgw, haveRadosgw, startMoto, startValidatingProxy, stopServices, s3Config, s3Snapshot } from './services.mjs';

const STREAMS = ['plain', 'events', 'snap', 'moved'];
const ROUNDS = 3;
const PER_STATE = 4; // records of a stream between two of its STATEs
const SYNC_ID = 7;
const bounded = { timeout: timeLimit(60_000) }; // one case: three syncs and their checks
const GENERATION = 2;

const plainProps = { id: { type: 'integer' }, note: { type: 'string' } };
const datedProps = { id: { type: 'integer' }, note: { type: 'string' }, updated_at: { type: 'string', format: 'date-time' } };
const movedOld = { id: { type: 'integer' }, v: { type: 'integer' } };
const movedNew = { id: { type: 'integer' }, v: { type: 'string' } };

// The previous, successful sync: the older generation of the two truncated tables.
const OLD = { snap: [900, 901, 902, 903, 904, 905], moved: [900, 901, 902, 903, 904] };
const seedCatalog = {
  streams: [
    stream('snap', datedProps, { cursor: 'updated_at', mode: 'overwrite', generation_id: 1, minimum_generation_id: 1, sync_id: 6 }),
    stream('moved', movedOld, { generation_id: 1, sync_id: 6 }),
  ],
};
const seedInput = [
  ...OLD.snap.map((id, i) => record('snap', { id, note: 'old', updated_at: i < 3 ? '2023-01-01T00:00:00Z' : '2024-05-01T00:00:00Z' })),
  streamState('snap', { seed: true }),
  ...OLD.moved.map((id) => record('moved', { id, v: id })),
  streamState('moved', { seed: true }),
  status('snap', 'COMPLETE'),
  status('moved', 'COMPLETE'),
];

const syncCatalog = {
  streams: [
    stream('plain', plainProps, { generation_id: GENERATION, sync_id: SYNC_ID }),
    stream('events', datedProps, { cursor: 'updated_at', generation_id: GENERATION, sync_id: SYNC_ID }),
    stream('snap', datedProps, {
      cursor: 'updated_at', mode: 'overwrite', generation_id: GENERATION, minimum_generation_id: GENERATION, sync_id: SYNC_ID,
    }),
    stream('moved', movedNew, { generation_id: GENERATION, minimum_generation_id: GENERATION, sync_id: SYNC_ID }),
  ],
};
const PARTITIONED = new Set(['events', 'snap']);
const TRUNCATED = new Set(['snap', 'moved']);

const dayOf = (round, k) => `2024-05-0${1 + round + (k >= PER_STATE / 2 ? 1 : 0)}`;

// The input of the sync (identical on every attempt) and what it holds: each stream's record
// ids in order, and each STATE with the number of its stream's records before it. `big` adds
// that many 60 KB records to plain's first batch (an S3 upload of several parts).
function syncInput({ big = 0 } = {}) {
  const messages = [];
  const ids = Object.fromEntries(STREAMS.map((s) => [s, []]));
  const stateList = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of STREAMS) {
      const count = PER_STATE + (s === 'plain' && round === 0 ? big : 0);
      for (let k = 0; k < count; k++) {
        const id = ids[s].length;
        ids[s].push(id);
        const data = {
          plain: () => ({ id, note: k < big && round === 0 ? 'b'.repeat(60000) : `p${id}` }),
          events: () => ({ id, note: `e${id}`, updated_at: `${dayOf(round, k)}T12:00:00Z` }),
          snap: () => ({ id, note: `s${id}`, updated_at: `${dayOf(round, k)}T06:00:00Z` }),
          moved: () => ({ id, v: `v${id}` }),
        }[s]();
        messages.push(record(s, data));
      }
      messages.push(streamState(s, { upto: ids[s].length }));
      stateList.push({ stream: s, upto: ids[s].length, count });
    }
  }
  for (const s of STREAMS) messages.push(status(s, 'COMPLETE'));
  return { messages, ids, states: stateList };
}

// Every arrival at a crash point in a run of `input` from a fresh start (no files of this sync
// yet), with the number of STATEs echoed by then, following the commit protocol of
// pipeline.cc, stream_writer.cc and hive_table.cc. A model of the destination, used to know how
// many STATEs a kill at a point must have let through.
function crashArrivals(input) {
  const arrivals = [];
  let echoed = 0;
  const open = Object.fromEntries(STREAMS.map((s) => [s, new Set()]));
  const written = Object.fromEntries(STREAMS.map((s) => [s, new Set()]));
  const registered = Object.fromEntries(STREAMS.map((s) => [s, new Set()]));
  const committed = new Set();
  const defined = new Set();
  const commit = (pending) => {
    for (const s of STREAMS) {
      for (const sub of open[s]) {
        arrivals.push(['file.committed', echoed]);
        written[s].add(sub);
        committed.add(s);
      }
      open[s].clear();
    }
    arrivals.push(['commit.files_visible', echoed]);
    for (const s of STREAMS) {
      if (!committed.has(s) || s === 'moved') continue; // moved is written apart: no catalog
      if (!defined.has(s)) {
        defined.add(s);
        arrivals.push(['table.defined', echoed]);
      }
      const fresh = [...written[s]].filter((sub) => PARTITIONED.has(s) && !registered[s].has(sub));
      fresh.forEach((sub) => registered[s].add(sub));
      if (fresh.length > 0) arrivals.push(['partitions.added', echoed]);
    }
    arrivals.push(['commit.catalog_current', echoed]);
    echoed += pending;
    arrivals.push(['commit.states_echoed', echoed]);
  };
  for (const m of input) {
    if (m.type === 'RECORD') {
      open[m.record.stream].add(PARTITIONED.has(m.record.stream) ? m.record.data.updated_at.slice(0, 10) : '');
      arrivals.push(['record.encoded', echoed]);
    } else if (m.type === 'STATE') {
      commit(1);
    }
  }
  commit(0);
  for (const s of STREAMS) {
    if (TRUNCATED.has(s)) {
      for (const p of ['old_partitions_dropped', 'table_switched', 'catalog_final', 'files_deleted']) {
        arrivals.push([`truncate.${p}`, echoed]);
      }
    }
    arrivals.push(['finish.stream_done', echoed]);
  }
  return arrivals;
}

// The STATEs a kill at `point` ("name:n") must have let through, or throw if no run reaches it.
function echoedAt(point, input) {
  const [name, n] = point.split(':');
  const hits = crashArrivals(input).filter(([p]) => p === name);
  assert.ok(hits.length >= Number(n), `${point} is not reached by this input (${hits.length} arrivals)`);
  return hits[Number(n) - 1][1];
}

// Run `write` as Airbyte does, with extra environment; resolve with the exit code, the signal
// that ended it and the messages it printed (whole lines only: a kill may cut the last one).
async function runSync(dir, config, catalog, messages, env = {}) {
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(catalog));
  const child = spawn(BINARY, ['write', '--config', path.join(dir, 'config.json'), '--catalog', path.join(dir, 'catalog.json')],
    { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = [];
  const err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.stdin.on('error', () => {}); // a killed destination stops reading
  child.stdin.end(messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
  const [code, signal] = await new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])));
  const stdout = Buffer.concat(out).toString('utf8');
  const lines = stdout.split('\n').slice(0, -1).filter((l) => l.startsWith('{'));
  return { code, signal, stdout, stderr: Buffer.concat(err).toString('utf8'), messages: lines.map((l) => JSON.parse(l)) };
}

const ids = (rows) => rows.map((r) => Number(r.id));
const sorted = (a) => [...a].sort((x, y) => x - y);
const tail = (r) => `${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`;
const DATA_FILE = /^gen\d+-sync\d+-[0-9a-f]{16}-\d+\.json$/;

// What a query engine sees of a lake at one moment, read from a local lake directory (the local
// lake itself, or a copy of an S3 lake and its Glue tables).
class View {
  constructor({ lake, database, tablesRoot, staging = [], uploads = [] }) {
    Object.assign(this, { lake, database, tablesRoot, staging, uploads });
  }

  tableDir(table) { return path.join(this.tablesRoot, table); }
  defined(table) { return fs.existsSync(path.join(this.lake, '_catalog', this.database, `${table}.json`)); }
  definition(table) { return tableDefinition(this.lake, this.database, table); }

  // The rows a query reads (none while the table is not in the catalog).
  async rows(table) {
    return this.defined(table) ? readTable(this.lake, this.database, table) : [];
  }

  // Every committed data file below the table's path, hidden ones included.
  files(table) { return dataFiles(this.tableDir(table)); }

  // The ids in committed files of this sync's generation, hidden or not: what is durable.
  durableIds(table) {
    return this.files(table).filter((f) => path.basename(f).startsWith(`gen${GENERATION}-`))
      .flatMap((f) => jsonLines(f).map((row) => row.id));
  }

  // Nothing half-written: every object below the tables is a complete data file, whole lines of
  // JSON that each parse, under a data file name (no staging file among them).
  assertWholeFiles() {
    for (const file of dataFiles(this.tablesRoot)) {
      assert.match(path.basename(file), DATA_FILE, `not a data file: ${file}`);
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.length > 0 && text.endsWith('\n'), `${file} is cut short`);
      assert.doesNotThrow(() => jsonLines(file), `${file} does not parse`);
    }
  }
}

// Where a case writes: the local lake, or S3 with Glue (read back through a copy).
function localTarget(dir) {
  const lake = path.join(dir, 'lake');
  return {
    config: localConfig(dir, { partitioning: 'DATE' }),
    view: () => new View({
      lake,
      database: 'db',
      tablesRoot: path.join(lake, 'bucket', 'db'),
      staging: dataFiles(path.join(lake, '.staging')),
    }),
  };
}

let glue;
function s3Target(dir) {
  const unique = crypto.randomBytes(4).toString('hex');
  const prefix = `kill-${unique}`;
  const database = `kill_${unique}`;
  let copies = 0;
  return {
    config: s3Config(glue.endpoint, prefix, { lakeformation_database_name: database, partitioning: 'DATE' }),
    view: () => {
      const lake = path.join(dir, `copy-${++copies}`);
      const seen = s3Snapshot(glue.endpoint, database, STREAMS, `${prefix}/`, lake);
      return new View({ lake, database, tablesRoot: path.join(lake, rgw.bucket, prefix, database), uploads: seen.uploads });
    },
  };
}

// What must hold right after the kill, given the STATEs the killed run echoed.
async function checkAfterKill(view, input, echoed) {
  view.assertWholeFiles();
  const acked = Object.fromEntries(STREAMS.map((s) => [s, 0]));
  for (const st of echoed) acked[st.stream.stream_descriptor.name] = st.stream.stream_state.upto;
  for (const s of STREAMS) {
    const visible = new Set(ids(await view.rows(s)));
    const durable = new Set(view.durableIds(s));
    const need = input.ids[s].slice(0, acked[s]);
    for (const id of need) assert.ok(durable.has(id), `${s}: acknowledged record ${id} is not committed`);
    if (s !== 'moved') {
      for (const id of need) assert.ok(visible.has(id), `${s}: acknowledged record ${id} is not visible`);
    }
    if (!TRUNCATED.has(s)) continue;
    // The old generation's rows go only once every row of the new one is visible.
    const oldVisible = OLD[s].filter((id) => visible.has(id));
    if (oldVisible.length < OLD[s].length) {
      const missing = input.ids[s].filter((id) => !visible.has(id));
      assert.deepEqual(missing, [], `${s}: old rows ${OLD[s].filter((id) => !visible.has(id))} are gone before the new generation is complete`);
    }
    if (s === 'moved' && !view.definition(s).StorageDescriptor.Location.endsWith(`_airbyte_generation_${GENERATION}/`)) {
      // Before the switch, readers see the old table only: the new generation stays hidden.
      assert.deepEqual(sorted(visible), OLD.moved, 'moved: rows of the generation written apart are visible before the switch');
    }
  }
}

// What must hold after the next attempt succeeded. `killedDurable` holds each stream's ids in
// committed files right after the kill.
async function checkAfterRerun(view, killedDurable, input) {
  view.assertWholeFiles();
  for (const s of STREAMS) {
    // Both attempts' committed rows (Airbyte re-sends what was not acknowledged), and for the
    // truncates nothing of the old generation.
    const expected = sorted([...killedDurable[s], ...input.ids[s]]);
    assert.deepEqual(sorted(ids(await view.rows(s))), expected, `rows of ${s}`);
    if (TRUNCATED.has(s)) {
      const old = view.files(s).filter((f) => !path.basename(f).startsWith(`gen${GENERATION}-`));
      assert.deepEqual(old, [], `${s}: files of the old generation remain`);
    }
  }
  // snap: exactly the partitions of its new rows; the old generation's 2023-01-01 is gone.
  const days = tablePartitions(view.lake, view.database, 'snap').map((p) => p.Values[0]).sort();
  assert.deepEqual(days, ['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04']);
  const moved = view.definition('moved');
  assert.match(moved.StorageDescriptor.Location, new RegExp(`/moved/_airbyte_generation_${GENERATION}/$`));
  assert.equal(moved.StorageDescriptor.Columns.find((c) => c.Name === 'v').Type, 'string');
  assert.deepEqual(view.staging, [], 'staging files or writer locks remain');
  assert.deepEqual(view.uploads, [], 'incomplete multipart uploads remain');
}

async function killCase(target, dir, point, { big = 0, staged = false } = {}) {
  const seed = await write(dir, target.config, seedCatalog, seedInput);
  assert.equal(seed.code, 0, seed.stdout.slice(-2000));

  const input = syncInput({ big });
  const killed = await runSync(dir, target.config, syncCatalog, input.messages, { DATALAKE_CRASH_AT: point });
  assert.equal(killed.signal, 'SIGKILL', `the sync was not killed at ${point}: exit ${killed.code}\n${tail(killed)}`);
  const echoed = states(killed);
  const expectedEchoes = echoedAt(point, input.messages);
  assert.deepEqual(echoed.map((st) => st.stream.stream_state), input.states.slice(0, expectedEchoes).map(({ upto }) => ({ upto })),
    'the STATEs echoed before the kill');
  const afterKill = target.view();
  await checkAfterKill(afterKill, input, echoed);
  const killedDurable = Object.fromEntries(STREAMS.map((s) => [s, afterKill.durableIds(s)]));
  if (staged) {
    // The kill left an open file behind, so the next attempt has something to clean up: a
    // staging file and its dead writer's lock, or an incomplete multipart upload.
    const local = afterKill.staging.some((f) => f.endsWith('.inprogress')) && afterKill.staging.some((f) => f.endsWith('.lock'));
    assert.ok(local || afterKill.uploads.length > 0, `no open file was left: ${JSON.stringify([afterKill.staging, afterKill.uploads])}`);
  }

  const rerun = await runSync(dir, target.config, syncCatalog, input.messages);
  assert.equal(rerun.code, 0, tail(rerun));
  assert.deepEqual(states(rerun).map((st) => [st.stream.stream_state, st.destinationStats.recordCount]),
    input.states.map(({ upto, count }) => [{ upto }, count]), 'the next attempt echoes every STATE');
  await checkAfterRerun(target.view(), killedDurable, input);
}

// Kill points: [point, why, options]. Counts follow syncInput: 4 records per STATE, streams in
// catalog order (plain, events, snap, moved), 3 rounds, so 12 commits with a STATE and a last
// one at the end of input; events and snap commit two partition files per round.
const LOCAL_POINTS = [
  ['record.encoded:2', 'mid-records, nothing acknowledged, no table yet'],
  ['record.encoded:7', 'mid-records of events, plain acknowledged'],
  ['record.encoded:30', 'mid-records of the apart truncate, round 2'],
  ['record.encoded:48', 'after the last record, before its STATE'],
  // 35 records of 60 KB given to the file: of its 11 batches (3 records each) at most 3 wait for
  // the encoder (sync/data_file.h), so at least 1.4 MB is encoded: the encoder has handed a chunk
  // (1 MB) to the store, a staging file exists.
  ['record.encoded:35', 'mid-file with a staging file on disk', { big: 40, staged: true }],
  ['file.committed:1', 'a file visible before its table exists'],
  ['file.committed:2', 'one of two partition files visible, partition not registered'],
  ['file.committed:4', 'the truncate\'s first file beside the old generation'],
  ['commit.files_visible:3', 'snap\'s files visible, catalog not updated'],
  ['commit.files_visible:8', 'apart files visible in their hidden directory'],
  ['table.defined:1', 'plain defined, STATE not echoed'],
  ['table.defined:2', 'events defined, partitions not registered'],
  ['table.defined:3', 'snap redefined in place (old columns kept)'],
  ['partitions.added:1', 'events partitions registered, STATE not echoed'],
  ['partitions.added:3', 'a new day of events in round 2'],
  ['commit.catalog_current:1', 'catalog current, STATE not echoed'],
  ['commit.catalog_current:8', 'apart truncate committed, STATE not echoed'],
  ['commit.states_echoed:1', 'right after the first echo'],
  ['commit.states_echoed:7', 'after an echo mid-sync'],
  ['commit.states_echoed:12', 'after the last STATE\'s echo, before the end of input'],
  ['commit.catalog_current:13', 'the end-of-input commit'],
  ['finish.stream_done:1', 'plain finished'],
  ['finish.stream_done:2', 'events finished, before any truncate completes'],
  ['truncate.old_partitions_dropped:1', 'snap completing: nothing removed yet'],
  ['truncate.table_switched:1', 'snap completing: exact new definition'],
  ['truncate.catalog_final:1', 'snap completing: stale partitions deregistered, old files remain'],
  ['truncate.files_deleted:1', 'snap completing: old files deleted'],
  ['finish.stream_done:3', 'snap finished'],
  ['truncate.old_partitions_dropped:2', 'moved completing: before the switch'],
  ['truncate.table_switched:2', 'moved switched to its generation directory'],
  ['truncate.catalog_final:2', 'moved: catalog final, old files remain'],
  ['truncate.files_deleted:2', 'moved: old files deleted'],
  ['finish.stream_done:4', 'everything done, killed before exiting'],
];

for (const [point, why, options] of LOCAL_POINTS) {
  test(`local lake, killed at ${point} (${why})`, bounded, async () => {
    const dir = tempDir('kill');
    await killCase(localTarget(dir), dir, point, options);
  });
}

// An overwrite that changes the table's partition keys (YEAR/MONTH to DATE) writes apart and,
// when it completes, deregisters the old partitions, switches the definition and registers the
// new partitions: three catalog steps, not one. Killed between them, readers see a table with no
// registered partition of either generation, so neither the old rows nor the new ones, until the
// next attempt completes the switch. Glue cannot change a table's partition keys and its
// partitions at once, so this window needs a design change (see the report of this branch).
const REPARTITION_POINTS = [
  ['truncate.old_partitions_dropped:1', 'old partitions deregistered, old definition still current',
    'the table shows no rows: its old partitions are gone and the new definition is not there yet'],
  ['truncate.table_switched:1', 'new partition keys, no partition registered yet',
    'the table shows no rows: it has the new partition keys but none of its partitions yet'],
  ['truncate.catalog_final:1', 'new partitions registered, old files not deleted yet'],
];

for (const [point, why, todo] of REPARTITION_POINTS) {
  test(`local lake, repartitioning overwrite killed at ${point} (${why})`, bounded, async (t) => {
    const dir = tempDir('kill-repart');
    const lake = path.join(dir, 'lake');
    const props = { id: { type: 'integer' }, updated_at: { type: 'string', format: 'date-time' } };
    const sync = (partitioning, generation, first, env) => runSync(dir, localConfig(dir, { partitioning }),
      { streams: [stream('t', props, { cursor: 'updated_at', mode: 'overwrite', generation_id: generation, minimum_generation_id: generation })] },
      [...[0, 1, 2, 3].map((k) => record('t', { id: first + k, updated_at: `2024-0${1 + k}-10T00:00:00Z` })),
        streamState('t', { first }), status('t', 'COMPLETE')], env);
    const seed = await sync('YEAR/MONTH', 1, 100);
    assert.equal(seed.code, 0, tail(seed));
    const killed = await sync('DATE', 2, 0, { DATALAKE_CRASH_AT: point });
    assert.equal(killed.signal, 'SIGKILL', tail(killed));
    const visible = sorted(ids(await readTable(lake, 'db', 't')));
    await t.test('readers see all the old rows or all the new ones', { todo }, () => {
      assert.ok([[100, 101, 102, 103], [0, 1, 2, 3]].some((rows) => JSON.stringify(rows) === JSON.stringify(visible)),
        `readers see ${JSON.stringify(visible)}: neither all the old rows nor all the new ones`);
    });
    // The next attempt completes the switch.
    const rerun = await sync('DATE', 2, 0);
    assert.equal(rerun.code, 0, tail(rerun));
    // Both attempts' rows of the new generation (the killed one had committed all of its own).
    assert.deepEqual(sorted(ids(await readTable(lake, 'db', 't'))), [0, 0, 1, 1, 2, 2, 3, 3]);
    assert.deepEqual(tablePartitions(lake, 'db', 't').map((p) => p.Values[0]).sort(),
      ['2024-01-10', '2024-02-10', '2024-03-10', '2024-04-10']);
  });
}

test('the kill points are the ones the destination has, and the model reaches each', () => {
  const srcDir = path.resolve(import.meta.dirname, '../../src');
  const names = new Set();
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.cc$/.test(e.name)) {
      for (const m of fs.readFileSync(p, 'utf8').matchAll(/CrashPoint\("([^"]+)"\)/g)) names.add(m[1]);
    }
  });
  walk(srcDir);
  const covered = new Set(LOCAL_POINTS.map(([p]) => p.split(':')[0]));
  // The Iceberg commit's points have their kill cases in iceberg.test.mjs (its KILLS).
  const iceberg = fs.readFileSync(path.join(import.meta.dirname, 'iceberg.test.mjs'), 'utf8');
  for (const m of iceberg.matchAll(/'(iceberg\.[a-z_]+):\d+'/g)) covered.add(m[1]);
  assert.deepEqual([...names].filter((n) => !covered.has(n)), [], 'crash points without a kill case');
  const input = syncInput();
  for (const [point] of LOCAL_POINTS) echoedAt(point, input.messages);
});

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
let validator;
before(async () => {
  if (haveRadosgw) {
    validator = await startValidatingProxy(await startMoto());
    glue = validator;
  }
});
after(stopServices);

// A subset on S3 and Glue. The first case kills a sync while plain's first file is a multipart
// upload with a part sent (12 MB of records, 8 MB parts): the next attempt must abort it.
const S3_POINTS = [
  ['record.encoded:190', 'mid-upload: a multipart upload is open', { big: 200, staged: true }],
  ['file.committed:2', 'one partition object visible, not registered'],
  ['commit.files_visible:3', 'snap\'s objects visible, Glue not updated'],
  ['table.defined:2', 'events defined in Glue, partitions not registered'],
  ['partitions.added:1', 'partitions registered, STATE not echoed'],
  ['commit.catalog_current:8', 'apart truncate committed, STATE not echoed'],
  ['commit.states_echoed:7', 'after an echo mid-sync'],
  ['truncate.catalog_final:1', 'snap: stale partitions deregistered, old objects remain'],
  ['truncate.old_partitions_dropped:2', 'moved: before the switch'],
  ['truncate.table_switched:2', 'moved switched to its generation directory'],
  ['finish.stream_done:4', 'everything done, killed before exiting'],
];

for (const [point, why, options] of S3_POINTS) {
  test(`S3 and Glue, killed at ${point} (${why})`, { skip, ...bounded }, async () => {
    const dir = tempDir('kill-s3');
    await killCase(s3Target(dir), dir, point, options);
  });
}

test('every Glue request of the S3 kill cases matched the AWS service model', { skip }, async () => {
  assert.ok((await validator.requests()).some((q) => q.operation === 'BatchCreatePartition'));
  assert.deepEqual(await validator.errors(), []);
});
