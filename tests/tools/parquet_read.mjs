// Read Parquet files with one of three independent readers and print their rows as canonical
// JSON, so tests can compare every reader's view of a file with the expected values.
//
//   node tests/tools/parquet_read.mjs --reader duckdb|hyparquet|arrow|metadata FILE...
//
// Prints one line per file: {"file":F,"rows":[...]} (or "metadata" for --reader metadata, or
// "error" if the reader failed). Readers: DuckDB (@duckdb/node-api), hyparquet (pure JS, with
// hyparquet-compressors), arrow (arrow-rs compiled to wasm: parquet-wasm, decoded from Arrow IPC
// by apache-arrow). Rows are objects keyed by column name in schema order. Canonical values:
//   null; booleans; int64 as decimal strings; 8/16/32-bit integers as JS numbers; doubles and
//   floats as JS numbers, or "NaN", "Infinity", "-Infinity", "-0"; strings as is; binary as
//   base64; dates "YYYY-MM-DD"; timestamps "YYYY-MM-DDTHH:MM:SS.ffffff" plus "Z" when the reader
//   says the column is UTC-adjusted; decimals as canonical text (no trailing fraction zeros, "0"
//   for zero); structs as objects; lists as arrays; maps as [[key text, value], ...] sorted by
//   the key text's UTF-8 bytes (readers differ in key order and key types).
import { readFileSync } from 'node:fs';

const MICROS_PER_DAY = 86400000000n;

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), for any proleptic
// Gregorian year: Date objects would lose microseconds and are awkward before year 100.
function civilFromDays(days) {
  let z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
    Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const pad = (n, w) => String(n).padStart(w, '0');
  return `${y < 0 ? '-' : ''}${pad(Math.abs(y), 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

function dateText(days) { return civilFromDays(Number(days)); }

function timestampText(micros, utc) {
  micros = BigInt(micros);
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) { rest += MICROS_PER_DAY; days -= 1n; }
  const pad = (n, w) => String(n).padStart(w, '0');
  const secs = rest / 1000000n;
  const frac = rest % 1000000n;
  const hms = `${pad(secs / 3600n, 2)}:${pad((secs / 60n) % 60n, 2)}:${pad(secs % 60n, 2)}`;
  return `${civilFromDays(Number(days))}T${hms}.${pad(frac, 6)}${utc ? 'Z' : ''}`;
}

function doubleValue(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

function decimalText(unscaled, scale) {
  unscaled = BigInt(unscaled);
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  let int = digits.slice(0, digits.length - scale);
  let frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = frac ? `${int}.${frac}` : int;
  return negative && text !== '0' ? `-${text}` : text;
}

// Big-endian two's complement bytes to a bigint.
function bigEndianSigned(bytes) {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (bytes.length > 0 && bytes[0] & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v;
}

function base64(bytes) { return Buffer.from(bytes).toString('base64'); }

function canonicalMap(entries) {
  return entries
    .map(([k, v]) => [typeof k === 'string' ? k : String(k), v])
    .sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
}

// ---- DuckDB ----
async function openDuckdb() {
  const duckdb = await import('@duckdb/node-api');
  const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const normalise = (v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return doubleValue(v);
    if (typeof v === 'boolean' || typeof v === 'string') return v;
    if (v instanceof duckdb.DuckDBTimestampTZValue) return timestampText(v.micros, true);
    if (v instanceof duckdb.DuckDBTimestampValue) return timestampText(v.micros, false);
    if (v instanceof duckdb.DuckDBTimestampNanosecondsValue) return timestampText(v.nanos / 1000n, false);
    if (v instanceof duckdb.DuckDBDateValue) return dateText(v.days);
    if (v instanceof duckdb.DuckDBDecimalValue) return decimalText(v.value, v.scale);
    if (v instanceof duckdb.DuckDBListValue) return v.items.map(normalise);
    if (v instanceof duckdb.DuckDBBlobValue) return base64(v.bytes);
    if (v instanceof duckdb.DuckDBMapValue) {
      return canonicalMap(v.entries.map((e) => [normalise(e.key), normalise(e.value)]));
    }
    if (v instanceof duckdb.DuckDBStructValue) {
      const out = {};
      for (const [k, e] of Object.entries(v.entries)) out[k] = normalise(e);
      return out;
    }
    throw new Error(`duckdb: unexpected value ${v?.constructor?.name}`);
  };
  return async (file) => {
    const quoted = file.replaceAll("'", "''");
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${quoted}')`);
    const names = reader.columnNames();
    return reader.getRows().map((row) => {
      const out = {};
      names.forEach((name, i) => { out[name] = normalise(row[i]); });
      return out;
    });
  };
}

