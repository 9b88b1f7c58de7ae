// Every document the repository cites is in the repository (doc_refs.mjs), and the check catches
// the references it exists for. Needs neither the binary nor any service:
//   node --test tests/e2e/docs_refs.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkTree, headings, slug } from './doc_refs.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('every document reference in src, tests, scripts, docs and README resolves', () => {
  const problems = checkTree(ROOT);
  assert.deepEqual(problems, [], `unresolved references:\n${problems.join('\n')}`);
});

// A small checkout holding the given files.
function checkout(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-refs-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

const GUIDE = [
  '# Guide',
  '## Dictionary encoding',
  '### RLE and bit-packing hybrid',
  '## Schema evolution (append syncs)',
  '```',
  '# not a heading',
  '```',
  'See [the hybrid](GUIDE.md#rle-and-bit-packing-hybrid), src/a.cc and src/gone.cc.',  // line 8
].join('\n');

const SOURCE = [
  '// Good: docs/GUIDE.md#dictionary-encoding, docs/GUIDE.md, "Schema evolution", GUIDE.md,',
  '// RFC 9110 §5.6.7, https://github.com/apache/parquet-format/blob/master/Encodings.md.',
  '// Bad: aws-wire.md §2.4',
  '// Bad: parquet.md; also bad: §3.5',
  '// Bad: docs/GUIDE.md#no-such-anchor',
  '// Bad: docs/GUIDE.md, "No such section"',
  '// Bad: docs/MISSING.md',
  '// Bad: see /work/shared/reference/x',
  '// Bad: docs/gone/; bad: STYLE-MODELS',
  '// Bad: GUIDE.md#not-a-heading',
  '',
].join('\n');

test('the check rejects references that leave the repository or miss their heading', () => {
  const root = checkout({
    'docs/GUIDE.md': GUIDE,
    'src/a.cc': SOURCE,
    'tests/b_test.cc': '// Outside Markdown only docs/ paths are checked: tests/whatever.h\n',
  });
  try {
    const problems = checkTree(root);
    const lines = (file) =>
      problems.filter((p) => p.startsWith(`${file}:`)).map((p) => Number(p.split(':')[1]));
    const all = problems.join('\n');
    // Every "Bad" line is reported; lines 3, 4 and 9 hold two problems each.
    assert.deepEqual(lines('src/a.cc'), [3, 3, 4, 4, 5, 6, 7, 8, 9, 9, 10], all);
    assert.match(all, /aws-wire\.md is a document outside the repository/);
    assert.match(all, /docs\/GUIDE\.md#no-such-anchor: docs\/GUIDE\.md has no heading/);
    assert.deepEqual(lines('docs/GUIDE.md'), [8], all);  // src/gone.cc
    assert.deepEqual(lines('tests/b_test.cc'), [], all);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('anchors follow GitHub: lowercase, punctuation dropped, spaces to hyphens, repeats numbered', () => {
  assert.equal(slug('RLE and bit-packing hybrid'), 'rle-and-bit-packing-hybrid');
  assert.equal(slug('Schema evolution (append syncs)'), 'schema-evolution-append-syncs');
  assert.equal(slug('Instance metadata (IMDSv2)'), 'instance-metadata-imdsv2');
  assert.equal(slug('The `created_by` string'), 'the-created_by-string');
  const { anchors } = headings('# A\n## Notes\n## Notes\n```\n## Hidden\n```\n');
  assert.deepEqual([...anchors], ['a', 'notes', 'notes-1']);
});
