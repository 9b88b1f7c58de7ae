// Partitioned tables: Hive-style paths from the cursor column, partitions registered in the
// catalog by the commit that makes their files visible, rows with a null cursor kept, and the
// same on S3 with Glue (moto, every request checked against botocore's model).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  tempDir, localConfig, stream, record, streamState, status, write, states, errors, ofType,
  dataFiles, jsonLines, readTable, tableDefinition,
} from './harness.mjs';
import {
  rgw, haveRadosgw, startMoto, startValidatingProxy, stopServices, s3Objects, glueTable,
  gluePartitions, mirrorTable, s3Config,
} from './services.mjs';

const props = {
  id: { type: 'integer' },
  note: { type: 'string' },
  updated_at: { type: 'string', format: 'date-time' },
};

function partitionsFile(lake, database, table) {
  const file = path.join(lake, '_catalog', database, `${table}.partitions.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
}

// The Hive subdirectory of every data file of a table, relative to the table directory.
function fileDirectories(tableDir) {
  return [...new Set(dataFiles(tableDir).map((f) => path.relative(tableDir, path.dirname(f))))].sort();
}

const warnings = (r) => ofType(r, 'LOG').filter((m) => m.log.level === 'WARN').map((m) => m.log.message);

test('YEAR/MONTH/DAY: Hive paths from the UTC day, null cursors in the 0 partition, all registered', async () => {
  const dir = tempDir('part-ymd');
  const catalog = { streams: [stream('events', props, { cursor: 'updated_at' })] };
  const input = [
    record('events', { id: 1, note: 'a', updated_at: '2024-06-05T10:00:00Z' }),
    record('events', { id: 2, note: 'b', updated_at: '2024-01-01T01:00:00+02:00' }),
    record('events', { id: 3, note: 'c', updated_at: null }),
    record('events', { id: 4, note: 'd', updated_at: 'not a date' }),
    record('events', { id: 5, note: 'e' }),
    record('events', { id: 6, note: 'f', updated_at: '2024-06-05T23:59:59.999999Z' }),
    streamState('events', { cursor: 6 }),
    status('events', 'COMPLETE'),
  ];
  const r = await write(dir, localConfig(dir, { partitioning: 'YEAR/MONTH/DAY' }), catalog, input);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(states(r).length, 1);
  const lake = path.join(dir, 'lake');
  const def = tableDefinition(lake, 'db', 'events');
  assert.deepEqual(def.PartitionKeys, [
    { Name: 'updated_at_year', Type: 'bigint' },
    { Name: 'updated_at_month', Type: 'bigint' },
    { Name: 'updated_at_day', Type: 'bigint' },
  ]);
  const columns = def.StorageDescriptor.Columns.map((c) => c.Name);
  assert.ok(columns.includes('updated_at') && !columns.some((c) => c.startsWith('updated_at_')),
    'partition keys are not data columns');

  const tableDir = path.join(lake, 'bucket', 'db', 'events');
  const expected = [
    'updated_at_year=0/updated_at_month=0/updated_at_day=0',
    'updated_at_year=2023/updated_at_month=12/updated_at_day=31',
    'updated_at_year=2024/updated_at_month=6/updated_at_day=5',
  ];
  assert.deepEqual(fileDirectories(tableDir), expected);
  for (const file of dataFiles(tableDir)) {
    for (const row of jsonLines(file)) {
      assert.ok(!('updated_at_year' in row), 'files do not repeat the partition values');
    }
  }

  const partitions = partitionsFile(lake, 'db', 'events');
  assert.deepEqual(partitions.map((p) => p.Values).sort(), [['0', '0', '0'], ['2023', '12', '31'], ['2024', '6', '5']]);
  for (const p of partitions) {
    const sub = `updated_at_year=${p.Values[0]}/updated_at_month=${p.Values[1]}/updated_at_day=${p.Values[2]}/`;
    assert.equal(p.StorageDescriptor.Location, `s3://bucket/db/events/${sub}`);
    assert.deepEqual(p.StorageDescriptor.Columns, def.StorageDescriptor.Columns);
    assert.deepEqual(p.Parameters, {});
  }

  const rows = await readTable(lake, 'db', 'events', { orderBy: 'id', hive: true });
  assert.deepEqual(rows.map((row) => [row.id, row.updated_at_year, row.updated_at_month, row.updated_at_day]), [
    ['1', '2024', '6', '5'], ['2', '2023', '12', '31'], ['3', '0', '0', '0'], ['4', '0', '0', '0'],
    ['5', '0', '0', '0'], ['6', '2024', '6', '5'],
  ]);
  const four = rows.find((row) => row.id === '4');
  assert.equal(four.updated_at, null);
  assert.equal(four._airbyte_meta.changes[0].field, 'updated_at');
});

