///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "PostgreSQL Example": the psycopg2 lesson in JDBC (pgjdbc), the best practices with HikariCP, and a bulk load with COPY.
//DEPS org.postgresql:postgresql:42.7.13
//DEPS com.zaxxer:HikariCP:7.0.2
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalPostgres.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import elkit.Cli;
import elkit.DataFiles;
import elkit.Db;
import elkit.Env;
import elkit.Table;
import elkit.local.LocalPostgres;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Usage: db-postgres [batch.csv] [--verbose]
 * Target: PG_URL (a JDBC URL), PG_USER, PG_PASSWORD; when PG_URL is unset, a local PostgreSQL
 * started for this run. batch.csv holds "id,name" lines for the batch insert (default: the
 * chapter's three rows).
 */
class db_postgres {

    /** A row for the batch insert, like the chapter's tuples (1, "Alice"). */
    record BatchRow(int id, String name) {}

    /** Sample customers the lesson upserts, so that the chapter's query has rows to find. */
    record Customer(int id, String name, String email, BigDecimal totalSpent) {}

    static final List<Customer> SAMPLE_CUSTOMERS = List.of(
            new Customer(101, "Alice Johnson", "alice@example.com", new BigDecimal("5420.50")),
            new Customer(102, "Bob Smith", "bob@example.com", new BigDecimal("890.00")),
            new Customer(103, "Carol White", "carol@example.com", new BigDecimal("12345.67")),
            new Customer(105, "Dan Brown", "dan@example.com", new BigDecimal("1000.00")),
            new Customer(106, "Eve Davis", "eve@example.com", new BigDecimal("2750.25")),
            new Customer(107, "Frank Miller", "frank@example.com", new BigDecimal("150.75")),
            new Customer(108, "Grace Lee", "grace@example.com", new BigDecimal("1001.99")),
            new Customer(109, "Heidi Park", "heidi@example.com", new BigDecimal("1234567.89")));

    static final Options OPTIONS = Options.usage("db-postgres [batch.csv]")
            .argument("batch.csv", "id,name rows to batch-insert (default: three sample rows)")
            .env("PostgreSQL");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(db_postgres::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        List<BatchRow> data = args.isEmpty()
                ? List.of(new BatchRow(1, "Alice"), new BatchRow(2, "Bob"), new BatchRow(3, "Carol"))
                : readBatchFile(Path.of(args.get(0)));
        // The target: the user's server from PG_URL, else a real PostgreSQL started for this run
        try (var local = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            String url = env.get("PG_URL");
            String user = local != null ? env.get("PG_USER") : Env.required("PG_USER", "set it with PG_URL and PG_PASSWORD");
            String password = env.getOrDefault("PG_PASSWORD", "");
            teach(url, user, password, data);
        }
    }

    static void teach(String url, String user, String password, List<BatchRow> data) throws SQLException {
        // Establish connection: psycopg2.connect(host=..., database=..., user=..., password=..., port=...)
        Cli.step("Establish connection");
        var props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5"); // seconds to reach the host
        props.setProperty("loginTimeout", "5");   // seconds to log in: a silent server cannot hang us
        Connection conn;
        try {
            conn = DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw Cli.fail("cannot connect to PostgreSQL at %s as user %s: %s", Db.safeUrl(url), user, Db.reason(e));
        }
        System.out.println("Connected to " + Db.safeUrl(url) + " as " + user);

        // Not in the chapter: the query needs a customers table, so create it and upsert sample rows
        Cli.step("Prepare the customers table (CREATE TABLE IF NOT EXISTS, then upsert sample rows)");
        try (var stmt = conn.createStatement()) {
            stmt.execute("""
                CREATE TABLE IF NOT EXISTS customers (
                    customer_id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    email TEXT UNIQUE,
                    total_spent NUMERIC(12, 2) NOT NULL DEFAULT 0
                )""");
        }
        try (var upsert = conn.prepareStatement("""
                INSERT INTO customers (customer_id, name, email, total_spent)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (customer_id) DO UPDATE
                SET name = excluded.name, email = excluded.email, total_spent = excluded.total_spent""")) {
            for (var c : SAMPLE_CUSTOMERS) {
                upsert.setInt(1, c.id());
                upsert.setString(2, c.name());
                upsert.setString(3, c.email());
                upsert.setBigDecimal(4, c.totalSpent());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
        System.out.println("Upserted " + SAMPLE_CUSTOMERS.size() + " sample customers (autocommit: each statement commits)");

        // Create cursor for executing queries: in JDBC, a Statement
        Cli.step("Create cursor (a JDBC Statement)");
        Statement cursor = conn.createStatement();

        // Execute query
        Cli.step("Execute query: top customers over 1000");
        ResultSet results = cursor.executeQuery("""
            SELECT customer_id, name, total_spent
            FROM customers
            WHERE total_spent > 1000
            ORDER BY total_spent DESC
            LIMIT 10""");

        // Fetch results
        Cli.step("Fetch results");
        while (results.next()) {
            int customerId = results.getInt("customer_id");
            String name = results.getString("name");
            BigDecimal totalSpent = results.getBigDecimal("total_spent");
            System.out.printf(Locale.US, "%s (ID: %d): $%,.2f%n", name, customerId, totalSpent);
        }

        // Clean up
        Cli.step("Clean up");
        results.close();
        cursor.close();
        conn.close();
        System.out.println("Result set, statement and connection closed");

        // Best Practices - Database Connections

        // Use context managers (automatic cleanup). Two different things share that name:
        // psycopg2's "with conn:" ends a transaction, commit on success and rollback on an exception, and
        // leaves the connection OPEN; Java's try-with-resources closes the connection and commits nothing.
        // Both in Java: a transaction inside try-with-resources (commit, or roll back on an error), then close
        Cli.step("Best practices: commit on success, roll back on error (with conn:), then close (try-with-resources)");
        try (var conn2 = DriverManager.getConnection(url, props)) {
            conn2.setAutoCommit(false); // a transaction, as psycopg2 opens one before the first statement
            try (var stmt = conn2.createStatement(); var rs = stmt.executeQuery("SELECT * FROM customers")) {
                var rows = Db.rows(rs);
                System.out.println("Fetched rows: " + rows.size());
                conn2.commit();   // the block ended normally: commit, as "with conn:" does
            } catch (SQLException e) {
                conn2.rollback(); // the block failed: roll back, as "with conn:" does, and let the error go on
                throw e;
            }
        } // try-with-resources closes the connection here: "with conn:" never does, call conn.close() there
        System.out.println("Committed, then the connection closed");

        // The same shape when the block fails: the UPDATE before the error does not stay
        try (var conn2 = DriverManager.getConnection(url, props)) {
            conn2.setAutoCommit(false);
            try (var stmt = conn2.createStatement()) {
                stmt.executeUpdate("UPDATE customers SET total_spent = 0 WHERE customer_id = 101");
                stmt.executeUpdate("INSERT INTO customers (customer_id, name) VALUES (101, 'Alice again')"); // 101 exists
                conn2.commit();
            } catch (SQLException e) {
                conn2.rollback();
                System.out.println("Rolled back (" + Db.reason(e) + "); Alice's total_spent is still "
                        + Db.query(conn2, "SELECT total_spent FROM customers WHERE customer_id = 101").get(0).get("total_spent"));
            }
        }

        // Use parameterized queries (prevent SQL injection): ? placeholders, where psycopg2 writes %s
        Cli.step("Best practices: parameterized queries");
        int customerId = 101;
        try (var conn2 = DriverManager.getConnection(url, props);
             var query = conn2.prepareStatement("SELECT * FROM customers WHERE customer_id = ?")) {
            query.setInt(1, customerId);
            try (var rs = query.executeQuery()) {
                Table.print(Db.rows(rs));
            }
        }

        // A hostile input stays data: the driver sends it apart from the SQL text
        String userInput = "Robert'); DROP TABLE customers;--";
        try (var conn2 = DriverManager.getConnection(url, props)) {
            try (var insert = conn2.prepareStatement("""
                    INSERT INTO customers (customer_id, name) VALUES (?, ?)
                    ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name""")) {
                insert.setInt(1, 104);
                insert.setString(2, userInput);
                insert.executeUpdate();
            }
            var found = Db.query(conn2, "SELECT customer_id, name FROM customers WHERE name = ?", userInput);
            System.out.println("Stored as plain text and found by name: " + found);
        }

        // NEVER do this (SQL injection vulnerability!): string-built SQL turns input into code
        String hostile = "x' OR '1'='1";
        System.out.println("Never build SQL from input. With " + hostile + " it would read:");
        System.out.println("  SELECT * FROM customers WHERE name = '" + hostile + "'   <- matches every row");

        // Batch inserts for performance: executemany is addBatch + executeBatch, in one transaction
        Cli.step("Best practices: batch insert in one transaction");
        try (var conn2 = DriverManager.getConnection(url, props);
             var stmt = conn2.createStatement()) {
            stmt.execute("DROP TABLE IF EXISTS customers_batch");
            stmt.execute("CREATE TABLE customers_batch (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
        }
        try (var conn2 = DriverManager.getConnection(url, props);
             var insert = conn2.prepareStatement("INSERT INTO customers_batch (id, name) VALUES (?, ?)")) {
            conn2.setAutoCommit(false);
            for (var row : data) {
                insert.setInt(1, row.id());
                insert.setString(2, row.name());
                insert.addBatch();
            }
            try {
                insert.executeBatch();
                conn2.commit();
            } catch (SQLException e) {
                conn2.rollback(); // all or nothing: none of the batch's rows stay
                throw Cli.fail("batch insert rolled back, none of its %d rows stored: %s", data.size(), Db.reason(e));
            }
        }
        System.out.println("Inserted " + data.size() + " rows into customers_batch in one batch, committed once");

        // Use connection pooling for web applications: HikariCP, like pool.SimpleConnectionPool(1, 20, ...)
        Cli.step("Best practices: connection pooling (HikariCP)");
        var poolConfig = new HikariConfig();
        poolConfig.setJdbcUrl(url);
        poolConfig.setUsername(user);
        poolConfig.setPassword(password);
        poolConfig.setMinimumIdle(1);
        poolConfig.setMaximumPoolSize(20);
        poolConfig.setConnectionTimeout(5_000);
        try (var pool = new HikariDataSource(poolConfig)) {
            for (int request = 1; request <= 3; request++) {
                // close() hands the connection back to the pool instead of closing it
                try (var conn2 = pool.getConnection();
                     var stmt = conn2.createStatement();
                     var rs = stmt.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    System.out.println("Request " + request + " served by server process " + rs.getInt(1));
                }
            }
            System.out.println("Open connections in the pool: " + pool.getHikariPoolMXBean().getTotalConnections());
        }

        // Not in the chapter: bulk load with COPY, PostgreSQL's fastest way in (pgjdbc's CopyManager)
        Cli.step("Bulk load with COPY");
        int copyRows = 10_000;
        var csv = new StringBuilder();
        for (int i = 1; i <= copyRows; i++) {
            csv.append(i).append(",Customer ").append(i).append(",customer").append(i).append("@example.com,")
                    .append(i % 5000).append(".50\n");
        }
        try (var conn2 = DriverManager.getConnection(url, props)) {
            try (var stmt = conn2.createStatement()) {
                stmt.execute("DROP TABLE IF EXISTS customers_copy");
                stmt.execute("CREATE TABLE customers_copy (LIKE customers INCLUDING ALL)");
            }
            var copyManager = conn2.unwrap(PGConnection.class).getCopyAPI();
            long loaded;
            try {
                loaded = copyManager.copyIn(
                        "COPY customers_copy (customer_id, name, email, total_spent) FROM STDIN WITH (FORMAT csv)",
                        new StringReader(csv.toString()));
            } catch (IOException e) {
                throw new SQLException("COPY could not read its input: " + e.getMessage(), e);
            }
            var count = Db.query(conn2, "SELECT COUNT(*) AS n FROM customers_copy").get(0).get("n");
            System.out.println("COPY loaded " + loaded + " rows; customers_copy now has " + count + " rows");
        }

        Cli.step("The customers table now");
        try (var conn2 = DriverManager.getConnection(url, props)) {
            Table.print(Db.query(conn2, "SELECT * FROM customers ORDER BY customer_id"));
        }
    }

    /** Reads "id,name" lines (a header line is skipped); a bad line is named with its number. */
    static List<BatchRow> readBatchFile(Path file) {
        List<String> lines;
        try {
            lines = DataFiles.readLines(file); // UTF-8; a file that is not gets one clear line
        } catch (NoSuchFileException e) {
            throw Cli.fail("cannot read the batch file %s: no such file", file);
        } catch (IOException e) {
            throw Cli.fail("cannot read the batch file %s: %s", file, e.getMessage());
        }
        var rows = new ArrayList<BatchRow>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.toLowerCase(Locale.ROOT).startsWith("id,"))) continue;
            String[] parts = line.split(",", 2);
            try {
                rows.add(new BatchRow(Integer.parseInt(parts[0].strip()), parts[1].strip()));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw Cli.fail("%s line %d: expected id,name with a whole-number id, got: %s", file, i + 1, line);
            }
        }
        return rows;
    }
}
