///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//DESCRIPTION Chapter 5, "Batch operations": loads N customers rows into SQLite, DuckDB and PostgreSQL row by row, batched and in bulk (COPY, Appender, read_csv), prints rows/s next to the chapter's Python (sqlite3 executemany) and checks counts and sums.
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//DEPS org.duckdb:duckdb_jdbc:2.0.0.1
//DEPS org.postgresql:postgresql:42.7.13
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Bench.java
//SOURCES ../lib/src/main/java/elkit/Charts.java
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Progress.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalPostgres.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import elkit.Bench;
import elkit.Charts;
import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Progress;
import elkit.Table;
import elkit.local.LocalPostgres;
import org.duckdb.DuckDBConnection;
import org.postgresql.PGConnection;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Usage: bench-load [rows] [--verbose]   (default 1,000,000)
 * Loads N rows of customers several ways into each database and prints rows per second. Row by row
 * with autocommit is too slow for big N: it loads a sample of at most {@value #ROW_BY_ROW_SAMPLE}
 * rows and extrapolates; so does DuckDB's JDBC batch (at most {@value #DUCKDB_BATCHED_SAMPLE}).
 * After each load the row count and the sums of ids and totals are checked. Then the chapter's
 * Python (sqlite3, executemany, one commit) loads the same rows into SQLite in the same run.
 * If a database fails (PG_URL unreachable), the table of what was measured is printed with the error.
 * A benchmark, not a test.
 */
class bench_load {

    static final int ROW_BY_ROW_SAMPLE = 2_000;
    static final int DUCKDB_BATCHED_SAMPLE = 50_000;
    static final int BATCH_SIZE = 10_000;

    /** One way to load: its name, the most rows worth loading that way, the table it loads into, the load. */
    record Method(String name, int sample, String createTable, Load load) {}

    /** One database under test: how to connect, its file (new for each load, as Python's; null for a server), the ways to load it. */
    record Target(String name, String url, Path file, Properties props, List<Method> methods) {}

    @FunctionalInterface
    interface Load {
        void load(Connection conn, int rows) throws Exception;
    }

    /** The chapter's SQLite block, scaled up: executemany and one commit. Prints "rows seconds count cents". */
    static final String PYTHON = """
            import sqlite3, sys, time
            n, path = int(sys.argv[1]), sys.argv[2]
            conn = sqlite3.connect(path)
            conn.execute("DROP TABLE IF EXISTS bench_customers")
            conn.execute("CREATE TABLE bench_customers (customer_id INTEGER PRIMARY KEY, name TEXT, email TEXT, total_spent REAL)")
            t0 = time.perf_counter()
            conn.executemany("INSERT INTO bench_customers (customer_id, name, email, total_spent) VALUES (?, ?, ?, ?)",
                             ((i, f"Customer {i}", f"customer{i}@example.com", (i % 1000000) / 100) for i in range(1, n + 1)))
            conn.commit()
            seconds = time.perf_counter() - t0
            count, total = conn.execute("SELECT COUNT(*), SUM(total_spent) FROM bench_customers").fetchone()
            conn.close()
            print(n, seconds, count, round(total * 100))
            """;

    static final Options OPTIONS = Options.usage("bench-load [rows]")
            .argument("rows", "rows to load per method (default: 1,000,000)")
            .env("PostgreSQL", "ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(bench_load::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        int rows = Bench.rows("bench-load", args, 1_000_000);
        Path work = Env.workDir();
        Path sqliteFile = work.resolve("bench.db"), duckdbFile = work.resolve("bench.duckdb"),
                csvFile = work.resolve("bench-customers.csv"),
                parquetFile = work.resolve("bench-customers.parquet"), pythonFile = work.resolve("bench-python.db");
        var files = List.of(sqliteFile, duckdbFile, work.resolve("bench.duckdb.wal"), csvFile, parquetFile, pythonFile);
        for (Path file : files) Files.deleteIfExists(file);
        String machine = Bench.machine();
        System.out.println(machine);
        System.out.printf(Locale.US, "Loading %,d customers rows into each database (row by row: a sample of at most %,d, extrapolated)%n",
                rows, ROW_BY_ROW_SAMPLE);

        var results = new ArrayList<Map<String, Object>>();
        Bench.PythonRun python = null;
        try (var local = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            var pgProps = new Properties();
            pgProps.setProperty("user", env.getOrDefault("PG_USER", ""));
            pgProps.setProperty("password", env.getOrDefault("PG_PASSWORD", ""));
            pgProps.setProperty("connectTimeout", "5");
            var pgRewrite = new Properties();
            pgRewrite.putAll(pgProps);
            pgRewrite.setProperty("reWriteBatchedInserts", "true"); // pgjdbc sends a batch as multi-row INSERTs

            String sqliteTable = "CREATE TABLE bench_customers (customer_id INTEGER PRIMARY KEY, name TEXT, email TEXT, total_spent REAL)";
            String duckdbTable = "CREATE TABLE bench_customers (customer_id INTEGER PRIMARY KEY, name VARCHAR, email VARCHAR, total_spent DOUBLE)";
            String duckdbNoKey = "CREATE TABLE bench_customers (customer_id INTEGER, name VARCHAR, email VARCHAR, total_spent DOUBLE)";
            String pgTable = "CREATE TABLE bench_customers (customer_id INTEGER PRIMARY KEY, name TEXT, email TEXT, total_spent NUMERIC(12, 2))";
            int all = Integer.MAX_VALUE;
            var targets = List.of(
                    new Target("SQLite", "jdbc:sqlite:" + sqliteFile, sqliteFile, new Properties(), List.of(
                            new Method("row by row, autocommit", ROW_BY_ROW_SAMPLE, sqliteTable, bench_load::rowByRow),
                            new Method("one transaction, no batch", all, sqliteTable, bench_load::oneTransaction),
                            new Method("batched, one transaction", all, sqliteTable, bench_load::batched))),
                    // sqlite-jdbc asks SQLite for the generated key after every executeUpdate unless told not to
                    new Target("SQLite", "jdbc:sqlite:" + sqliteFile + "?jdbc.get_generated_keys=false", sqliteFile, new Properties(), List.of(
                            new Method("one transaction, no batch, no keys", all, sqliteTable, bench_load::oneTransaction),
                            new Method("batched, no keys", all, sqliteTable, bench_load::batched))),
                    new Target("DuckDB", "jdbc:duckdb:" + duckdbFile, duckdbFile, new Properties(), List.of(
                            new Method("row by row, autocommit", ROW_BY_ROW_SAMPLE, duckdbTable, bench_load::rowByRow),
                            // DuckDB's JDBC batch runs the INSERT once per row (a few thousand rows/s here)
                            new Method("batched, one transaction", DUCKDB_BATCHED_SAMPLE, duckdbTable, bench_load::batched),
                            new Method("bulk: Appender, primary key", all, duckdbTable, bench_load::duckdbAppender),
                            new Method("bulk: Appender, no key", all, duckdbNoKey, bench_load::duckdbAppender),
                            new Method("bulk: COPY FROM csv, primary key", all, duckdbTable, (conn, n) -> duckdbCopy(conn, csvFile)),
                            new Method("bulk: COPY FROM csv, no key", all, duckdbNoKey, (conn, n) -> duckdbCopy(conn, csvFile)))),
                    // the same COPY into an in-memory database: the read alone, without writing a database file
                    new Target("DuckDB in memory", "jdbc:duckdb:", null, new Properties(), List.of(
                            new Method("bulk: COPY FROM csv, no key", all, duckdbNoKey, (conn, n) -> duckdbCopy(conn, csvFile)),
                            new Method("bulk: COPY FROM parquet, no key", all, duckdbNoKey, (conn, n) -> duckdbCopy(conn, parquetFile)))),
                    new Target("PostgreSQL", env.get("PG_URL"), null, pgProps, List.of(
                            new Method("row by row, autocommit", ROW_BY_ROW_SAMPLE, pgTable, bench_load::rowByRow),
                            new Method("batched, one transaction", all, pgTable, bench_load::batched),
                            new Method("bulk: COPY FROM STDIN", all, pgTable, bench_load::postgresCopy))),
                    new Target("PostgreSQL", env.get("PG_URL"), null, pgRewrite, List.of(
                            new Method("batched, reWriteBatchedInserts", all, pgTable, bench_load::batched))));

            try (var progress = Progress.start("CSV and Parquet files for COPY, then Python sqlite3", 2)) {
                writeCsv(csvFile, rows, parquetFile); // DuckDB's COPY reads them; written before the clock starts
                progress.step();
                python = Bench.python(PYTHON, Integer.toString(rows), pythonFile.toString()); // next to the SQLite rows
            }
            for (var target : targets) {
                for (var method : target.methods()) {
                    try {
                        results.add(measure(target, method, Math.min(rows, method.sample()), rows));
                    } catch (Cli.Failure e) {
                        printResults(results);
                        throw e;
                    } catch (Exception e) {
                        printResults(results);
                        throw Cli.fail("%s at %s, %s: %s (the table above is what was measured before)",
                                target.name(), target.url(), method.name(), oneLine(e));
                    }
                }
            }
        } finally {
            Bench.cleanUp(work, files);
        }
        printResults(results);
        System.out.println("SQLite has no separate bulk path: one transaction with a prepared batch is its fastest way in.");
        String pythonRate = python(rows, python, results);
        System.out.println(chart(rows, machine, results, pythonRate).line());
    }

    /** The table's rows/s as bars (log scale: row by row and COPY are three orders apart), Python's next to SQLite's. */
    static Charts.Chart chart(int rows, String machine, List<Map<String, Object>> results, String pythonRate) throws Exception {
        var bars = new ArrayList<Charts.Bar>();
        for (var row : results) {
            bars.add(new Charts.Bar(row.get("database") + ", " + row.get("method"), "Java", (String) row.get("rows/s")));
            boolean lastSqlite = row.get("database").equals("SQLite")
                    && (row == results.get(results.size() - 1) || !results.get(results.indexOf(row) + 1).get("database").equals("SQLite"));
            if (lastSqlite && pythonRate != null) {
                bars.add(new Charts.Bar("SQLite, Python sqlite3 executemany, one commit", "Python", pythonRate));
            }
        }
        return Charts.draw(Env.workDir().resolve("bench"), new Charts.Spec("bench-load",
                String.format(Locale.US, "bench-load: rows/s (higher is better), %,d customers rows", rows), machine, "rows/s", bars, true));
    }

    static String oneLine(Exception e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return String.valueOf(root.getMessage() != null ? root.getMessage() : root).replaceAll("\\s*\\R\\s*", " ");
    }

    static void printResults(List<Map<String, Object>> results) {
        if (results.isEmpty()) return;
        Cli.step("Rows per second (higher is better)");
        Table.print(results);
    }

    /** The chapter's Python on the same rows, and how the fastest SQLite batch compares; Python's rows/s as printed. */
    static String python(int rows, Bench.PythonRun python, List<Map<String, Object>> results) {
        Cli.step("The chapter's Python, same rows, same run (just before the SQLite rows): sqlite3 executemany, one commit");
        if (!python.ran()) {
            System.out.println(python.problem());
            return null;
        }
        String[] f = python.lines().get(python.lines().size() - 1).split(" ");
        double seconds = Double.parseDouble(f[1]);
        boolean checked = Long.parseLong(f[2]) == rows && Long.parseLong(f[3]) == Bench.expectedCents(rows);
        double pythonRate = rows / seconds;
        double javaRate = results.stream().filter(r -> r.get("database").equals("SQLite"))
                .mapToDouble(r -> Double.parseDouble(((String) r.get("rows/s")).replace(",", ""))).max().orElse(0);
        System.out.printf(Locale.US, "Python sqlite3: %,d rows in %.2f s, %,.0f rows/s, count and sum %s; Java's best SQLite batch is %.1fx that%n",
                rows, seconds, pythonRate, checked ? "checked" : "WRONG", javaRate / pythonRate);
        return String.format(Locale.US, "%,.0f", pythonRate);
    }

    /** Recreates the table, loads {@code loaded} rows, checks count and sums, returns a result row. */
    static Map<String, Object> measure(Target target, Method method, int loaded, int wanted) throws Exception {
        if (target.file() != null) {
            Files.deleteIfExists(target.file());
            Files.deleteIfExists(Path.of(target.file() + ".wal"));
        }
        try (var conn = DriverManager.getConnection(target.url(), target.props())) {
            try (var stmt = conn.createStatement()) {
                stmt.execute("DROP TABLE IF EXISTS bench_customers");
                stmt.execute(method.createTable());
            }
            long started;
            double seconds;
            try (var progress = Progress.start(target.name() + ", " + method.name(), 0)) {
                started = System.nanoTime();
                method.load().load(conn, loaded);
                seconds = (System.nanoTime() - started) / 1e9;
            }

            conn.setAutoCommit(true);
            var sums = Db.query(conn, "SELECT COUNT(*) AS n, SUM(customer_id) AS ids, SUM(total_spent) AS total FROM bench_customers").get(0);
            long count = ((Number) sums.get("n")).longValue(), ids = ((Number) sums.get("ids")).longValue();
            long cents = Math.round(((Number) sums.get("total")).doubleValue() * 100);
            if (count != loaded || ids != (long) loaded * (loaded + 1) / 2 || cents != Bench.expectedCents(loaded)) {
                throw Cli.fail("%s, %s: expected %d rows, ids summing to %d and totals to %d cents; found %d, %d, %d",
                        target.name(), method.name(), loaded, (long) loaded * (loaded + 1) / 2, Bench.expectedCents(loaded), count, ids, cents);
            }
            double rowsPerSecond = loaded / seconds;
            boolean extrapolated = loaded < wanted;
            var result = new LinkedHashMap<String, Object>();
            result.put("database", target.name());
            result.put("method", method.name());
            result.put("rows loaded", loaded);
            result.put("count, sums", "checked");
            result.put("seconds", String.format(Locale.US, "%.2f", seconds));
            result.put("rows/s", String.format(Locale.US, "%,.0f", rowsPerSecond));
            result.put(String.format(Locale.US, "time for %,d rows", wanted),
                    String.format(Locale.US, "%.1f s%s", wanted / rowsPerSecond, extrapolated ? " (extrapolated)" : ""));
            System.out.printf(Locale.US, "%-16s  %-34s %,10d rows in %7.2f s%n", target.name(), method.name(), loaded, seconds);
            return result;
        }
    }

    /** What a naive loader does: one INSERT, one commit, per row. */
    static void rowByRow(Connection conn, int rows) throws SQLException {
        conn.setAutoCommit(true);
        try (var insert = conn.prepareStatement(
                "INSERT INTO bench_customers (customer_id, name, email, total_spent) VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= rows; i++) {
                bind(insert, i);
                insert.executeUpdate();
            }
        }
    }

    /** One transaction, but one executeUpdate per row: the commit is paid once, the statement call per row. */
    static void oneTransaction(Connection conn, int rows) throws SQLException {
        conn.setAutoCommit(false);
        try (var insert = conn.prepareStatement(
                "INSERT INTO bench_customers (customer_id, name, email, total_spent) VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= rows; i++) {
                bind(insert, i);
                insert.executeUpdate();
            }
            conn.commit();
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        }
    }

    /** executemany done right: a prepared statement, batches of BATCH_SIZE, one commit at the end. */
    static void batched(Connection conn, int rows) throws SQLException {
        conn.setAutoCommit(false);
        try (var insert = conn.prepareStatement(
                "INSERT INTO bench_customers (customer_id, name, email, total_spent) VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= rows; i++) {
                bind(insert, i);
                insert.addBatch();
                if (i % BATCH_SIZE == 0) insert.executeBatch();
            }
            insert.executeBatch();
            conn.commit();
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        }
    }

    /** DuckDB's Appender: rows go straight into the table's columns, no SQL per row. */
    static void duckdbAppender(Connection conn, int rows) throws SQLException {
        try (var appender = conn.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "bench_customers")) {
            for (int i = 1; i <= rows; i++) {
                appender.beginRow();
                appender.append(i);
                appender.append("Customer " + i);
                appender.append("customer" + i + "@example.com");
                appender.append(total(i));
                appender.endRow();
            }
        }
    }

    /** DuckDB's analytical bulk path, the one the chapter teaches: COPY ... FROM a file (read_csv underneath). */
    static void duckdbCopy(Connection conn, Path csv) throws SQLException {
        try (var stmt = conn.createStatement()) {
            String options = csv.toString().endsWith(".parquet") ? "(FORMAT parquet)" : "(HEADER)";
            stmt.execute("COPY bench_customers FROM " + quoted(csv) + " " + options);
        }
    }

    /** PostgreSQL's COPY FROM STDIN, streamed in chunks of CSV, built with appends only (no String.format per row). */
    static void postgresCopy(Connection conn, int rows) throws SQLException {
        var copyIn = conn.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY bench_customers (customer_id, name, email, total_spent) FROM STDIN WITH (FORMAT csv)");
        try {
            var chunk = new StringBuilder(1 << 17);
            for (int i = 1; i <= rows; i++) {
                appendCsvRow(chunk, i);
                if (chunk.length() > 1 << 16 || i == rows) {
                    byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
                    copyIn.writeToCopy(bytes, 0, bytes.length);
                    chunk.setLength(0);
                }
            }
            copyIn.endCopy();
        } finally {
            if (copyIn.isActive()) copyIn.cancelCopy();
        }
    }

    /** One customer as a CSV line; the total in cents written as 1234.56 with integer arithmetic. */
    static void appendCsvRow(StringBuilder out, int i) {
        long cents = Bench.cents(i);
        out.append(i).append(",Customer ").append(i).append(",customer").append(i).append("@example.com,")
                .append(cents / 100).append('.').append((char) ('0' + cents % 100 / 10)).append((char) ('0' + cents % 10)).append('\n');
    }

    static String quoted(Path file) {
        return "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    /** The rows as a CSV file, and that CSV as a Parquet file (by DuckDB). */
    static void writeCsv(Path file, int rows, Path parquet) throws Exception {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("customer_id,name,email,total_spent\n");
            var line = new StringBuilder();
            for (int i = 1; i <= rows; i++) {
                line.setLength(0);
                appendCsvRow(line, i);
                out.append(line);
            }
        }
        try (var conn = DriverManager.getConnection("jdbc:duckdb:"); var stmt = conn.createStatement()) {
            stmt.execute("COPY (SELECT * FROM read_csv(" + quoted(file) + ")) TO " + quoted(parquet) + " (FORMAT parquet)");
        }
    }

    static void bind(java.sql.PreparedStatement insert, int i) throws SQLException {
        insert.setInt(1, i);
        insert.setString(2, "Customer " + i);
        insert.setString(3, "customer" + i + "@example.com");
        insert.setDouble(4, total(i));
    }

    static double total(int i) {
        return Bench.cents(i) / 100.0;
    }
}
