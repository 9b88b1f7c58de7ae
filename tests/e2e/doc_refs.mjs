// Every document reference in the repository resolves inside the repository.
//
// Comments, scripts and docs cite documents (`docs/FORMATS.md#dictionary-encoding`,
// `[STATE.md](STATE.md)`); a newcomer who clones the repository must be able to follow each one.
// checkTree(root) scans the project's text files and returns one problem per reference that does
// not hold:
// - a `*.md` file that does not exist (looked up beside the citing file, then in docs/, then at
//   the root; a path with a '/' from the root or beside the citing file). The reference
//   documents the project was first written against (aws-wire.md, parquet.md, ...) lived outside
//   the repository: their facts are restated in docs/, which is what to cite;
// - a `#anchor` that is no heading's anchor in the cited file (GitHub's rules), or a quoted
//   section name after the file (`docs/TYPES.md, "Names"`) that no heading of it starts with;
// - a `docs/...` path that does not exist; in Markdown files, also `src/...`, `tests/...` and
//   `scripts/...` paths;
// - a section sign without its document ("§2.4" alone), except after an RFC ("RFC 9110 §5.6.7");
// - a mention of the folders outside the repository those documents were kept in.
// URLs are not checked: they name other projects' documents, which are not ours to keep.
//
// As a script it lists the problems of any checkout: node tests/e2e/doc_refs.mjs [root]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// What is scanned: the project's own text, not dependencies or build output.
export const SCANNED_DIRS = ['src', 'tests', 'scripts', 'docs', 'bench', 'examples', 'fuzz'];
export const SCANNED_FILES = ['README.md', 'Makefile', 'CMakeLists.txt', 'metadata.yaml'];
const SKIPPED_DIRS = new Set(['node_modules', '.git']);
// Third-party files kept as published, fuzz inputs (arbitrary bytes), and this check and its
// test, which quote what they reject.
const EXEMPT = new Set([
  'tests/aws/testdata/aws-sigv4-test-suite',
  'fuzz/corpus',
  'tests/e2e/doc_refs.mjs',
  'tests/e2e/docs_refs.test.mjs',
]);

// The reference documents of the project's first development, and where they were kept.
const OUTSIDE_DOCUMENTS = new Set([
  'aws-wire.md', 'parquet.md', 'original-connector.md', 'airbyte-protocol.md',
  'airbyte-platform.md', 'iceberg.md', 'peers.md', 'STYLE-MODELS.md',
]);
const OUTSIDE_FOLDERS = /shared\/(reference|design)\b|\/work\/shared\b|\bSTYLE-MODELS\b/g;

// GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to '-'.
export function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

// The anchors and lowercased titles of a Markdown text's headings (not those inside code
// fences); a repeated heading gets GitHub's -1, -2, ... suffixes.
export function headings(markdown) {
  const anchors = new Set();
  const titles = new Set();
  const seen = new Map();
  let fence = null;
  for (const line of markdown.split('\n')) {
    const f = line.match(/^\s*(```|~~~)/);
    if (f) {
      if (fence === null) fence = f[1];
      else if (f[1] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = line.match(/^#{1,6}\s+(.*?)\s*#*\s*$/);
    if (!h) continue;
    const base = slug(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
    titles.add(h[1].replace(/`/g, '').toLowerCase());
  }
  return { anchors, titles };
}

function listFiles(root) {
  const out = [];
  const walk = (dir) => {
    if (EXEMPT.has(path.relative(root, dir)) || !fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED_DIRS.has(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !EXEMPT.has(path.relative(root, p))) out.push(p);
    }
  };
  for (const d of SCANNED_DIRS) walk(path.join(root, d));
  for (const f of SCANNED_FILES) {
    if (fs.existsSync(path.join(root, f))) out.push(path.join(root, f));
  }
  return out.sort();
}

// URLs are blanked out, keeping offsets and line numbers.
function blankUrls(text) {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s)>\]"'`]*/gi, (m) => ' '.repeat(m.length));
}

