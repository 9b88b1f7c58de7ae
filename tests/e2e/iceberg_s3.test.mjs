// Iceberg tables (table_format iceberg) on S3 (Ceph radosgw) with the Glue Data Catalog (moto
// behind the request validator): appends, a truncate killed after an acknowledged STATE and
// retried. After every step the table is read as a query engine finds it: Glue's
// metadata_location, then the metadata, manifests and data files from S3, by icebird.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { tempDir, syncAttempt, acked, readIceberg } from './harness.mjs';
import {
  rgw, haveRadosgw, startMoto, startValidatingProxy, stopServices, s3Config, s3Uploads, glueTable, gluePartitions,
  mirrorTable,
} from './services.mjs';

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
let validator;
before(async () => {
  if (haveRadosgw) validator = await startValidatingProxy(await startMoto());
});
after(stopServices);

const DB = 'e2e_iceberg';

test('S3 + Glue: an Iceberg table over appends and a killed, retried truncate, read back through Glue after each step', { skip }, async () => {
  const prefix = `iceberg-${crypto.randomBytes(4).toString('hex')}`;
  const dir = tempDir('iceberg-s3');
  const config = s3Config(validator.endpoint, prefix, {
    lakeformation_database_name: DB, table_format: 'iceberg',
    format: { format_type: 'Parquet', compression_codec: 'ZSTD' },
  });
  let reads = 0;
  const ids = () => {
    const definition = glueTable(validator.endpoint, DB, 't');
    assert.equal(definition.Parameters.table_type, 'ICEBERG');
    const lake = path.join(dir, `read-${++reads}`);
    mirrorTable(validator.endpoint, DB, 't', lake);
    return readIceberg(lake, definition.Parameters.metadata_location).map((r) => Number(r.id));
  };
  const attempt = (opts, list, terminal = 'COMPLETE', more = {}) => syncAttempt(dir, config, 't', opts, list, terminal, more);

  let r = await attempt({ generation_id: 1 }, [1, 2, 3]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.deepEqual(ids(), [1, 2, 3]);
  const first = glueTable(validator.endpoint, DB, 't');
  assert.equal(first.StorageDescriptor.Location, `s3://${rgw.bucket}/${prefix}/${DB}/t`);
  r = await attempt({ generation_id: 1 }, [4, 5]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.deepEqual(ids(), [1, 2, 3, 4, 5]);
  const second = glueTable(validator.endpoint, DB, 't');
  assert.equal(second.Parameters.previous_metadata_location !== undefined, true);

  const truncate = { generation_id: 2, minimum_generation_id: 2 };
  r = await attempt(truncate, [10, 11, 12], null, { crash: 'commit.states_echoed:1' });
  assert.equal(r.code, null, 'killed');
  assert.deepEqual(acked(r), [10]);
  assert.deepEqual(ids(), [1, 2, 3, 4, 5]);  // readers of main: the old rows
  r = await attempt(truncate, [11, 12]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.deepEqual(ids(), [10, 11, 12]);
  assert.deepEqual(s3Uploads(`${prefix}/`), []);
  assert.deepEqual(await validator.errors(), []);
});

// Partitioned by partition_by on S3 + Glue: keys with escaped '/' and ':' and non-ASCII values
// signed and stored by the real S3, the Iceberg table read through Glue by icebird, the Hive
// table's partitions registered in Glue with their values unescaped and their locations as
// stored.
test('S3 + Glue: partition_by on an Iceberg and a Hive table, values with / and : and non-ASCII', { skip }, async () => {
  const prefix = `partition-by-${crypto.randomBytes(4).toString('hex')}`;
  const dir = tempDir('partition-by-s3');
  const countries = ['FR', 'a/b:c', null, 'é日本'];
  const props = { id: { type: 'integer' }, country: { type: 'string' }, updated_at: { type: 'string', format: 'date-time' } };
  const data = (id) => ({ id, country: countries[id % 4], updated_at: `2024-0${1 + (id % 3)}-1${id % 5}T12:00:00Z` });
  const partitionBy = [{ field: 'updated_at', transform: 'month' }, { field: 'country', transform: 'identity' }];
  const ids = [1, 2, 3, 4, 5, 6, 7, 8];
  for (const format of ['iceberg', 'hive']) {
    const config = s3Config(validator.endpoint, prefix, {
      lakeformation_database_name: DB, table_format: format, partition_by: partitionBy,
      format: { format_type: 'Parquet', compression_codec: 'SNAPPY' },
    });
    const table = `p_${format}`;
    const r = await syncAttempt(dir, config, table, {}, ids, 'COMPLETE', { props, data });
    assert.equal(r.code, 0, r.stdout.slice(-2000));
    assert.deepEqual(acked(r), ids);
    const definition = glueTable(validator.endpoint, DB, table);
    if (format === 'iceberg') {
      const lake = path.join(dir, `read-${table}`);
      mirrorTable(validator.endpoint, DB, table, lake);
      const rows = readIceberg(lake, definition.Parameters.metadata_location);
      assert.deepEqual(rows.map((row) => [Number(row.id), row.country ?? null]), ids.map((id) => [id, countries[id % 4]]));
      assert.equal(definition.PartitionKeys, undefined);
    } else {
      const partitions = gluePartitions(validator.endpoint, DB, table);
      const expected = [...new Set(ids.map((id) => JSON.stringify([`2024-0${1 + (id % 3)}`, countries[id % 4] ?? '__HIVE_DEFAULT_PARTITION__'])))].sort();
      assert.deepEqual(partitions.map((p) => JSON.stringify(p.Values)).sort(), expected);
      const escaped = partitions.find((p) => p.Values[1] === 'a/b:c');
      assert.match(escaped.Location, /\/country=a%2Fb%3Ac\/?$/);
    }
  }
  assert.deepEqual(await validator.errors(), []);
});
