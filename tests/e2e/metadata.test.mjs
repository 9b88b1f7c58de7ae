// metadata.yaml (the Airbyte registry entry) agrees with the binary it describes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { run, write, tempDir, localConfig, stream, record, streamState, states, errors } from './harness.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const metadata = () => YAML.parse(fs.readFileSync(path.join(ROOT, 'metadata.yaml'), 'utf8'));

test('metadata.yaml takes over the Python connector identity at the version --version prints', async () => {
  const { data } = metadata();
  const version = (await run(['--version'])).stdout.trim().replace(/^destination-aws-datalake /, '');
  assert.match(version, /^\d+\.\d+\.\d+$/);
  assert.equal(data.dockerImageTag, version);
  assert.equal(data.definitionId, '99878c90-0fbd-46d3-9d98-ffde879d17fc');
  assert.equal(data.dockerRepository, 'airbyte/destination-aws-datalake');
  assert.equal(data.connectorType, 'destination');
  assert.equal(data.connectorSubtype, 'database');
  assert.equal(data.license, 'MIT');
  assert.equal(data.supportsRefreshes, true);
  assert.ok(data.tags.includes('language:cpp'));
  assert.ok(!data.tags.some((t) => t.includes('python')));
  assert.ok(data.name && data.releaseStage && data.supportLevel);
});

test('metadata.yaml documentation and spec agree; sync memory fits a few hundred MB', async () => {
  const { data } = metadata();
  const spec = (await run(['spec'])).messages[0].spec;
  assert.equal(data.documentationUrl, spec.documentationUrl);
  const sync = data.resourceRequirements.jobSpecific.find((j) => j.jobType === 'sync');
  const mib = (q) => Number(q.match(/^(\d+)Mi$/)[1]);
  const { memory_request: request, memory_limit: limit } = sync.resourceRequirements;
  assert.ok(mib(request) <= mib(limit), `${request} <= ${limit}`);
  assert.ok(mib(limit) >= 256 && mib(limit) <= 1024, limit);
});

// The spec promises exactly the modes a write accepts: append and overwrite, not append_dedup.
test("the spec's destination sync modes are exactly the ones a write accepts", async () => {
  const spec = (await run(['spec'])).messages[0].spec;
  const accepted = [];
  for (const mode of ['overwrite', 'append', 'append_dedup']) {
    const dir = tempDir(`modes-${mode}`);
    const r = await write(dir, localConfig(dir), { streams: [stream('t', { id: { type: 'integer' } }, { mode })] },
      [record('t', { id: 1 }), streamState('t', { upto: 1 })]);
    if (r.code === 0) {
      assert.equal(states(r).length, 1, mode);
      accepted.push(mode);
    } else {
      assert.equal(errors(r)[0].failure_type, 'config_error', mode);
    }
  }
  assert.deepEqual(spec.supported_destination_sync_modes, accepted);
  assert.deepEqual(accepted, ['overwrite', 'append']);
  assert.equal(spec.supportsIncremental, true);
});
