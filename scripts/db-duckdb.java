///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "DuckDB Example": in-memory and file databases, SQL straight on CSV and Parquet files, bulk insert with the Appender.
//DEPS org.duckdb:duckdb_jdbc:2.0.0.1
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import elkit.Cli;
import elkit.DataFiles;
import elkit.Db;
import elkit.Env;
import elkit.Table;
import org.duckdb.DuckDBConnection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Usage: db-duckdb [orders.csv] [parquet-glob] [--verbose]
 * Defaults: chapters/05-extract-load/data/orders.csv and chapters/05-extract-load/data/sales/*.parquet;
 * the file database goes to work/analytics.duckdb.
 */
class db_duckdb {

    static final Options OPTIONS = Options.usage("db-duckdb [orders.csv] [parquet-glob]")
            .argument("orders.csv", "the CSV file to query (default: the sample orders.csv)")
            .argument("parquet-glob", "the Parquet files to query (default: the samples)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(db_duckdb::lesson));
    }

    static void lesson(List<String> args) throws SQLException {
        Path ordersCsv = args.size() > 0 ? DataFiles.input(Path.of(args.get(0))) : sampleData("orders.csv");
        String parquetFiles = args.size() > 1 ? args.get(1) : sampleData("sales") + "/*.parquet";
        Path dbFile = Env.workDir().resolve("analytics.duckdb");

        // In-memory database
        Cli.step("In-memory database");
        Connection conn = DriverManager.getConnection("jdbc:duckdb:");
        System.out.println("Opened an in-memory DuckDB: it lives inside this program, nothing to install or start");

        // Or file-based: the tables stay in one file after the program ends
        Cli.step("Or file-based: " + dbFile);
        try (var fileConn = DriverManager.getConnection("jdbc:duckdb:" + dbFile);
             var load = fileConn.prepareStatement("CREATE OR REPLACE TABLE orders AS SELECT * FROM read_csv_auto(?)")) {
            load.setString(1, ordersCsv.toString());
            load.execute();
            var count = Db.query(fileConn, "SELECT COUNT(*) AS n FROM orders").get(0).get("n");
            System.out.println("Stored " + count + " orders in table orders of " + dbFile);
        } catch (SQLException e) { // DuckDB's own message is a page long: say which file and what is wrong
            throw notOrdersCsv(ordersCsv, e);
        }

        // Direct query on CSV files: the file path is a parameter like any other value.
        // read_csv_auto reads the amounts as DOUBLE, hence ROUND on their sum.
        Cli.step("Direct query on CSV files: read_csv_auto(" + ordersCsv + ")");
        try (var query = conn.prepareStatement("""
                SELECT
                    customer_id,
                    COUNT(*) as order_count,
                    ROUND(SUM(order_total), 2) as total_spent
                FROM read_csv_auto(?)
                GROUP BY customer_id
                HAVING total_spent > 1000
                ORDER BY total_spent DESC""")) {
            query.setString(1, ordersCsv.toString());
            try (var rs = query.executeQuery()) {
                var result = Db.rows(rs); // fetchall()
                Table.print(result);
            }
        } catch (SQLException e) {
            throw notOrdersCsv(ordersCsv, e);
        }

        // Query Parquet files: a glob reads them all as one table
        Cli.step("Query Parquet files: read_parquet(" + parquetFiles + ")");
        try (var query = conn.prepareStatement("""
                SELECT * FROM read_parquet(?)
                WHERE date >= '2024-01-01'
                ORDER BY date""")) {
            query.setString(1, parquetFiles);
            try (var rs = query.executeQuery()) {
                Table.print(Db.rows(rs)); // what .df() shows in Python: the rows as a table
            }
        } catch (SQLException e) {
            throw Cli.fail(e, "cannot query the Parquet files %s: %s", parquetFiles, Db.reason(e));
        }

        conn.close();

        // Not in the chapter: bulk insert with DuckDB's Appender, which skips SQL for each row
        Cli.step("Bulk insert with the Appender");
        int rows = 100_000;
        try (var conn2 = DriverManager.getConnection("jdbc:duckdb:");
             var stmt = conn2.createStatement()) {
            stmt.execute("CREATE TABLE customers (customer_id INTEGER, name VARCHAR, total_spent DOUBLE)");
            long started = System.nanoTime();
            try (var appender = conn2.unwrap(DuckDBConnection.class)
                    .createAppender(DuckDBConnection.DEFAULT_SCHEMA, "customers")) {
                for (int i = 1; i <= rows; i++) {
                    appender.beginRow();
                    appender.append(i);
                    appender.append("Customer " + i);
                    appender.append(i % 5000 + 0.5);
                    appender.endRow();
                }
            } // close() flushes the last rows
            double seconds = (System.nanoTime() - started) / 1e9;
            var count = Db.query(conn2, "SELECT COUNT(*) AS n FROM customers").get(0).get("n");
            System.out.printf("Appended %,d rows in %.2f s; the table has %s rows%n", rows, seconds, count);
        }
    }

    /** Why DuckDB could not use {@code csv} as the orders file, in one line naming it. */
    static Cli.Failure notOrdersCsv(Path csv, SQLException e) {
        String reason = Db.reason(e);
        var column = Pattern.compile("Referenced column \"([^\"]*)\" not found").matcher(reason);
        if (column.find()) {
            return Cli.fail(e, "%s has no column %s: the query needs customer_id and order_total", csv, column.group(1));
        }
        try {
            if (!DataFiles.isUtf8(csv)) return DataFiles.notUtf8(csv, e); // an .xlsx, UTF-16 ...
        } catch (IOException io) {
            return Cli.fail(e, "cannot read %s: %s", csv, Cli.reason(io));
        }
        if (reason.contains("Error when sniffing file")) {
            return Cli.fail(e, "%s is not a CSV file DuckDB can read: no delimiter and quoting fit all its lines", csv);
        }
        return Cli.fail(e, "cannot read %s as CSV: %s", csv, reason);
    }

    /** A sample file, found from the repository root or from scripts/. */
    static Path sampleData(String name) {
        for (String base : List.of("chapters/05-extract-load/data", "../chapters/05-extract-load/data")) {
            Path candidate = Path.of(base, name);
            if (Files.exists(candidate)) return candidate;
        }
        throw Cli.fail("sample data %s not found: run from the repository root or from scripts/, or pass a path", name);
    }
}
