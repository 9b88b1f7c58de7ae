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
  rgw, haveRadosgw, startMoto, startValidatingProxy, stopServices, s3Config, s3Uploads, glueTable, mirrorTable,
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