test('DATE on Parquet: a date partition key, null cursors in Hive\'s default partition', async () => {
  const dir = tempDir('part-date');
  const dateProps = { id: { type: 'integer' }, day: { type: ['null', 'string'], format: 'date' } };
  const catalog = { streams: [stream('daily', dateProps, { cursor: 'day' })] };
  const input = [
    record('daily', { id: 1, day: '2023-06-05' }),
    record('daily', { id: 2, day: null }),
    record('daily', { id: 3, day: '1969-12-31' }),
    streamState('daily', {}),
  ];
  const config = localConfig(dir, {
    partitioning: 'DATE', format: { format_type: 'Parquet', compression_codec: 'SNAPPY' },
  });
  const r = await write(dir, config, catalog, input);
  assert.equal(r.code, 0, r.stdout);
  const lake = path.join(dir, 'lake');
  assert.deepEqual(tableDefinition(lake, 'db', 'daily').PartitionKeys, [{ Name: 'day_date', Type: 'date' }]);
  assert.deepEqual(fileDirectories(path.join(lake, 'bucket', 'db', 'daily')), [
    'day_date=1969-12-31', 'day_date=2023-06-05', 'day_date=__HIVE_DEFAULT_PARTITION__',
  ]);
  assert.deepEqual(partitionsFile(lake, 'db', 'daily').map((p) => p.Values[0]).sort(),
    ['1969-12-31', '2023-06-05', '__HIVE_DEFAULT_PARTITION__']);
  const rows = await readTable(lake, 'db', 'daily', { orderBy: 'id' });
  assert.deepEqual(rows.map((row) => [row.id, row.day]), [['1', '2023-06-05'], ['2', null], ['3', '1969-12-31']]);
});

test('partitions of acknowledged records are registered even when the sync then fails', async () => {
  const dir = tempDir('part-fail');
  const catalog = { streams: [stream('events', props, { cursor: 'updated_at' })] };
  const input = [
    record('events', { id: 1, updated_at: '2024-02-01T00:00:00Z' }),
    record('events', { id: 2, updated_at: '2024-03-01T00:00:00Z' }),
    streamState('events', { upto: 2 }),
    record('events', { id: 3, updated_at: '2024-04-01T00:00:00Z' }),
    '{"type": "RECORD", "record": {',
  ];
  const r = await write(dir, localConfig(dir, { partitioning: 'MONTH' }), catalog, input);
  assert.notEqual(r.code, 0);
  assert.equal(errors(r).length, 1);
  assert.deepEqual(states(r).map((s) => s.stream.stream_state), [{ upto: 2 }]);
  const lake = path.join(dir, 'lake');
  assert.deepEqual(partitionsFile(lake, 'db', 'events').map((p) => p.Values), [['2'], ['3']]);
  assert.deepEqual(fileDirectories(path.join(lake, 'bucket', 'db', 'events')),
    ['updated_at_month=2', 'updated_at_month=3'], 'the unacknowledged partition has no file');
});

