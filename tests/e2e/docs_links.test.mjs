// Every relative link of the Markdown documentation (README.md and docs/*.md) leads
// to a file of the repository, and every #anchor to a heading of the page it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

function pages() {
  const out = ['README.md'];
  for (const f of fs.readdirSync(path.join(ROOT, 'docs'))) if (f.endsWith('.md')) out.push(`docs/${f}`);
  return out;
}

// The text of a page without its code (fenced blocks and inline spans), where links are literal.
const prose = (text) => text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

// GitHub's anchor of a heading: lowercase, punctuation dropped, spaces to '-'.
function anchors(text) {
  const seen = new Map();
  const out = new Set();
  for (const m of text.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.*)$/gm)) {
    const base = m[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function links(text) {
  const body = prose(text);
  const out = [...body.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
  out.push(...[...body.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]));
  return out;
}

test('every relative link of README.md and docs/*.md resolves to a file and an existing heading', () => {
  const checked = [];
  for (const page of pages()) {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    for (const link of links(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
      const [target, anchor] = link.split('#');
      const file = target === '' ? path.join(ROOT, page) : path.resolve(path.dirname(path.join(ROOT, page)), decodeURI(target));
      assert.ok(file.startsWith(ROOT + path.sep), `${page}: ${link} leaves the repository`);
      assert.ok(fs.existsSync(file), `${page}: ${link} -> ${path.relative(ROOT, file)} does not exist`);
      if (anchor !== undefined && file.endsWith('.md')) {
        assert.ok(anchors(fs.readFileSync(file, 'utf8')).has(anchor), `${page}: ${link}: no heading #${anchor}`);
      }
      checked.push(`${page} -> ${link}`);
    }
  }
  // The pages link each other: a scan that finds nothing is broken, not clean.
  assert.ok(checked.length >= 20, `only ${checked.length} links checked`);
  assert.ok(checked.some((c) => c.startsWith('docs/destination-aws-datalake.md -> ')), 'the user page has links');
});
