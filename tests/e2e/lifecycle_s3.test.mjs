// The sync lifecycle on S3 (Ceph radosgw) with the Glue Data Catalog (moto behind the request
// validator): retries of a generation, truncate refreshes, a definition switch with Glue
// partitions, and the clean-up of a killed attempt's multipart uploads. After every step the
// table is read as Athena would: Glue definition and partitions, objects below their Locations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import {
  tempDir, syncAttempt, acked, errors, readTable, ofType, write, stream, status, states,
} from './harness.mjs';
import {
  rgw, haveRadosgw, startMoto, startValidatingProxy, stopServices, s3Config, s3Objects, s3Uploads,
  glueTable, gluePartitions, mirrorTable,
} from './services.mjs';

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
let validator;
before(async () => {
  if (haveRadosgw) validator = await startValidatingProxy(await startMoto());
});
after(stopServices);

const DB = 'e2e_life';

// A fresh prefix per test, and the ids of table `t` read back through Glue after each step.
function s3Table(name, extra = {}) {
  const prefix = `life-${name}-${crypto.randomBytes(4).toString('hex')}`;
  const dir = tempDir(`life-s3-${name}`);
  const table = `t_${name}`;
  const config = s3Config(validator.endpoint, prefix, { lakeformation_database_name: DB, ...extra });
  let reads = 0;
  return {
    prefix,
    table,
    dir,
    config,
    attempt: (opts, ids, terminal = 'COMPLETE', more = {}) =>
      syncAttempt(dir, { ...config, ...(more.config ?? {}) }, table, opts, ids, terminal, more),
    async rows({ hive } = {}) {
      if (!glueTable(validator.endpoint, DB, table)) return [];
      const lake = path.join(dir, `read-${++reads}`);
      mirrorTable(validator.endpoint, DB, table, lake);
      return readTable(lake, DB, table, { orderBy: 'id', hive });
    },
    async ids(options) {
      return (await this.rows(options)).map((r) => Number(r.id));
    },
  };
}

