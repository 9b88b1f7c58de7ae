// Test harness: runs the destination binary exactly as Airbyte does (config and catalog files,
// messages on stdin) and reads what it wrote with independent readers (DuckDB, zlib).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

export const BINARY = process.env.DATALAKE_BINARY ??
  path.resolve(import.meta.dirname, '../../build/destination-aws-datalake');

// The tests' time limits are multiplied by DATALAKE_TEST_TIME_FACTOR (default 1): the sanitizer
// runs (scripts/sanitize.sh) use a binary that is several times slower.
const TIME_FACTOR = Number(process.env.DATALAKE_TEST_TIME_FACTOR ?? 1);
export const timeLimit = (ms) => ms * TIME_FACTOR;
// Memory bounds likewise by DATALAKE_TEST_MEMORY_FACTOR: ASan's shadow memory, redzones and
// freed-memory quarantine multiply a process's peak RSS. The release run checks the real bounds.
const MEMORY_FACTOR = Number(process.env.DATALAKE_TEST_MEMORY_FACTOR ?? 1);
export const memoryLimit = (mib) => mib * MEMORY_FACTOR;

// A fresh directory for one test; all are removed when the process exits.
const tempDirs = [];
process.on('exit', () => tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
export function tempDir(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `e2e-${name}-`));
  tempDirs.push(dir);
  return dir;
}

export function localConfig(dir, extra = {}) {
  return {
    credentials: { credentials_title: 'Default Credentials Chain' },
    region: '',
    bucket_name: 'bucket',
    lakeformation_database_name: 'db',
    format: { format_type: 'JSONL', compression_codec: 'UNCOMPRESSED' },
    local_lake_path: path.join(dir, 'lake'),
    commit_interval_seconds: 0,
    ...extra,
  };
}

export function stream(name, properties, opts = {}) {
  const s = {
    stream: { name, json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh'] },
    sync_mode: 'full_refresh',
    destination_sync_mode: opts.mode ?? 'append',
    generation_id: opts.generation_id ?? 1,
    minimum_generation_id: opts.minimum_generation_id ?? 0,
    sync_id: opts.sync_id ?? 7,
  };
  if (opts.namespace !== undefined) s.stream.namespace = opts.namespace;
  if (opts.cursor !== undefined) {
    s.sync_mode = 'incremental';
    s.cursor_field = [opts.cursor];
    s.stream.supported_sync_modes.push('incremental');
  }
  return s;
}

export function record(streamName, data, opts = {}) {
  const r = { stream: streamName, emitted_at: opts.emitted_at ?? 1700000000000, data };
  if (opts.namespace !== undefined) r.namespace = opts.namespace;
  if (opts.meta !== undefined) r.meta = opts.meta;
  return { type: 'RECORD', record: r };
}

export function streamState(name, state, namespace) {
  const descriptor = { name };
  if (namespace !== undefined) descriptor.namespace = namespace;
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: state } } };
}

export function status(name, value, namespace) {
  const descriptor = { name };
  if (namespace !== undefined) descriptor.namespace = namespace;
  return {
    type: 'TRACE',
    trace: { type: 'STREAM_STATUS', emitted_at: 1700000000000, stream_status: { stream_descriptor: descriptor, status: value } },
  };
}

// Run a command of the binary. `input` is a string or an array of messages (objects or raw
// lines). Returns { code, stdout, stderr, messages } with stdout parsed line by line.
export async function run(args, input = '', { env } = {}) {
  return runProgram(BINARY, args, input, { env });
}

// Run `program` (the binary, or what starts it: a shell, chroot) as `run` runs the binary.
export async function runProgram(program, args, input = '', { env } = {}) {
  const text = Array.isArray(input)
    ? input.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join('\n') + '\n'
    : input;
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
  const out = [];
  const err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.stdin.on('error', () => {}); // the binary may exit before reading everything
  child.stdin.end(text);
  const code = await new Promise((resolve) => child.on('close', resolve));
  const stdout = Buffer.concat(out).toString('utf8');
  // Airbyte messages are JSON lines; anything else (usage text) is kept in `stdout` only.
  const messages = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  return { code, stdout, stderr: Buffer.concat(err).toString('utf8'), messages };
}

