///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "SQLite Example": JDBC with sqlite-jdbc, from CREATE TABLE to rows as maps, then the best practices.
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java

import elkit.Options;

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

/** Usage: db-sqlite [database-file] [--verbose]   (default: work/customers.db) */
class db_sqlite {

    static final Options OPTIONS = Options.usage("db-sqlite [database-file]")
            .argument("database-file", "the SQLite file (default: work/customers.db)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(db_sqlite::lesson));
    }

    static void lesson(List<String> args) throws SQLException {
        Path dbFile = args.isEmpty() ? Env.workDir().resolve("customers.db") : Path.of(args.get(0));
        if (!Files.isDirectory(dbFile.toAbsolutePath().getParent())) {
            throw Cli.fail("cannot create database %s: folder %s does not exist",
                    dbFile, dbFile.toAbsolutePath().getParent());
        }
        if (Files.isDirectory(dbFile)) throw Cli.fail("cannot open database %s: it is a folder, give a file name", dbFile);
        String url = "jdbc:sqlite:" + dbFile;

        // Connect to database (creates if doesn't exist)
        System.out.println((Files.exists(dbFile) ? "Opening " : "Creating ") + dbFile);
        Connection conn;
        try {
            conn = DriverManager.getConnection(url);
        } catch (SQLException e) { // SQLite's "unable to open the database file" does not say which file
            throw Cli.fail(e, "cannot open database %s: %s", dbFile, Db.reason(e));
        }
        conn.setAutoCommit(false); // like sqlite3: changes wait for commit()

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

        // Commit changes
        Cli.step("Commit changes");
        conn.commit();
        System.out.println("Committed");

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

        // Use row_factory for dictionary-like access: Db.rows gives each row as a column -> value map
        Cli.step("Rows as column -> value maps (row_factory)");
        try (var stmt = conn.createStatement(); var rs = stmt.executeQuery("SELECT * FROM customers")) {
            for (var row : Db.rows(rs)) {
                System.out.println(row);
            }
        }

        conn.close();

        // Best Practices - Database Connections, in SQLite form

        // Use try-with-resources (automatic cleanup), Java's context manager
        Cli.step("Best practices: try-with-resources");
        try (var conn2 = DriverManager.getConnection(url);
             var stmt = conn2.createStatement();
             var rs = stmt.executeQuery("SELECT * FROM customers")) {
            var results = Db.rows(rs);
            System.out.println("Fetched rows: " + results.size());
        }
        System.out.println("Connection automatically closed");

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

        Cli.step("The customers table now");
        try (var conn2 = DriverManager.getConnection(url)) {
            Table.print(Db.query(conn2, "SELECT * FROM customers ORDER BY customer_id"));
        }
    }
}