test('S3 + Glue: a retry of the same generation keeps every attempt\'s rows; older generations go at the end', { skip }, async () => {
  const t = s3Table('retry');
  assert.equal((await t.attempt({ generation_id: 41, minimum_generation_id: 0, sync_id: 1 }, [1])).code, 0);
  const gen = { mode: 'overwrite', generation_id: 42, minimum_generation_id: 42, sync_id: 2 };
  let r = await t.attempt(gen, [2], 'INCOMPLETE');
  assert.equal(r.code, 1);
  assert.deepEqual(acked(r), [2]);
  assert.deepEqual(await t.ids(), [1, 2]);
  r = await t.attempt(gen, [3, 300], 'COMPLETE', { crash: 'commit.states_echoed:1' });
  assert.equal(r.code, null, 'killed');
  assert.deepEqual(acked(r), [3]);
  assert.deepEqual(await t.ids(), [1, 2, 3]);
  r = await t.attempt(gen, [4]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.deepEqual(await t.ids(), [2, 3, 4]);
  // Every object left is of generation 42.
  for (const o of s3Objects(`${t.prefix}/`)) assert.match(path.basename(o.key), /^gen42-sync2-[0-9a-f]{16}-\d+\.json$/);
  assert.deepEqual(s3Uploads(`${t.prefix}/`), []);
  assert.deepEqual(await validator.errors(), []);
});

test('S3 + Glue: truncate refresh sent as append: interrupted gen 13 keeps gen 12, completed gen 13 keeps only gen 13', { skip }, async () => {
  const t = s3Table('refresh', { format: { format_type: 'Parquet', compression_codec: 'SNAPPY' } });
  assert.equal((await t.attempt({ generation_id: 12, minimum_generation_id: 12, sync_id: 1 }, [1, 2])).code, 0);
  let r = await t.attempt({ generation_id: 13, minimum_generation_id: 13, sync_id: 2 }, [3], null);
  assert.equal(r.code, 1);
  assert.equal(errors(r)[0].failure_type, 'transient_error');
  assert.deepEqual(await t.ids(), [1, 2, 3]);
  r = await t.attempt({ generation_id: 13, minimum_generation_id: 13, sync_id: 2 }, [4]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.deepEqual(await t.ids(), [3, 4]);
  assert.deepEqual((await t.rows()).map((row) => Number(row._airbyte_generation_id)), [13, 13]);
});

test('S3 + Glue: Airbyte\'s truncate scenarios: interrupted with and without prior data, no data, clear, merge, append-overwrite-append', { skip }, async () => {
  // Interrupted truncate with and without prior data: both attempts' rows survive.
  for (const prior of [true, false]) {
    const t = s3Table(`interrupted${prior ? 'prior' : 'empty'}`);
    if (prior) assert.equal((await t.attempt({ generation_id: 1, minimum_generation_id: 0 }, [1, 2])).code, 0);
    const gen = { generation_id: 2, minimum_generation_id: 2, sync_id: 5 };
    const r = await t.attempt(gen, [3, 300], 'COMPLETE', { crash: 'commit.states_echoed:1' });
    assert.deepEqual(acked(r), [3]);
    assert.deepEqual(await t.ids(), prior ? [1, 2, 3] : [3]);
    assert.equal((await t.attempt(gen, [4])).code, 0);
    assert.deepEqual(await t.ids(), [3, 4]);
  }
  // A truncate with no data empties the table; so does a clear with only a null GLOBAL state.
  const empty = s3Table('nodata');
  assert.equal((await empty.attempt({ generation_id: 1, minimum_generation_id: 0 }, [1, 2])).code, 0);
  let r = await empty.attempt({ generation_id: 2, minimum_generation_id: 2 }, []);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.deepEqual(await empty.ids(), []);
  assert.deepEqual(s3Objects(`${empty.prefix}/`), []);
  const clear = s3Table('clear');
  assert.equal((await clear.attempt({ generation_id: 1, minimum_generation_id: 0 }, [1, 2])).code, 0);
  const globalNull = { type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: null, stream_states: [] } } };
  r = await write(clear.dir, clear.config,
    { streams: [stream(clear.table, { id: { type: 'integer' } }, { generation_id: 2, minimum_generation_id: 2 })] },
    [globalNull, status(clear.table, 'COMPLETE')]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.equal(states(r).length, 1);
  assert.deepEqual(await clear.ids(), []);
  // Merge refresh (minimum 0) keeps every generation, also after a failed truncate.
  const merge = s3Table('merge');
  assert.equal((await merge.attempt({ generation_id: 1, minimum_generation_id: 0 }, [1])).code, 0);
  assert.equal((await merge.attempt({ generation_id: 2, minimum_generation_id: 2 }, [2], 'INCOMPLETE')).code, 1);
  assert.equal((await merge.attempt({ generation_id: 3, minimum_generation_id: 0 }, [3])).code, 0);
  assert.deepEqual(await merge.ids(), [1, 2, 3]);
  // Append, then overwrite, then append.
  const aoa = s3Table('aoa');
  assert.equal((await aoa.attempt({ generation_id: 1, minimum_generation_id: 0 }, [1])).code, 0);
  assert.equal((await aoa.attempt({ mode: 'overwrite', generation_id: 2, minimum_generation_id: 2 }, [2])).code, 0);
  assert.equal((await aoa.attempt({ generation_id: 2, minimum_generation_id: 0 }, [3])).code, 0);
  assert.deepEqual(await aoa.ids(), [2, 3]);
  assert.deepEqual(await validator.errors(), []);
});

test('S3 + Glue: an overwrite with other partition keys is written apart and switched, Glue partitions included', { skip }, async () => {
  const t = s3Table('switch');
  const props = { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } };
  const data = (id) => ({ id, at: `202${id % 3}-06-1${id % 10}T10:00:00Z` });
  const opts = (g) => ({ mode: 'overwrite', generation_id: g, minimum_generation_id: g, sync_id: g, cursor: 'at' });
  const base = `s3://${rgw.bucket}/${t.prefix}/${DB}/${t.table}/`;
  let r = await t.attempt(opts(1), [1, 2, 3], 'COMPLETE', { props, data, config: { partitioning: 'YEAR' } });
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  const before = gluePartitions(validator.endpoint, DB, t.table);
  assert.deepEqual(before.map((p) => p.Values), [['2020'], ['2021'], ['2022']]);

  // Interrupted: Glue keeps the YEAR definition and partitions; the rows read as before.
  r = await t.attempt(opts(2), [4], 'INCOMPLETE', { props, data, config: { partitioning: 'DATE' } });
  assert.equal(r.code, 1);
  assert.deepEqual(glueTable(validator.endpoint, DB, t.table).PartitionKeys, [{ Name: 'at_year', Type: 'bigint' }]);
  assert.deepEqual(gluePartitions(validator.endpoint, DB, t.table), before);
  assert.deepEqual(await t.ids({ hive: true }), [1, 2, 3]);
  assert.ok(s3Objects(`${t.prefix}/${DB}/${t.table}/_airbyte_generation_2/`).length > 0, 'the new generation is written apart');

  r = await t.attempt(opts(2), [5], 'COMPLETE', { props, data, config: { partitioning: 'DATE' } });
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  const def = glueTable(validator.endpoint, DB, t.table);
  assert.deepEqual(def.PartitionKeys, [{ Name: 'at_date', Type: 'date' }]);
  assert.equal(def.StorageDescriptor.Location, `${base}_airbyte_generation_2/`);
  assert.deepEqual(gluePartitions(validator.endpoint, DB, t.table), [
    { Values: ['2021-06-14'], Location: `${base}_airbyte_generation_2/at_date=2021-06-14/` },
    { Values: ['2022-06-15'], Location: `${base}_airbyte_generation_2/at_date=2022-06-15/` },
  ]);
  assert.deepEqual(await t.ids({ hive: true }), [4, 5]);
  for (const o of s3Objects(`${t.prefix}/`)) assert.ok(o.key.includes('/_airbyte_generation_2/at_date='), o.key);
  assert.deepEqual(await validator.errors(), []);
});

