// Read Iceberg table versions with icebird (npm, an Iceberg reader independent of the
// destination) from a local directory that stands for S3, and print one line of JSON per
// version: {"metadata": FILE, "rows": [...]} or {"metadata": FILE, "error": TEXT}.
//
//   node tests/tools/iceberg_read.mjs ROOT s3://BUCKET/TABLE/PATH METADATA_FILE_NAME...
//
// ROOT/BUCKET/KEY holds the object s3://BUCKET/KEY. icebird fetches https://BUCKET.s3.amazonaws.com
// URLs with the global fetch, which is replaced here by one reading those files (Range requests
// answered with the range). Rows: long values as decimal strings, timestamps as ISO text, the
// rest as icebird returns them; sorted by their JSON text, since a table has no row order.
import { readFile } from 'node:fs/promises';
import { icebergRead } from 'icebird';

const [root, tableUrl, ...files] = process.argv.slice(2);
if (!root || !tableUrl) {
  console.error('usage: iceberg_read.mjs ROOT TABLE_URL METADATA_FILE...');
  process.exit(2);
}

globalThis.fetch = async (url, init) => {
  const m = String(url).match(/^https:\/\/([^./]+)\.s3\.amazonaws\.com\/(.*)$/);
  if (!m) return new Response('no such object: ' + url, { status: 404 });
  // The URL's path percent-encodes non-ASCII characters, but keeps a '%' the key itself holds
  // (keys of partition paths escape '/', ':', '=' as %XX, as Iceberg Java's and Hive's do):
  // the key is the path fully decoded, or with only its non-ASCII escapes decoded.
  const keys = [decodeURIComponent(m[2]), m[2].replace(/(%[89A-Fa-f][0-9A-Fa-f])+/g, decodeURIComponent)];
  let body;
  for (const key of keys) {
    try {
      body = await readFile(`${root}/${m[1]}/${key}`);
      break;
    } catch {
      // the next candidate
    }
  }
  if (body === undefined) {
    console.error(`iceberg_read: no such object: ${url}`);
    return new Response('no such object: ' + url, { status: 404, statusText: 'Not Found' });
  }
  const headers = init?.headers;
  const range = headers && (typeof headers.get === 'function' ? headers.get('Range') : headers.Range);
  if (range) {
    const [, start, end] = range.match(/bytes=(\d+)-(\d*)/);
    return new Response(body.subarray(Number(start), end === '' ? body.length : Number(end) + 1),
      { status: 206 });
  }
  return new Response(body, { status: 200 });
};

function plain(_key, v) {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return v;
}

for (const file of files) {
  try {
    const rows = await icebergRead({ tableUrl, metadataFileName: file });
    const texts = rows.map((r) => JSON.stringify(r, plain)).sort();
    console.log(JSON.stringify({ metadata: file, rows: texts.map((t) => JSON.parse(t)) }));
  } catch (e) {
    console.log(JSON.stringify({ metadata: file, error: String(e?.message ?? e) }));
  }
}
