///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Exercise 1, reference solution.
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//SOURCES ../../../../lib/src/main/java/elkit/Grading.java
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static elkit.Grading.check;
import static elkit.Grading.expect;

/**
 * Exercise 1: a load that loses nothing and duplicates nothing.
 *
 * Write {@link #load}: insert every customer into the {@code customers} table
 *   1. with a parameterized statement (names may contain quotes),
 *   2. in ONE transaction: if any row fails, no row of this load stays in the table,
 *   3. idempotently: loading the same customers again must not duplicate them
 *      (a customer_id that exists gets the new name and balance).
 *
 * Run it: ../../../jbang ex01-sqlite-load.java   It grades your load and exits 0 when all checks pass.
 */
class ex01_sqlite_load {

    record Customer(int id, String name, double balance) {}

    static void load(Connection conn, List<Customer> customers) throws SQLException {
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try (var insert = conn.prepareStatement("""
                INSERT INTO customers (customer_id, name, balance) VALUES (?, ?, ?)
                ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, balance = excluded.balance""")) {
            for (var c : customers) {
                insert.setInt(1, c.id());
                insert.setString(2, c.name());
                insert.setDouble(3, c.balance());
                insert.addBatch();
            }
            insert.executeBatch();
            conn.commit();
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(autoCommit);
        }
    }

    // ---- grading: do not edit below this line ----

    public static void main(String[] args) throws Exception {
        var checks = new ArrayList<String>();
        int passed = 0;
        passed += check(checks, "loads every customer, quotes and all", () -> {
            try (var conn = freshDatabase()) {
                load(conn, SAMPLE);
                expect(count(conn), 3, "rows after one load");
                expect(name(conn, 3), "O'Brien'); DROP TABLE customers;--", "name of customer 3");
            }
        });
        passed += check(checks, "a second load does not duplicate", () -> {
            try (var conn = freshDatabase()) {
                load(conn, SAMPLE);
                load(conn, List.of(new Customer(1, "Alice Johnson", 6000.0), SAMPLE.get(1), SAMPLE.get(2)));
                expect(count(conn), 3, "rows after loading twice");
                expect(name(conn, 1), "Alice Johnson", "name of customer 1 after the update");
            }
        });
        passed += check(checks, "a load that fails midway leaves none of its rows", () -> {
            try (var conn = freshDatabase()) {
                load(conn, SAMPLE); // a load that works first: an empty table proves nothing
                expect(count(conn), 3, "rows after a first load that works");
                var broken = List.of(new Customer(1, "Alice Changed", 1.0), new Customer(10, "Dan", 1.0),
                        new Customer(11, null, 2.0), new Customer(12, "Eve", 3.0));
                try {
                    load(conn, broken);
                } catch (SQLException | RuntimeException expected) {
                    // the load may report the failure: the table is what counts
                }
                expect(count(conn), 3, "rows after a load that failed midway (it must add none)");
                expect(name(conn, 1), "Alice", "name of customer 1 after a load that failed midway");
            }
        });
        checks.forEach(System.out::println);
        System.out.printf("Score: %d/%d%n", passed, checks.size());
        System.exit(passed == checks.size() ? 0 : 1);
    }

    static final List<Customer> SAMPLE = List.of(new Customer(1, "Alice", 5420.50),
            new Customer(2, "Bob", 3210.00), new Customer(3, "O'Brien'); DROP TABLE customers;--", 8750.25));

    static Connection freshDatabase() throws SQLException {
        var conn = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (var stmt = conn.createStatement()) {
            stmt.execute("CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance REAL)");
        }
        return conn;
    }

    static int count(Connection conn) throws SQLException {
        try (var stmt = conn.createStatement(); var rs = stmt.executeQuery("SELECT COUNT(*) FROM customers")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static String name(Connection conn, int id) throws SQLException {
        try (var stmt = conn.prepareStatement("SELECT name FROM customers WHERE customer_id = ?")) {
            stmt.setInt(1, id);
            try (var rs = stmt.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