// ---- hyparquet ----
// Schema tree from the flat pre-order SchemaElement list.
function schemaTree(elements) {
  let i = 0;
  const node = () => {
    const element = elements[i++];
    const children = [];
    for (let c = 0; c < (element.num_children || 0); c++) children.push(node());
    return { element, children };
  };
  return node();
}

function hyparquetValue(node, v) {
  if (v === null || v === undefined) return null;
  const e = node.element;
  if (e.converted_type === 'LIST' || e.logical_type?.type === 'LIST') {
    const element = node.children[0].children[0];
    return v.map((x) => hyparquetValue(element, x));
  }
  if (e.converted_type === 'MAP' || e.logical_type?.type === 'MAP') {
    // hyparquet gives an object keyed by the keys' text.
    const value = node.children[0].children[1];
    return canonicalMap(Object.entries(v).map(([k, x]) => [k, hyparquetValue(value, x)]));
  }
  if (node.children.length > 0) {
    const out = {};
    for (const child of node.children) out[child.element.name] = hyparquetValue(child, v[child.element.name]);
    return out;
  }
  if (v.tag === 'ts') return timestampText(v.micros, e.type !== 'INT96' && e.logical_type?.isAdjustedToUTC !== false);
  if (v.tag === 'date') return dateText(v.days);
  if (e.decimal) return decimalText(bigEndianSigned(v), e.decimal.scale);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return doubleValue(v);
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof Uint8Array) return base64(v);
  throw new Error(`hyparquet: unexpected value ${typeof v}`);
}

async function openHyparquet() {
  const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const parsers = {
    timestampFromMicroseconds: (micros) => ({ tag: 'ts', micros }),
    timestampFromNanoseconds: (nanos) => ({ tag: 'ts', micros: nanos / 1000n }),
    dateFromDays: (days) => ({ tag: 'date', days }),
  };
  return async (file) => {
    const buf = readFileSync(file);
    const arrayBuffer = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const metadata = parquetMetadata(arrayBuffer);
    // hyparquet turns decimals into JS numbers (lossy): strip the annotation so it hands over
    // the raw FIXED_LEN_BYTE_ARRAY bytes, and keep scale aside for the exact conversion.
    for (const e of metadata.schema) {
      if (e.converted_type === 'DECIMAL' || e.logical_type?.type === 'DECIMAL') {
        e.decimal = { scale: e.scale ?? e.logical_type?.scale ?? 0 };
        delete e.converted_type;
        delete e.logical_type;
      }
    }
    // utf8: false keeps unannotated BYTE_ARRAY (binary) as bytes; STRING columns stay text.
    const rows = await parquetReadObjects({ file: arrayBuffer, metadata, compressors, parsers, utf8: false });
    const root = schemaTree(metadata.schema);
    return rows.map((row) => {
      const out = {};
      for (const child of root.children) out[child.element.name] = hyparquetValue(child, row[child.element.name]);
      return out;
    });
  };
}