// Write config and catalog files into `dir` and run `write` with `messages` on stdin.
export async function write(dir, config, catalog, messages, options = {}) {
  const configPath = path.join(dir, 'config.json');
  const catalogPath = path.join(dir, 'catalog.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  fs.writeFileSync(catalogPath, JSON.stringify(catalog));
  return run(['write', '--config', configPath, '--catalog', catalogPath], messages, options);
}

// One attempt of a sync of one stream `name` with `config`: `ids` as records ({id} or
// `data(id)`), each followed by its STATE ({upto: id}), then the terminal status ('COMPLETE',
// 'INCOMPLETE', or null: none after a STARTED, as a platform whose source died sends). `crash`
// kills the process (SIGKILL) at a crash point, e.g. 'commit.states_echoed:1' right after the
// first STATE ack (DATALAKE_CRASH_AT).
export async function syncAttempt(dir, config, name, streamOpts, ids, terminal = 'COMPLETE', { crash, props, data } = {}) {
  const catalog = { streams: [stream(name, props ?? { id: { type: 'integer' } }, streamOpts)] };
  const input = terminal ? [] : [status(name, 'STARTED')];
  for (const id of ids) {
    input.push(record(name, data ? data(id) : { id }));
    input.push(streamState(name, { upto: id }));
  }
  if (terminal) input.push(status(name, terminal));
  const env = crash ? { ...process.env, DATALAKE_CRASH_AT: crash } : undefined;
  return write(dir, config, catalog, input, { env });
}

// The `upto` of every STATE a syncAttempt echoed.
export const acked = (r) => states(r).map((s) => s.stream.stream_state.upto);

// Start `write` and keep talking to it, as a platform does during a sync: `send(messages)`
// writes to its stdin (resolving once the bytes are in the pipe), `waitFor(predicate)` resolves
// with the first message on stdout that matches (rejecting if the process ends first), and
// `exited` resolves with { code, signal, stdout, stderr, messages } when it is gone. Stdin stays
// open until `end()`.
export function startWrite(dir, config, catalog, { env } = {}) {
  const configPath = path.join(dir, 'config.json');
  const catalogPath = path.join(dir, 'catalog.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  fs.writeFileSync(catalogPath, JSON.stringify(catalog));
  const child = spawn(BINARY, ['write', '--config', configPath, '--catalog', catalogPath],
    { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
  let stdout = '';
  const err = [];
  const messages = [];
  let waiters = [];
  let pending = '';
  child.stdout.setEncoding('utf8'); // a character split between chunks stays whole
  child.stdout.on('data', (d) => {
    stdout += d;
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines.filter((l) => l.startsWith('{'))) {
      const m = JSON.parse(line);
      messages.push(m);
      waiters = waiters.filter((w) => !w(m));
    }
  });
  child.stderr.on('data', (d) => err.push(d));
  child.stdin.on('error', () => {}); // the binary may exit before reading everything
  const exited = new Promise((resolve) => child.on('close', (code, signal) => {
    for (const w of waiters) w(null);
    waiters = [];
    resolve({ code, signal, messages, stdout, stderr: Buffer.concat(err).toString('utf8') });
  }));
  return {
    child,
    messages,
    exited,
    send: (input) => new Promise((resolve, reject) => {
      const text = input.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join('\n') + '\n';
      child.stdin.write(text, (e) => (e ? reject(e) : resolve()));
    }),
    end: () => child.stdin.end(),
    waitFor: (predicate) => new Promise((resolve, reject) => {
      const found = messages.find(predicate);
      if (found) return resolve(found);
      waiters.push((m) => {
        if (m === null) reject(new Error(`the destination exited first:\n${stdout.slice(-2000)}`));
        else if (predicate(m)) resolve(m);
        else return false;
        return true;
      });
    }),
  };
}

export const ofType = (result, type) => result.messages.filter((m) => m.type === type);
export const states = (result) => ofType(result, 'STATE').map((m) => m.state);
export const errors = (result) =>
  ofType(result, 'TRACE').filter((m) => m.trace.type === 'ERROR').map((m) => m.trace.error);

// Every committed data file under a table directory, recursively.
export function dataFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...dataFiles(p));
    else out.push(p);
  }
  return out.sort();
}