test('an append sync keeps the table\'s partition keys; an overwrite replaces them and drops stale partitions', async () => {
  const dir = tempDir('part-modes');
  const lake = path.join(dir, 'lake');
  const tableDir = path.join(lake, 'bucket', 'db', 'events');
  const day = (id, at) => record('events', { id, updated_at: at });
  let generation = 0; // the platform bumps it for every overwrite sync
  const run = (partitioning, mode, records) => write(dir, localConfig(dir, { partitioning }),
    { streams: [stream('events', props, { cursor: 'updated_at', mode, generation_id: ++generation })] },
    [...records, streamState('events', {}), status('events', 'COMPLETE')]);

  let r = await run('YEAR/MONTH', 'append', [day(1, '2024-01-10T00:00:00Z'), day(2, '2024-02-10T00:00:00Z')]);
  assert.equal(r.code, 0, r.stdout);
  r = await run('DATE', 'append', [day(3, '2024-02-11T00:00:00Z'), day(4, '2024-03-01T00:00:00Z')]);
  assert.equal(r.code, 0, r.stdout);
  assert.ok(warnings(r).some((w) => w.includes('keeps its partition keys (updated_at_year bigint, updated_at_month bigint)')),
    JSON.stringify(warnings(r)));
  assert.deepEqual(tableDefinition(lake, 'db', 'events').PartitionKeys.map((k) => k.Name),
    ['updated_at_year', 'updated_at_month']);
  assert.deepEqual(partitionsFile(lake, 'db', 'events').map((p) => p.Values).sort(),
    [['2024', '1'], ['2024', '2'], ['2024', '3']]);
  assert.equal((await readTable(lake, 'db', 'events', { hive: true })).length, 4);

  // Overwrite with another partitioning: the old files cannot be read with the new keys, so the
  // new generation is written apart and the table switches to it: old partitions and files go,
  // the new keys and partitions come.
  r = await run('DATE', 'overwrite', [day(5, '2024-03-01T12:00:00Z'), day(6, '2024-03-02T00:00:00Z')]);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(tableDefinition(lake, 'db', 'events').PartitionKeys, [{ Name: 'updated_at_date', Type: 'date' }]);
  assert.equal(tableDefinition(lake, 'db', 'events').StorageDescriptor.Location, 's3://bucket/db/events/_airbyte_generation_3/');
  assert.deepEqual(partitionsFile(lake, 'db', 'events').map((p) => p.Values).sort(), [['2024-03-01'], ['2024-03-02']]);
  assert.deepEqual(fileDirectories(tableDir),
    ['_airbyte_generation_3/updated_at_date=2024-03-01', '_airbyte_generation_3/updated_at_date=2024-03-02']);

  // Overwrite with the same keys: written where the table is; partitions that got no data this
  // time are deregistered.
  r = await run('DATE', 'overwrite', [day(7, '2024-03-02T08:00:00Z'), day(8, '2024-03-03T00:00:00Z')]);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(partitionsFile(lake, 'db', 'events').map((p) => p.Values).sort(), [['2024-03-02'], ['2024-03-03']]);
  assert.deepEqual(fileDirectories(tableDir),
    ['_airbyte_generation_3/updated_at_date=2024-03-02', '_airbyte_generation_3/updated_at_date=2024-03-03']);
  const rows = await readTable(lake, 'db', 'events', { orderBy: 'id', hive: true });
  assert.deepEqual(rows.map((row) => [row.id, row.updated_at_date]), [['7', '2024-03-02'], ['8', '2024-03-03']]);
});

test('records spread over more partitions than stay open: every row lands in its partition', async () => {
  const dir = tempDir('part-many');
  const catalog = { streams: [stream('events', props, { cursor: 'updated_at' })] };
  const days = 150;
  const input = [];
  for (let round = 0; round < 3; round++) {
    for (let d = 0; d < days; d++) {
      const at = new Date(Date.UTC(2020, 0, 1) + d * 86400000).toISOString();
      input.push(record('events', { id: round * days + d, note: `r${round}`, updated_at: at }));
    }
  }
  input.push(streamState('events', {}));
  const r = await write(dir, localConfig(dir, { partitioning: 'DATE' }), catalog, input);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.ok(warnings(r).some((w) => w.includes('partitions at once')), JSON.stringify(warnings(r)));
  const lake = path.join(dir, 'lake');
  assert.equal(partitionsFile(lake, 'db', 'events').length, days);
  const rows = await readTable(lake, 'db', 'events', { hive: true });
  assert.equal(rows.length, 3 * days);
  for (const row of rows) {
    assert.equal(row.updated_at_date, row.updated_at.slice(0, 10), `row ${row.id}`);
  }
});

test('streams without a date cursor are not partitioned', async () => {
  const dir = tempDir('part-none');
  const catalog = {
    streams: [
      stream('full', props),
      stream('by_id', props, { cursor: 'id' }),
    ],
  };
  const input = [
    record('full', { id: 1, updated_at: '2024-01-01T00:00:00Z' }),
    record('by_id', { id: 1, updated_at: '2024-01-01T00:00:00Z' }),
    streamState('full', {}),
  ];
  const r = await write(dir, localConfig(dir, { partitioning: 'DAY' }), catalog, input);
  assert.equal(r.code, 0, r.stdout);
  const lake = path.join(dir, 'lake');
  for (const table of ['full', 'by_id']) {
    assert.deepEqual(tableDefinition(lake, 'db', table).PartitionKeys, []);
    assert.deepEqual(fileDirectories(path.join(lake, 'bucket', 'db', table)), ['']);
    assert.deepEqual(partitionsFile(lake, 'db', table), []);
  }
});

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
let glue;
before(async () => {
  if (haveRadosgw) glue = await startValidatingProxy(await startMoto());
});
after(stopServices);

