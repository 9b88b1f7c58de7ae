// Runs one DuckDB statement for scripts/bench_compare.py, in a process of its own so that the
// driver measures this process's wall time, CPU time and peak RSS exactly as it does for the
// destination. Usage: node scripts/bench_duckdb.mjs THREADS SQL_FILE
// SQL_FILE holds statements separated by ";" at the end of a line. Prints one JSON line:
// {"rows": <rows written by all COPY statements, or else the first value of the last
// statement's result>, "query_seconds": <time inside DuckDB>}.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [threads, sqlFile] = process.argv.slice(2);
const sql = readFileSync(sqlFile, 'utf8');
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
const start = performance.now();
let written = 0;
let copied = false;
let last = 0;
for (const statement of sql.split(/;\s*\n/).filter((s) => s.trim() !== '')) {
  const rows = await (await connection.run(statement)).getRows();
  // COPY returns one row: the number of rows it wrote.
  if (/^\s*COPY\b/i.test(statement) && rows.length > 0) {
    written += Number(rows[0][0]);
    copied = true;
  }
  last = rows.length > 0 ? Number(rows[0][0]) : 0;
}
if (!copied) written = last;
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ rows: written, query_seconds: seconds }) + '\n');
connection.closeSync();
instance.closeSync();
