// Configs validated against the SPEC's connectionSpecification as the Airbyte platform does:
// with a real JSON Schema (draft-07) validator, before the connector ever sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { run, tempDir, ofType } from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ORIGINAL_SPEC = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'tests/config/testdata/original_spec.json'), 'utf8'));

async function ourSpec() {
  const r = await run(['spec']);
  assert.equal(r.code, 0);
  return r.messages[0].spec;
}

// Airbyte's own keywords (order, airbyte_secret, always_show, ...) are annotations: not strict.
function validator(connectionSpecification) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  assert.ok(ajv.validateSchema(connectionSpecification), ajv.errorsText(ajv.errors));
  return ajv.compile(connectionSpecification);
}

// The original connector's configs: unit_tests/fixtures/config.json, config_prefix.json, and
// every credentials mode and format its spec offers.
const IAM_USER = { credentials_title: 'IAM User', aws_access_key_id: 'aws_key_id', aws_secret_access_key: 'aws_secret_key' };
const IAM_ROLE = { credentials_title: 'IAM Role', role_arn: 'arn:aws:iam::111111111111:role/airbyte' };
const ORIGINAL_FIXTURE = {
  aws_account_id: '111111111111',
  credentials: IAM_USER,
  region: 'us-east-1',
  bucket_name: 'datalake-bucket',
  lakeformation_database_name: 'test',
  format: { format_type: 'Parquet', compression_codec: 'SNAPPY' },
  partitioning: 'NO PARTITIONING',
};
const ORIGINAL_CONFIGS = {
  'fixtures/config.json': ORIGINAL_FIXTURE,
  'fixtures/config_prefix.json': { ...ORIGINAL_FIXTURE, bucket_prefix: 'prefix' },
  'IAM Role, JSONL gzip, tags, partitioned': {
    credentials: IAM_ROLE,
    region: 'eu-west-1',
    bucket_name: 'lake',
    bucket_prefix: 'airbyte',
    lakeformation_database_name: 'raw',
    lakeformation_database_default_tag_key: 'pii_level',
    lakeformation_database_default_tag_values: 'private,public',
    lakeformation_governed_tables: false,
    format: { format_type: 'JSONL', compression_codec: 'GZIP' },
    partitioning: 'YEAR/MONTH/DAY',
    glue_catalog_float_as_decimal: true,
  },
  'IAM User, JSONL, region ""': {
    credentials: IAM_USER, region: '', bucket_name: 'lake', lakeformation_database_name: 'raw',
    format: { format_type: 'JSONL' },
  },
  'IAM Role, no format given': {
    credentials: IAM_ROLE, region: 'us-west-2', bucket_name: 'lake', lakeformation_database_name: 'raw',
  },
  'IAM User, Parquet uncompressed': {
    credentials: IAM_USER, region: 'ap-south-2', bucket_name: 'lake', lakeformation_database_name: 'raw',
    format: { format_type: 'Parquet', compression_codec: 'UNCOMPRESSED' },
  },
};

// What only this connector accepts.
const EXTENDED_CONFIGS = {
  // README: "local_lake_path: write to this directory instead of AWS (no credentials needed)".
  'README local lake, no credentials or region': {
    bucket_name: 'bucket', lakeformation_database_name: 'db', local_lake_path: '/tmp/lake',
  },
  'local lake, minimal credentials and region': {
    credentials: { credentials_title: 'Default Credentials Chain' }, region: '',
    bucket_name: 'bucket', lakeformation_database_name: 'db', local_lake_path: '/tmp/lake',
  },
  'examples/config.json': JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/config.json'), 'utf8')),
  'Default Credentials Chain, JSONL zstd, every extension': {
    credentials: { credentials_title: 'Default Credentials Chain' }, region: 'us-east-1',
    bucket_name: 'lake', lakeformation_database_name: 'raw',
    format: { format_type: 'JSONL', compression_codec: 'ZSTD' },
    s3_endpoint: 'http://localhost:9000', glue_endpoint: 'http://localhost:5000',
    sts_endpoint: 'http://localhost:5000', lakeformation_endpoint: 'http://localhost:5000',
    commit_interval_seconds: 0.5, target_file_size_mb: 64, airbyte_meta_columns: false,
    s3_server_side_encryption: 'SSE-KMS', s3_kms_key_id: 'alias/lake', parquet_timestamp_int96: true,
  },
  'IAM User with session token': {
    credentials: { ...IAM_USER, aws_session_token: 'token' }, region: 'us-east-1',
    bucket_name: 'lake', lakeformation_database_name: 'raw',
  },
  'IAM Role with external id': {
    credentials: { ...IAM_ROLE, external_id: 'x' }, region: 'us-east-1',
    bucket_name: 'lake', lakeformation_database_name: 'raw',
  },
};