test('on S3 and Glue: partitions registered with their Hive locations, stale ones deleted by an overwrite', { skip }, async () => {
  const dir = tempDir('part-s3');
  const prefix = `part-${crypto.randomBytes(4).toString('hex')}`;
  const config = s3Config(glue.endpoint, prefix, {
    lakeformation_database_name: 'e2e_part',
    format: { format_type: 'Parquet', compression_codec: 'SNAPPY' },
    partitioning: 'YEAR/MONTH',
  });
  let generation = 0; // the platform bumps it for every overwrite sync
  const sync = (mode, months) => {
    const input = [];
    months.forEach((m, i) => {
      input.push(record('orders', { id: i, note: `m${m}`, updated_at: `2024-${String(m).padStart(2, '0')}-15T12:00:00Z` }));
      input.push(streamState('orders', { upto: i }));
    });
    input.push(record('orders', { id: 99, note: 'no cursor', updated_at: null }));
    input.push(streamState('orders', { upto: 99 }));
    input.push(status('orders', 'COMPLETE'));
    return write(dir, config,
      { streams: [stream('orders', props, { cursor: 'updated_at', mode, generation_id: ++generation })] }, input);
  };

  let r = await sync('append', [1, 2, 11]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.equal(states(r).length, 4);
  const base = `s3://${rgw.bucket}/${prefix}/e2e_part/orders/`;
  let partitions = gluePartitions(glue.endpoint, 'e2e_part', 'orders');
  assert.deepEqual(partitions, [
    { Values: ['0', '0'], Location: `${base}updated_at_year=0/updated_at_month=0/` },
    { Values: ['2024', '1'], Location: `${base}updated_at_year=2024/updated_at_month=1/` },
    { Values: ['2024', '11'], Location: `${base}updated_at_year=2024/updated_at_month=11/` },
    { Values: ['2024', '2'], Location: `${base}updated_at_year=2024/updated_at_month=2/` },
  ]);
  const def = glueTable(glue.endpoint, 'e2e_part', 'orders');
  assert.deepEqual(def.PartitionKeys, [{ Name: 'updated_at_year', Type: 'bigint' }, { Name: 'updated_at_month', Type: 'bigint' }]);
  const keys = s3Objects(`${prefix}/e2e_part/orders/`).map((o) => o.key);
  assert.equal(keys.length, 4);
  for (const key of keys) {
    assert.match(key, new RegExp(`^${prefix}/e2e_part/orders/updated_at_year=\\d+/updated_at_month=\\d+/gen1-sync7-[0-9a-f]{16}-\\d+\\.snappy\\.parquet$`));
  }
  const lake = path.join(dir, 'lake');
  mirrorTable(glue.endpoint, 'e2e_part', 'orders', lake);
  const rows = await readTable(lake, 'e2e_part', 'orders', { orderBy: 'id', hive: true });
  assert.deepEqual(rows.map((row) => [row.id, row.note, row.updated_at_month]),
    [['0', 'm1', '1'], ['1', 'm2', '2'], ['2', 'm11', '11'], ['99', 'no cursor', '0']]);

  r = await sync('overwrite', [2, 3]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  partitions = gluePartitions(glue.endpoint, 'e2e_part', 'orders');
  assert.deepEqual(partitions.map((p) => p.Values), [['0', '0'], ['2024', '2'], ['2024', '3']]);
  assert.equal(s3Objects(`${prefix}/e2e_part/orders/`).length, 3, 'the previous sync\'s objects are gone');
  assert.deepEqual(await glue.errors(), [], 'every Glue request matches the service model');
  const operations = new Set((await glue.requests()).map((q) => q.operation));
  for (const op of ['BatchCreatePartition', 'GetPartitions', 'BatchDeletePartition']) {
    assert.ok(operations.has(op), `${op} was sent`);
  }
});