test('S3: the next attempt of a job aborts the killed attempt\'s open upload; a live upload of another job stays', { skip }, async () => {
  const t = s3Table('uploads');
  // Records big enough that the open file has uploaded a part (8 MiB) when the process is killed.
  const props = { id: { type: 'integer' }, pad: { type: 'string' } };
  const pad = 'p'.repeat(64 * 1024);
  const many = Array.from({ length: 200 }, (_, i) => i + 1);
  const job = { generation_id: 1, minimum_generation_id: 0, sync_id: 77 };
  const config = { commit_interval_seconds: 300 }; // the file stays open across the STATEs
  let r = await t.attempt(job, many, 'COMPLETE', { props, data: (id) => ({ id, pad }), crash: 'record.encoded:190', config });
  assert.equal(r.code, null, 'killed');
  const left = s3Uploads(`${t.prefix}/`);
  assert.equal(left.length, 1, 'the killed attempt left its upload open');
  assert.match(left[0].key, /\/gen1-sync77-[0-9a-f]{16}-\d+\.json$/);
  // Another job (sync 78) killed the same way: its upload is young and not of this job.
  r = await t.attempt({ ...job, sync_id: 78 }, many, 'COMPLETE', { props, data: (id) => ({ id, pad }), crash: 'record.encoded:190', config });
  assert.equal(r.code, null);
  assert.equal(s3Uploads(`${t.prefix}/`).length, 2);

  r = await t.attempt(job, [1000]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  const logs = ofType(r, 'LOG').map((m) => m.log.message);
  assert.ok(logs.some((l) => /Removed 1 incomplete files/.test(l)), JSON.stringify(logs));
  const still = s3Uploads(`${t.prefix}/`);
  assert.equal(still.length, 1);
  assert.match(still[0].key, /\/gen1-sync78-/);
  assert.deepEqual(await t.ids(), [1000]);
});