const INVALID_CONFIGS = {
  'no credentials, no local lake': { region: 'us-east-1', bucket_name: 'b', lakeformation_database_name: 'd' },
  'no region, no local lake': { credentials: IAM_USER, bucket_name: 'b', lakeformation_database_name: 'd' },
  'empty local_lake_path does not make credentials optional': {
    bucket_name: 'b', lakeformation_database_name: 'd', local_lake_path: '',
  },
  'local lake without bucket_name': { lakeformation_database_name: 'd', local_lake_path: '/tmp/lake' },
  'integration_tests/invalid_region_config.json': { ...ORIGINAL_FIXTURE, region: 'not_a_real_region' },
  'unknown credentials mode': { ...ORIGINAL_FIXTURE, credentials: { credentials_title: 'Magic' } },
  'IAM User without secret': {
    ...ORIGINAL_FIXTURE, credentials: { credentials_title: 'IAM User', aws_access_key_id: 'k' },
  },
  'JSONL with the Parquet-only SNAPPY codec': {
    ...ORIGINAL_FIXTURE, format: { format_type: 'JSONL', compression_codec: 'SNAPPY' },
  },
  'unknown top-level key': { ...ORIGINAL_FIXTURE, bucket: 'typo' },
  'target_file_size_mb out of range': { ...ORIGINAL_FIXTURE, target_file_size_mb: 0 },
};

test('the spec is a valid draft-07 schema', async () => {
  const spec = await ourSpec();
  assert.equal(spec.connectionSpecification.$schema, 'http://json-schema.org/draft-07/schema#');
  validator(spec.connectionSpecification);
});

test("the original connector's configs validate against both specs", async () => {
  const ours = validator((await ourSpec()).connectionSpecification);
  const original = validator(ORIGINAL_SPEC.connectionSpecification);
  for (const [name, config] of Object.entries(ORIGINAL_CONFIGS)) {
    assert.ok(original(config), `${name} (original spec): ${JSON.stringify(original.errors)}`);
    assert.ok(ours(config), `${name}: ${JSON.stringify(ours.errors)}`);
  }
});

test("this connector's own configs validate, the local lake ones without AWS settings", async () => {
  const ours = validator((await ourSpec()).connectionSpecification);
  for (const [name, config] of Object.entries(EXTENDED_CONFIGS)) {
    assert.ok(ours(config), `${name}: ${JSON.stringify(ours.errors)}`);
  }
});

test('invalid configs are refused by the spec', async () => {
  const ours = validator((await ourSpec()).connectionSpecification);
  for (const [name, config] of Object.entries(INVALID_CONFIGS)) {
    assert.equal(ours(config), false, name);
  }
});

test('a local lake config the spec accepts without credentials or region passes check', async () => {
  const dir = tempDir('spec-schema');
  const config = {
    bucket_name: 'bucket', lakeformation_database_name: 'db', local_lake_path: path.join(dir, 'lake'),
  };
  assert.ok(validator((await ourSpec()).connectionSpecification)(config));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const r = await run(['check', '--config', file]);
  const status = ofType(r, 'CONNECTION_STATUS');
  assert.equal(status.length, 1);
  assert.equal(status[0].connectionStatus.status, 'SUCCEEDED', JSON.stringify(r.messages));
});

test('every oneOf in the spec is an object selector of object options', async () => {
  const spec = await ourSpec();
  let options = 0;
  const visit = (schema, where) => {
    if (schema === null || typeof schema !== 'object') return;
    if (Array.isArray(schema.oneOf)) {
      assert.equal(schema.type, 'object', where);
      for (const option of schema.oneOf) {
        assert.equal(option.type, 'object', `${where}: ${option.title}`);
        options++;
      }
    }
    for (const [key, value] of Object.entries(schema)) visit(value, `${where}.${key}`);
  };
  visit(spec.connectionSpecification, 'connectionSpecification');
  assert.equal(options, 5);
});
