///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "Batch operations": loads N customers rows into SQLite, DuckDB and PostgreSQL row by row, batched and in bulk (COPY, Appender), and prints rows/s.
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//DEPS org.duckdb:duckdb_jdbc:2.0.0.1
//DEPS org.postgresql:postgresql:42.7.13
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalPostgres.java

import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Table;
import elkit.local.LocalPostgres;
import org.duckdb.DuckDBConnection;
import org.postgresql.PGConnection;

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
 * Usage: bench-load [N] [--verbose]   (default N = 1,000,000)
 * Loads N rows of customers three ways into each database and prints rows per second. Row by row
 * with autocommit is too slow for big N: it loads a sample of at most {@value #ROW_BY_ROW_SAMPLE}
 * rows and extrapolates; so does DuckDB's JDBC batch (at most {@value #DUCKDB_BATCHED_SAMPLE}).
 * After each load the row count is checked. A benchmark, not a test.
 */
class bench_load {

    static final int ROW_BY_ROW_SAMPLE = 2_000;
    static final int DUCKDB_BATCHED_SAMPLE = 50_000;
    static final int BATCH_SIZE = 10_000;

    /** One database under test: how to connect, the most rows worth batching one by one, its bulk path if any. */
    record Target(String name, String url, Properties props, String createTable, int batchedSample, Bulk bulk) {}

    @FunctionalInterface
    interface Bulk {
        void load(Connection conn, int rows) throws Exception;
    }

    public static void main(String[] args) {
        Cli.run(args, bench_load::lesson);
    }

    static void lesson(List<String> args) throws Exception {
        int rows = parseRows(args);
        Path work = Env.workDir();
        Files.deleteIfExists(work.resolve("bench.db"));
        Files.deleteIfExists(work.resolve("bench.duckdb"));
        Files.deleteIfExists(work.resolve("bench.duckdb.wal"));
        System.out.printf(Locale.US, "Loading %,d customers rows into each database (row by row: a sample of at most %,d, extrapolated)%n",
                rows, ROW_BY_ROW_SAMPLE);

        try (var local = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            var pgProps = new Properties();
            pgProps.setProperty("user", env.getOrDefault("PG_USER", ""));
            pgProps.setProperty("password", env.getOrDefault("PG_PASSWORD", ""));
            pgProps.setProperty("connectTimeout", "5");
            pgProps.setProperty("reWriteBatchedInserts", "true"); // pgjdbc sends a batch as multi-row INSERTs

            var targets = List.of(
                    new Target("SQLite", "jdbc:sqlite:" + work.resolve("bench.db"), new Properties(),
                            "CREATE TABLE bench_customers (customer_id INTEGER PRIMARY KEY, name TEXT, email TEXT, total_spent REAL)",
                            Integer.MAX_VALUE, null),
                    new Target("DuckDB", "jdbc:duckdb:" + work.resolve("bench.duckdb"), new Properties(),
                            "CREATE TABLE bench_customers (customer_id INTEGER PRIMARY KEY, name VARCHAR, email VARCHAR, total_spent DOUBLE)",
                            // DuckDB's JDBC batch runs the INSERT once per row (a few thousand rows/s here)
                            DUCKDB_BATCHED_SAMPLE, bench_load::duckdbAppender),
                    new Target("PostgreSQL", env.get("PG_URL"), pgProps,
                            "CREATE TABLE bench_customers (customer_id INTEGER PRIMARY KEY, name TEXT, email TEXT, total_spent NUMERIC(12, 2))",
                            Integer.MAX_VALUE, bench_load::postgresCopy));

            var results = new ArrayList<Map<String, Object>>();
            for (var target : targets) {
                int sample = Math.min(rows, ROW_BY_ROW_SAMPLE);
                results.add(measure(target, "row by row, autocommit", sample, rows, bench_load::rowByRow));
                results.add(measure(target, "batched, one transaction", Math.min(rows, target.batchedSample()), rows, bench_load::batched));
                if (target.bulk() != null) {
                    String method = target.name().equals("DuckDB") ? "bulk: Appender" : "bulk: COPY";
                    results.add(measure(target, method, rows, rows, target.bulk()));
                }
            }
            Cli.step("Rows per second (higher is better)");
            Table.print(results);
            System.out.println("SQLite has no separate bulk path: one transaction with a prepared batch is its fastest way in.");
        }
    }

    /** Recreates the table, loads {@code loaded} rows with {@code method}, checks the count, returns a result row. */
    static Map<String, Object> measure(Target target, String method, int loaded, int wanted, Bulk load) throws Exception {
        try (var conn = DriverManager.getConnection(target.url(), target.props())) {
            try (var stmt = conn.createStatement()) {
                stmt.execute("DROP TABLE IF EXISTS bench_customers");
                stmt.execute(target.createTable());
            }
            long started = System.nanoTime();
            load.load(conn, loaded);
            double seconds = (System.nanoTime() - started) / 1e9;

            conn.setAutoCommit(true);
            long count = ((Number) Db.query(conn, "SELECT COUNT(*) AS n FROM bench_customers").get(0).get("n")).longValue();
            if (count != loaded) {
                throw Cli.fail("%s, %s: expected %d rows after the load, found %d", target.name(), method, loaded, count);
            }
            double rowsPerSecond = loaded / seconds;
            boolean extrapolated = loaded < wanted;
            var result = new LinkedHashMap<String, Object>();
            result.put("database", target.name());
            result.put("method", method);
            result.put("rows loaded", loaded);
            result.put("count checked", count == loaded ? "yes" : "NO");
            result.put("seconds", String.format(Locale.US, "%.2f", seconds));
            result.put("rows/s", String.format(Locale.US, "%,.0f", rowsPerSecond));
            result.put(String.format(Locale.US, "time for %,d rows", wanted),
                    String.format(Locale.US, "%.1f s%s", wanted / rowsPerSecond, extrapolated ? " (extrapolated)" : ""));
            System.out.printf(Locale.US, "%-10s  %-26s %,10d rows in %7.2f s%n", target.name(), method, loaded, seconds);
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

    /** PostgreSQL's COPY FROM STDIN, streamed in chunks of CSV. */
    static void postgresCopy(Connection conn, int rows) throws SQLException {
        var copyIn = conn.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY bench_customers (customer_id, name, email, total_spent) FROM STDIN WITH (FORMAT csv)");
        try {
            var chunk = new StringBuilder();
            for (int i = 1; i <= rows; i++) {
                chunk.append(i).append(",Customer ").append(i).append(",customer").append(i).append("@example.com,")
                        .append(String.format(Locale.US, "%.2f", total(i))).append('\n');
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

    static void bind(java.sql.PreparedStatement insert, int i) throws SQLException {
        insert.setInt(1, i);
        insert.setString(2, "Customer " + i);
        insert.setString(3, "customer" + i + "@example.com");
        insert.setDouble(4, total(i));
    }

    static double total(int i) {
        return (i % 100_000) / 10.0;
    }

    static int parseRows(List<String> args) {
        if (args.isEmpty()) return 1_000_000;
        try {
            int rows = Integer.parseInt(args.get(0).replace("_", "").replace(",", ""));
            if (rows < 1) throw new NumberFormatException();
            return rows;
        } catch (NumberFormatException e) {
            throw Cli.fail("the number of rows must be a whole number above 0, got: %s", args.get(0));
        }
    }
}
