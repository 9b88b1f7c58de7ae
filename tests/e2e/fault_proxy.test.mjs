// The fault proxy that the fault matrix relies on, checked by an independent client: boto3 with
// botocore's own retries writes and reads objects through it (each fault kind on the wire, the
// fixed-index mode, AssumeRole through a proxied STS) and every object is then compared directly
// against radosgw (tests/tools/fault_proxy_check.py). A proxy that stopped injecting, or injected
// something other than it claims, would make the matrix prove nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { rgw, haveRadosgw } from './services.mjs';

const skip = haveRadosgw ? false : 'radosgw is not running (make test starts it)';
const CHECK = path.resolve(import.meta.dirname, '../tools/fault_proxy_check.py');

test('the fault proxy injects each fault kind as documented, checked by boto3 against radosgw', { skip, timeout: 180_000 }, async () => {
  const { code, stdout, stderr } = await new Promise((resolve) =>
    execFile(rgw.python, [CHECK, '--seed', '3'], { encoding: 'utf8', maxBuffer: 1 << 26 },
      (error, out, err) => resolve({ code: error ? (error.code ?? 1) : 0, stdout: out, stderr: err })));
  const output = stdout + stderr;
  assert.equal(code, 0, output.slice(-4000));
  assert.match(output, /fault_proxy_check: ok in/);
  assert.match(output, /wire checks: .*throttle.*reset-head.*truncate.*stall ok/);
});
