// bench/meta_duckdb.mjs: run one SQL query in DuckDB (npm @duckdb/node-api) over a call-record CSV.
//
// Usage: node bench/meta_duckdb.mjs CSV SQL [THREADS]
//   CSV      call-record CSV with header (bantay simulate calls)
//   SQL      query over a table named `calls` (loaded from CSV with read_csv_auto); the first
//            column of its first row is printed on stdout
//   THREADS  DuckDB worker threads (default 2)
// Called by bench/meta_throughput.sh, which holds the query text shared with SQLite.
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, sql, threads = '2'] = process.argv.slice(2);
if (!csv || !sql) {
  console.error('usage: node bench/meta_duckdb.mjs CSV SQL [THREADS]');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const conn = await instance.connect();
const quoted = "'" + csv.replaceAll("'", "''") + "'";
await conn.run(`CREATE TABLE calls AS SELECT * FROM read_csv_auto(${quoted}, header = true)`);
const reader = await conn.runAndReadAll(sql);
const rows = reader.getRows();
console.log(String(rows[0][0]));