// ---- arrow-rs (parquet-wasm) ----
async function openArrow() {
  const wasm = await import('parquet-wasm/node');
  const arrow = await import('apache-arrow');
  const { Type, TimeUnit, DateUnit } = arrow;
  const decoder = new TextDecoder();
  const toMicros = { [TimeUnit.SECOND]: 1000000n, [TimeUnit.MILLISECOND]: 1000n, [TimeUnit.MICROSECOND]: 1n };
  // The value at index i of an Arrow Data (read straight from its buffers: Vector.get would
  // turn timestamps into millisecond numbers and decimals into lossy forms).
  const valueAt = (data, i) => {
    if (!data.getValid(i)) return null;
    const t = data.type;
    const k = data.offset + i;
    switch (t.typeId) {
      case Type.Bool: return ((data.values[k >> 3] >> (k & 7)) & 1) === 1;
      case Type.Int: return t.bitWidth <= 32 ? Number(data.values[k]) : BigInt(data.values[k]).toString();
      case Type.Float: return doubleValue(data.values[k]);
      case Type.Utf8: case Type.LargeUtf8: {
        const start = Number(data.valueOffsets[k]), end = Number(data.valueOffsets[k + 1]);
        return decoder.decode(data.values.subarray(start, end));
      }
      case Type.Binary: case Type.LargeBinary: {
        const start = Number(data.valueOffsets[k]), end = Number(data.valueOffsets[k + 1]);
        return base64(data.values.subarray(start, end));
      }
      case Type.Map: {
        const start = Number(data.valueOffsets[k]), end = Number(data.valueOffsets[k + 1]);
        const entries = data.children[0];
        const out = [];
        for (let j = start; j < end; j++) {
          out.push([valueAt(entries.children[0], j), valueAt(entries.children[1], j)]);
        }
        return canonicalMap(out);
      }
      case Type.Date: return dateText(t.unit === DateUnit.DAY ? data.values[k] : Number(BigInt(data.values[k]) / 86400000n));
      case Type.Timestamp: {
        const raw = BigInt(data.values[k]);
        const micros = t.unit === TimeUnit.NANOSECOND ? raw / 1000n : raw * toMicros[t.unit];
        return timestampText(micros, t.timezone != null && t.timezone !== '');
      }
      case Type.Decimal: {
        let v = 0n;
        for (let w = 3; w >= 0; w--) v = (v << 32n) | BigInt(data.values[4 * k + w]);
        if (v >= 1n << 127n) v -= 1n << 128n;
        return decimalText(v, t.scale);
      }
      case Type.Struct: {
        const out = {};
        t.children.forEach((field, j) => { out[field.name] = valueAt(data.children[j], k); });
        return out;
      }
      case Type.List: case Type.LargeList: {
        const start = Number(data.valueOffsets[k]), end = Number(data.valueOffsets[k + 1]);
        const items = [];
        for (let j = start; j < end; j++) items.push(valueAt(data.children[0], j));
        return items;
      }
      default: throw new Error(`arrow: unexpected type ${t}`);
    }
  };
  return async (file) => {
    const table = arrow.tableFromIPC(wasm.readParquet(readFileSync(file)).intoIPCStream());
    const rows = [];
    for (const batch of table.batches) {
      for (let i = 0; i < batch.numRows; i++) {
        const out = {};
        batch.schema.fields.forEach((field, j) => { out[field.name] = valueAt(batch.data.children[j], i); });
        rows.push(out);
      }
    }
    return rows;
  };
}

// ---- footer metadata (hyparquet's own thrift decoder) ----
async function openMetadata() {
  const { parquetMetadata } = await import('hyparquet');
  return async (file) => {
    const buf = readFileSync(file);
    return parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  };
}

function jsonReplacer(_key, v) {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return base64(v);
  if (v instanceof Date) return v.toISOString();
  return v;
}

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--reader');
  if (at < 0 || at + 1 >= args.length) {
    console.error('usage: parquet_read.mjs --reader duckdb|hyparquet|arrow|metadata FILE...');
    process.exit(2);
  }
  const reader = args[at + 1];
  const files = args.filter((_, i) => i !== at && i !== at + 1);
  const open = { duckdb: openDuckdb, hyparquet: openHyparquet, arrow: openArrow, metadata: openMetadata }[reader];
  if (!open) { console.error(`unknown reader ${reader}`); process.exit(2); }
  const read = await open();
  const key = reader === 'metadata' ? 'metadata' : 'rows';
  for (const file of files) {
    let line;
    try {
      line = JSON.stringify({ file, [key]: await read(file) }, jsonReplacer);
    } catch (err) {
      line = JSON.stringify({ file, error: String(err?.stack ?? err) });
    }
    process.stdout.write(line + '\n');
  }
}

await main();