function lineOf(text, index) {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

// Return the absolute path `ref` (a path as written in `file`) names, or null.
function resolve(root, file, ref) {
  const candidates = ref.includes('/')
    ? [path.join(root, ref), path.join(path.dirname(file), ref)]
    : [path.join(path.dirname(file), ref), path.join(root, 'docs', ref), path.join(root, ref)];
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

// Return the problems of one file's text, as "path:line: what"; `file` is its absolute path under
// `root`, `headingsOf(path)` gives the headings of a Markdown file.
export function checkText(root, file, text, headingsOf) {
  const problems = [];
  const at = (index, what) => {
    const line = lineOf(text, index);
    problems.push({ line, text: `${path.relative(root, file)}:${line}: ${what}` });
  };

  for (const m of text.matchAll(OUTSIDE_FOLDERS)) {
    at(m.index, `'${m[0]}' is outside the repository: restate the fact in docs/ and cite that`);
  }

  const plain = blankUrls(text);
  for (const m of plain.matchAll(/§/g)) {
    const before = plain.slice(Math.max(0, m.index - 16), m.index);
    if (!/RFC\s*\d+[\s/#*]*$/.test(before)) {
      at(m.index, "'§' names no document: cite docs/<file>.md#<heading anchor>");
    }
  }

  // *.md references, with an optional #anchor or a quoted section name after a comma.
  const mdRef = /(?<![\w./-])([\w.-]+(?:\/[\w.-]+)*\.md)(?!\w)(?:#([\w-]+)|,\s*"([^"\n]+)")?/g;
  for (const m of plain.matchAll(mdRef)) {
    const [, ref, anchor, section] = m;
    const target = resolve(root, file, ref);
    if (target === null) {
      const outside = OUTSIDE_DOCUMENTS.has(path.basename(ref));
      at(m.index, outside
        ? `${ref} is a document outside the repository: restate the fact in docs/ and cite that`
        : `${ref} does not exist in the repository`);
      continue;
    }
    if (anchor === undefined && section === undefined) continue;
    const { anchors, titles } = headingsOf(target);
    const cited = path.relative(root, target);
    if (anchor !== undefined && !anchors.has(anchor)) {
      at(m.index, `${ref}#${anchor}: ${cited} has no heading with this anchor`);
    }
    // A heading's start names it: "Schema evolution" is "Schema evolution (append syncs)".
    if (section !== undefined && ![...titles].some((t) => t.startsWith(section.toLowerCase()))) {
      at(m.index, `${ref}, "${section}": ${cited} has no such heading`);
    }
  }

  // Paths into the repository: docs/ everywhere; src/, tests/, scripts/ in Markdown.
  const roots = file.endsWith('.md') ? 'docs|src|tests|scripts' : 'docs';
  const repoPath = new RegExp(`(?<![\\w./-])((?:${roots})/[\\w./-]*[\\w/])`, 'g');
  for (const m of plain.matchAll(repoPath)) {
    const ref = m[1];
    if (ref.endsWith('.md')) continue;  // checked above, with its anchor
    if (['<', '*', '{'].includes(plain[m.index + m[0].length])) continue;  // a pattern, not a path
    if (!fs.existsSync(path.join(root, ref))) at(m.index, `${ref} does not exist in the repository`);
  }
  return problems.sort((a, b) => a.line - b.line).map((p) => p.text);
}

// Return every problem of the checkout at `root`, as "path:line: what" strings.
export function checkTree(root) {
  const cache = new Map();
  const headingsOf = (p) => {
    if (!cache.has(p)) cache.set(p, headings(fs.readFileSync(p, 'utf8')));
    return cache.get(p);
  };
  const problems = [];
  for (const file of listFiles(root)) {
    const bytes = fs.readFileSync(file);
    if (bytes.subarray(0, 8000).includes(0)) continue;  // not text
    problems.push(...checkText(root, file, bytes.toString('utf8'), headingsOf));
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(process.argv[2] ?? path.join(here, '../..'));
  const problems = checkTree(root);
  for (const p of problems) console.log(p);
  console.log(`${problems.length} problem(s) in ${root}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
