// bench/meta_duckdb.mjs: run one SQL query in DuckDB (npm @duckdb/node-api) over a call-record CSV.
//
// Usage: node bench/meta_duckdb.mjs CSV SQL [THREADS]
//   CSV      call-record CSV with header (bantay simulate calls)
//   SQL      query over `calls`, a view on read_csv_auto of CSV: DuckDB scans the file for the
//            query and reads only the columns it needs (faster than loading a table first:
//            1.6x for all columns, 1.3x for the six used, 11.2 M records, 2026-12-06); the
//            first column of its first row is printed on stdout
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
await conn.run(`CREATE VIEW calls AS SELECT * FROM read_csv_auto(${quoted}, header = true)`);
const reader = await conn.runAndReadAll(sql);
const rows = reader.getRows();
console.log(String(rows[0][0]));