// Decompressed lines of one JSONL file (.json, .json.gz, .json.zst).
export function jsonLines(file) {
  let buf = fs.readFileSync(file);
  if (file.endsWith('.gz')) buf = zlib.gunzipSync(buf);
  if (file.endsWith('.zst')) buf = zlib.zstdDecompressSync ? zlib.zstdDecompressSync(buf) : null;
  return buf.toString('utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
}

export function tableDefinition(lake, database, table) {
  return JSON.parse(fs.readFileSync(path.join(lake, '_catalog', database, `${table}.json`), 'utf8'));
}

// Parse a Glue type string into a tree: {kind: 'struct', fields: [{name, type}]},
// {kind: 'array', element}, {kind: 'map', key, value}, or {kind: <primitive name>, text}
// (decimal carries precision and scale, char/varchar their length).
export function parseGlueType(glue) {
  const g = glue.trim();
  const lower = g.toLowerCase();
  if (lower.startsWith('struct<')) {
    const fields = splitTopLevel(g.slice(7, -1)).map((f) => {
      const i = f.indexOf(':');
      return { name: f.slice(0, i).trim(), type: parseGlueType(f.slice(i + 1)) };
    });
    return { kind: 'struct', fields };
  }
  if (lower.startsWith('array<')) return { kind: 'array', element: parseGlueType(g.slice(6, -1)) };
  if (lower.startsWith('map<')) {
    const [key, value] = splitTopLevel(g.slice(4, -1));
    return { kind: 'map', key: parseGlueType(key), value: parseGlueType(value) };
  }
  const m = /^(\w+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(lower);
  if (!m) throw new Error(`unparseable Glue type: ${glue}`);
  const kind = m[1] === 'integer' ? 'int' : m[1];
  const out = { kind, text: lower };
  if (kind === 'decimal') {
    out.precision = m[2] === undefined ? 10 : Number(m[2]);
    out.scale = m[3] === undefined ? 0 : Number(m[3]);
  }
  if (kind === 'char' || kind === 'varchar') out.length = Number(m[2]);
  return out;
}

// DuckDB type for a Glue type string (struct<a:T>, array<T>, map<K,V>, decimal(p,s), ...).
export function duckType(glue) {
  return duckTypeOf(parseGlueType(glue));
}

function duckTypeOf(t) {
  switch (t.kind) {
    case 'struct': return `STRUCT(${t.fields.map((f) => `"${f.name}" ${duckTypeOf(f.type)}`).join(', ')})`;
    case 'array': return `${duckTypeOf(t.element)}[]`;
    case 'map': return `MAP(${duckTypeOf(t.key)}, ${duckTypeOf(t.value)})`;
    case 'decimal': return `DECIMAL(${t.precision},${t.scale})`;
    default: {
      const type = {
        string: 'VARCHAR', char: 'VARCHAR', varchar: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER',
        smallint: 'SMALLINT', tinyint: 'TINYINT', double: 'DOUBLE', float: 'FLOAT',
        boolean: 'BOOLEAN', timestamp: 'TIMESTAMP', date: 'DATE', binary: 'BLOB',
      }[t.kind];
      if (!type) throw new Error(`no DuckDB type for Glue type ${t.text}`);
      return type;
    }
  }
}

function splitTopLevel(s) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<' || s[i] === '(') depth++;
    else if (s[i] === '>' || s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

// The data files a query engine (Athena, Trino, Spark, Hive) reads for a table of the local
// lake: those below the table's Location, or below each registered partition's Location when the
// table is partitioned, skipping hidden files and directories (names starting with '_' or '.').
export function queryFiles(lake, database, table) {
  const def = tableDefinition(lake, database, table);
  const local = (location) => path.join(lake, location.replace(/^s3:\/\//, ''));
  const locations = (def.PartitionKeys ?? []).length === 0
    ? [def.StorageDescriptor.Location]
    : tablePartitions(lake, database, table).map((p) => p.StorageDescriptor.Location);
  return locations.flatMap((l) => visibleFiles(local(l))).sort();
}

function visibleFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...visibleFiles(p));
    else out.push(p);
  }
  return out;
}

// The registered partitions (Glue PartitionInput objects) of a table of the local lake.
export function tablePartitions(lake, database, table) {
  const file = path.join(lake, '_catalog', database, `${table}.partitions.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
}

// Read a table of the local lake with DuckDB as Athena would: exactly the files queryFiles
// lists, with exactly the columns its Glue definition declares. Returns rows as JSON-friendly
// objects. With `hive`, the partition columns come from the Hive-style directories (as Athena
// takes them from the partitions, whose locations are those directories).
//
// JSON Lines files are read with the declared columns (binary columns hold base64 text, decoded
// as the JSON SerDes do). Parquet files are read one by one as Athena's Hive connector reads
// them: columns and struct fields by name (case-insensitively), missing ones as null, and each
// file's Parquet type checked against the declared Glue type (parquetTypeProblem): a file Athena
// would reject fails the read.
export async function readTable(lake, database, table, { orderBy, hive } = {}) {
  const def = tableDefinition(lake, database, table);
  const declared = def.StorageDescriptor.Columns;
  const files = queryFiles(lake, database, table);
  if (files.length === 0) return [];
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const partitioned = hive ? ', hive_partitioning=true' : '';
  const quote = (f) => `'${f.replaceAll("'", "''")}'`;
  let sql;
  if (def.Parameters.classification === 'parquet') {
    const keys = hive ? (def.PartitionKeys ?? []).map((k) => `, "${k.Name}"`).join('') : '';
    const selects = [];
    for (const file of files) {
      const tree = await parquetSchemaTree(connection, file);
      const exprs = declared.map((c) => {
        const glue = parseGlueType(c.Type);
        const field = findField(tree.children, c.Name);
        const problem = field && parquetTypeProblem(field, glue);
        if (problem) throw new Error(`${file}: column ${c.Name}: ${problem}`);
        return `${project(field, glue, `"${field?.name}"`)} AS "${c.Name}"`;
      });
      selects.push(`SELECT ${exprs.join(', ')}${keys} FROM read_parquet(${quote(file)}${partitioned})`);
    }
    sql = selects.join(' UNION ALL ');
  } else {
    const columns = declared
      .map((c) => `'${c.Name}': '${duckType(c.Type.replace(/^binary$/i, 'string')).replaceAll("'", "''")}'`)
      .join(', ');
    const list = `[${files.map(quote).join(', ')}]`;
    const select = declared
      .map((c) => (parseGlueType(c.Type).kind === 'binary' ? `from_base64("${c.Name}") AS "${c.Name}"` : `"${c.Name}"`))
      .join(', ');
    const keys = hive ? (def.PartitionKeys ?? []).map((k) => `, "${k.Name}"`).join('') : '';
    sql = `SELECT ${select}${keys} FROM read_json(${list}, format='newline_delimited', columns={${columns}}, compression='auto_detect'${partitioned})`;
  }
  if (orderBy) sql = `SELECT * FROM (${sql}) ORDER BY ${orderBy}`;
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson();
}

// The schema of a Parquet file as a tree of parquet_schema() rows ({...row, children}).
export async function parquetSchemaTree(connection, file) {
  const reader = await connection.runAndReadAll(`SELECT * FROM parquet_schema('${file.replaceAll("'", "''")}')`);
  const rows = reader.getRowObjectsJson();
  let i = 0;
  const node = () => {
    const row = rows[i++];
    const children = [];
    for (let c = 0; c < Number(row.num_children ?? 0); c++) children.push(node());
    return { ...row, children };
  };
  return node();
}

// The Parquet schema rows of a file (parquet_schema()), for tests that check physical types.
export async function parquetSchema(file) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(`SELECT * FROM parquet_schema('${file.replaceAll("'", "''")}')`);
  return reader.getRowObjectsJson();
}

function findField(children, name) {
  return children.find((c) => c.name === name) ??
    children.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

// Why Athena would refuse to read Parquet node `node` as Glue type `glue` (null if it reads).
// Athena's Hive connector wants the physical type and annotation that match the table type:
// INT32 + INT(8/16/32) for tinyint/smallint/int, INT64 for bigint, FLOAT for float, DOUBLE for
// double, DECIMAL(p,s) for decimal(p,s), UTF8 BYTE_ARRAY for string/char/varchar, unannotated
// BYTE_ARRAY for binary, INT32 DATE, INT64 TIMESTAMP or INT96 for timestamp, and LIST / MAP /
// plain groups for array / map / struct (checked recursively).
export function parquetTypeProblem(node, glue) {
  const got = `${node.type ?? 'group'}${node.converted_type ? ` (${node.converted_type})` : ''}`;
  const bad = `Parquet ${got} is incompatible with Glue type ${glue.text ?? glue.kind}`;
  const annotation = node.converted_type ?? null;
  switch (glue.kind) {
    case 'struct': {
      if (node.type || annotation) return bad;
      for (const f of glue.fields) {
        const child = findField(node.children, f.name);
        const problem = child && parquetTypeProblem(child, f.type);
        if (problem) return `${f.name}: ${problem}`;
      }
      return null;
    }
    case 'array': {
      if (annotation !== 'LIST' || node.children.length !== 1) return bad;
      const repeated = node.children[0];
      return repeated.children.length === 1 ? parquetTypeProblem(repeated.children[0], glue.element) : bad;
    }
    case 'map': {
      if (annotation !== 'MAP' || node.children.length !== 1) return bad;
      const [key, value] = node.children[0].children;
      if (!key || key.name !== 'key' || key.repetition_type !== 'REQUIRED') return `${bad}: the key must be REQUIRED`;
      return parquetTypeProblem(key, glue.key) ?? (value ? parquetTypeProblem(value, glue.value) : null);
    }
    case 'tinyint': return node.type === 'INT32' && annotation === 'INT_8' ? null : bad;
    case 'smallint': return node.type === 'INT32' && annotation === 'INT_16' ? null : bad;
    case 'int': return node.type === 'INT32' && (annotation === null || annotation === 'INT_32') ? null : bad;
    case 'bigint': return node.type === 'INT64' && (annotation === null || annotation === 'INT_64') ? null : bad;
    case 'float': return node.type === 'FLOAT' && annotation === null ? null : bad;
    case 'double': return node.type === 'DOUBLE' && annotation === null ? null : bad;
    case 'boolean': return node.type === 'BOOLEAN' ? null : bad;
    case 'string': case 'char': case 'varchar': return node.type === 'BYTE_ARRAY' && annotation === 'UTF8' ? null : bad;
    case 'binary': return node.type === 'BYTE_ARRAY' && annotation === null ? null : bad;
    case 'date': return node.type === 'INT32' && annotation === 'DATE' ? null : bad;
    case 'timestamp':
      return node.type === 'INT96' || (node.type === 'INT64' && /^TIMESTAMP_(MILLIS|MICROS)$/.test(annotation ?? '')) ? null : bad;
    case 'decimal':
      return annotation === 'DECIMAL' && Number(node.precision) === glue.precision && Number(node.scale) === glue.scale ? null : bad;
    default: return bad;
  }
}

let lambdaVariables = 0;

// SQL projecting `expr`, the value of Parquet node `node` (undefined: the file lacks it), onto
// Glue type `glue`: struct fields by name, missing ones null, leaves cast to the declared type.
function project(node, glue, expr) {
  if (!node) return `NULL::${duckTypeOf(glue)}`;
  switch (glue.kind) {
    case 'struct': {
      const fields = glue.fields.map((f) => {
        const child = findField(node.children, f.name);
        return `"${f.name}" := ${project(child, f.type, `${expr}."${child?.name}"`)}`;
      });
      return `CASE WHEN ${expr} IS NULL THEN NULL ELSE struct_pack(${fields.join(', ')}) END`;
    }
    case 'array': {
      const element = node.children[0].children[0];
      const v = `x${++lambdaVariables}`;
      return `list_transform(${expr}, ${v} -> ${project(element, glue.element, v)})`;
    }
    default:
      return `CAST(${expr} AS ${duckTypeOf(glue)})`;
  }
}

// The rows icebird (npm, an Iceberg reader independent of the destination) reads from the table
// version `metadataUri` (s3://bucket/...), whose objects are below lake/<bucket>/; sorted by id.
// A snapshot without data files is [] (icebird reads no such table: its summary must say so).
const ICEBERG_READER = path.resolve(import.meta.dirname, '../tools/iceberg_read.mjs');
export function readIceberg(lake, metadataUri) {
  const location = metadataUri.slice(0, metadataUri.indexOf('/metadata/'));
  const out = execFileSync(process.execPath, [ICEBERG_READER, lake, location, path.basename(metadataUri)],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
  const result = JSON.parse(out.trim().split('\n')[0]);
  if (result.error === 'No data manifest files found for current snapshot') {
    const metadata = JSON.parse(fs.readFileSync(path.join(lake, metadataUri.slice('s3://'.length)), 'utf8'));
    const current = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id']);
    if (current?.summary['total-data-files'] !== '0' || current?.summary['total-records'] !== '0') {
      throw new Error(`icebird on ${metadataUri}: ${result.error}, but the snapshot says ${JSON.stringify(current?.summary)}`);
    }
    return [];
  }
  if (result.error !== undefined) throw new Error(`icebird on ${metadataUri}: ${result.error}`);
  return result.rows.sort((a, b) => Number(a.id) - Number(b.id));
}

// Decode Avro files of the local lake (s3:// URIs) with Debian's python3-avro, an Avro
// implementation independent of the destination's: [{file, meta, records}] (tests/tools/avro_read.py).
const AVRO_READER = path.resolve(import.meta.dirname, '../tools/avro_read.py');
export function readAvro(lake, uris) {
  const files = uris.map((u) => path.join(lake, u.slice('s3://'.length)));
  const out = execFileSync('/usr/bin/python3', [AVRO_READER, ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.trim().split('\n').map((l) => {
    const r = JSON.parse(l);
    if (r.error) throw new Error(`python3-avro on ${r.file}: ${r.error}`);
    return r;
  });
}

// Check an Iceberg table version of the local lake against the spec's invariants (reference:
// the spec's "Table Metadata Fields", manifest list and manifest schemas): the metadata's
// required fields and their consistency; for the current snapshot, its manifest list and every
// manifest decoded by python3-avro: header keys, field ids in the Avro schema, the list's counts
// and lengths against the manifests, explicit sequence numbers on all but ADDED entries, each
// live data file's size, and no file live twice. `previous`: the metadata file this one
// replaced (same table-uuid, named last in metadata-log). Returns the current snapshot's live
// data files. Throws (an assertion) on the first violation.
export function checkIcebergVersion(lake, metadataUri, previous) {
  const local = (uri) => path.join(lake, uri.slice('s3://'.length));
  const m = JSON.parse(fs.readFileSync(local(metadataUri), 'utf8'));
  const fail = (what) => { throw new Error(`${metadataUri}: ${what}`); };
  const required = ['format-version', 'table-uuid', 'location', 'last-sequence-number', 'last-updated-ms',
    'last-column-id', 'schemas', 'current-schema-id', 'partition-specs', 'default-spec-id',
    'last-partition-id', 'sort-orders', 'default-sort-order-id'];
  for (const key of required) if (m[key] === undefined) fail(`no ${key}`);
  if (m['format-version'] !== 2) fail('format-version is not 2');
  for (const v1 of ['schema', 'partition-spec']) if (m[v1] !== undefined) fail(`v1 member ${v1}`);
  const ids = (fields, out = []) => {
    for (const f of fields) {
      out.push(f.id);
      const walk = (t) => {
        if (typeof t !== 'object') return;
        if (t.type === 'struct') ids(t.fields, out);
        if (t.type === 'list') { out.push(t['element-id']); walk(t.element); }
        if (t.type === 'map') { out.push(t['key-id'], t['value-id']); walk(t.key); walk(t.value); }
      };
      walk(f.type);
    }
    return out;
  };
  for (const s of m.schemas) {
    const all = ids(s.fields);
    if (new Set(all).size !== all.length) fail(`schema ${s['schema-id']} repeats a field id`);
    if (Math.max(0, ...all) > m['last-column-id']) fail(`schema ${s['schema-id']} has an id above last-column-id`);
  }
  const schemaIds = new Set(m.schemas.map((s) => s['schema-id']));
  if (!schemaIds.has(m['current-schema-id'])) fail('current-schema-id names no schema');
  const specIds = new Set(m['partition-specs'].map((s) => s['spec-id']));
  if (!specIds.has(m['default-spec-id'])) fail('default-spec-id names no spec');
  for (const spec of m['partition-specs']) {
    for (const f of spec.fields) if (f['field-id'] > m['last-partition-id']) fail(`partition field ${f.name} above last-partition-id`);
  }
  const snapshots = new Map();
  for (const s of m.snapshots ?? []) {
    for (const key of ['snapshot-id', 'sequence-number', 'timestamp-ms', 'manifest-list', 'summary']) {
      if (s[key] === undefined) fail(`snapshot without ${key}`);
    }
    if (snapshots.has(s['snapshot-id'])) fail(`snapshot ${s['snapshot-id']} twice`);
    snapshots.set(s['snapshot-id'], s);
    if (s['sequence-number'] > m['last-sequence-number']) fail(`snapshot ${s['snapshot-id']} after last-sequence-number`);
    if (!['append', 'overwrite', 'delete', 'replace'].includes(s.summary.operation)) fail('summary without a valid operation');
    if (s['schema-id'] !== undefined && !schemaIds.has(s['schema-id'])) fail(`snapshot ${s['snapshot-id']} names no schema`);
  }
  const current = m['current-snapshot-id'] ?? -1;
  if ((m.refs?.main?.['snapshot-id'] ?? -1) !== current) fail('refs.main is not current-snapshot-id');
  for (const [name, ref] of Object.entries(m.refs ?? {})) {
    if (!snapshots.has(ref['snapshot-id'])) fail(`ref ${name} names no snapshot`);
  }
  for (const entry of m['snapshot-log'] ?? []) {
    if (!snapshots.has(entry['snapshot-id'])) fail(`snapshot-log names expired snapshot ${entry['snapshot-id']}`);
  }
  if (previous !== undefined) {
    const before = JSON.parse(fs.readFileSync(local(previous), 'utf8'));
    if (before['table-uuid'] !== m['table-uuid']) fail('table-uuid changed');
    if (m['metadata-log'].at(-1)?.['metadata-file'] !== previous) fail('metadata-log does not end with the previous file');
    if (m['last-sequence-number'] < before['last-sequence-number']) fail('last-sequence-number went down');
  }
  if (current === -1) return [];

  const head = snapshots.get(current);
  const [list] = readAvro(lake, [head['manifest-list']]);
  const manifests = readAvro(lake, list.records.map((l) => l.manifest_path));
  const live = new Set();
  list.records.forEach((listed, i) => {
    const { meta, records } = manifests[i];
    const where = `manifest ${listed.manifest_path}`;
    if (fs.statSync(local(listed.manifest_path)).size !== listed.manifest_length) fail(`${where}: manifest_length`);
    for (const key of ['schema', 'schema-id', 'partition-spec', 'partition-spec-id', 'format-version', 'content']) {
      if (meta[key] === undefined) fail(`${where}: header without ${key}`);
    }
    if (Number(meta['partition-spec-id']) !== listed.partition_spec_id) fail(`${where}: partition_spec_id`);
    if ((meta.content === 'deletes' ? 1 : 0) !== listed.content) fail(`${where}: content`);
    const spec = m['partition-specs'].find((s) => s['spec-id'] === listed.partition_spec_id);
    if (!spec) fail(`${where}: names no spec`);
    const avro = JSON.parse(meta['avro.schema']);
    const dataFile = avro.fields.find((f) => f.name === 'data_file');
    if (dataFile?.['field-id'] !== 2) fail(`${where}: data_file without field-id 2`);
    const partition = dataFile.type.fields.find((f) => f.name === 'partition');
    if (partition['field-id'] !== 102) fail(`${where}: partition without field-id 102`);
    const partitionIds = partition.type.fields.map((f) => f['field-id']);
    if (JSON.stringify(partitionIds) !== JSON.stringify(spec.fields.map((f) => f['field-id']))) fail(`${where}: partition field ids`);
    const count = { 0: 0, 1: 0, 2: 0 };
    const rows = { 0: 0, 1: 0, 2: 0 };
    for (const e of records) {
      count[e.status] += 1;
      rows[e.status] += e.data_file.record_count;
      if (e.status !== 1 && (e.sequence_number === null || e.file_sequence_number === null)) fail(`${where}: a non-ADDED entry without sequence numbers`);
      if (e.status !== 1 && e.sequence_number < listed.min_sequence_number) fail(`${where}: an entry before min_sequence_number`);
      if (e.status === 2) continue;
      const file = e.data_file.file_path;
      if (live.has(file)) fail(`${file} live twice`);
      live.add(file);
      if (fs.statSync(local(file)).size !== e.data_file.file_size_in_bytes) fail(`${file}: file_size_in_bytes`);
    }
    const counts = [listed.existing_files_count, listed.added_files_count, listed.deleted_files_count];
    if (JSON.stringify(counts) !== JSON.stringify([count[0], count[1], count[2]])) fail(`${where}: file counts ${counts}`);
    const rowCounts = [listed.existing_rows_count, listed.added_rows_count, listed.deleted_rows_count];
    if (JSON.stringify(rowCounts) !== JSON.stringify([rows[0], rows[1], rows[2]])) fail(`${where}: row counts ${rowCounts}`);
    if (listed.min_sequence_number > listed.sequence_number) fail(`${where}: min_sequence_number`);
  });
  return [...live].sort();
}
