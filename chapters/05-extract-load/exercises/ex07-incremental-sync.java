///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//DESCRIPTION Exercise 7 (incremental loads): sync only what changed, with a compound cursor stored with the rows, merged, soft deletes applied, safe after a failure. Run it to grade yourself.
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//SOURCES ../../../lib/src/main/java/elkit/Grading.java

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static elkit.Grading.check;
import static elkit.Grading.expect;

/**
 * Exercise 7: an incremental sync that loads only what changed since the last run, loses no row,
 * stores no row twice, and survives a failure halfway.
 *
 * The source (SQLite) has orders (id INTEGER PRIMARY KEY, customer TEXT, amount TEXT,
 * updated_at TEXT, deleted INTEGER). updated_at is an ISO-8601 text such as
 * '2025-01-01T10:00:00.000Z' (text order is time order); many rows share one updated_at. A deleted
 * order is not removed from the source: the application sets deleted = 1 and moves updated_at on.
 *
 * The target (another SQLite database) has orders (id INTEGER PRIMARY KEY, customer TEXT,
 * amount TEXT, updated_at TEXT) and sync_state (stream TEXT PRIMARY KEY, last_updated_at TEXT,
 * last_id INTEGER). Both exist, empty, before the first run.
 *
 * Write {@link #sync}. It returns how many source rows it read and applied, and it:
 *   1. reads the cursor of the stream 'orders' from sync_state (no row: start from the beginning),
 *   2. reads the source in batches of at most BATCH rows, in (updated_at, id) order, after the
 *      cursor: WHERE updated_at > ? OR (updated_at = ? AND id > ?) ... ORDER BY updated_at, id LIMIT ?
 *      (a cursor on updated_at alone loses the rows that share its timestamp),
 *   3. applies each batch in ONE target transaction (target.setAutoCommit(false), target.commit()):
 *      a row with deleted = 1 is deleted from the target, any other row is upserted on id
 *      (INSERT ... ON CONFLICT (id) DO UPDATE), and the cursor moves to the batch's last
 *      (updated_at, id) IN THE SAME TRANSACTION,
 *   4. stops when a batch comes back empty; if anything fails, rolls back and lets the exception out.
 *
 * Run it: ../../../jbang ex07-incremental-sync.java   It grades your sync() and exits 0 when all checks pass.
 */
class ex07_incremental_sync {

    static final int BATCH = 2;

    static int sync(Connection source, Connection target) throws SQLException {
        // TODO: your code here. Chapter page 08-incremental-cdc.md shows every piece you need.
        throw new UnsupportedOperationException("sync() is not written yet");
    }

    // ---- grading: do not edit below this line ----

    public static void main(String[] args) throws Exception {
        var checks = new ArrayList<String>();
        int passed = 0;
        passed += check(checks, "the first run loads every row, those that share a timestamp too", () -> {
            try (var source = source(); var target = target()) {
                expect(sync(source, target), 7, "rows the first run applied");
                expect(rows(target), rows(source), "target rows after the first run");
                expect(cursor(target), "2025-01-01T10:00:02.000Z|7", "cursor after the first run");
            }
        });
        passed += check(checks, "a second run with no change loads nothing", () -> {
            try (var source = source(); var target = target()) {
                expect(sync(source, target), 7, "rows the first run applied");
                expect(sync(source, target), 0, "rows a run without changes applied");
                expect(rows(target), rows(source), "target rows after the second run");
            }
        });
        passed += check(checks, "an update is merged: the new version replaces the old row", () -> {
            try (var source = source(); var target = target()) {
                expect(sync(source, target), 7, "rows the first run applied");
                execute(source, "UPDATE orders SET amount = '99.00', updated_at = '2025-01-01T11:00:00.000Z' WHERE id = 3");
                expect(sync(source, target), 1, "rows the run after one update applied");
                expect(rows(target), rows(source), "target rows after the update");
            }
        });
        passed += check(checks, "a row that arrives later with the cursor's own timestamp is not lost", () -> {
            try (var source = source(); var target = target()) {
                expect(sync(source, target), 7, "rows the first run applied");
                // committed late by a slow transaction: the same updated_at as the last row loaded, a higher id
                execute(source, "INSERT INTO orders VALUES (8, 'hana', '8.00', '2025-01-01T10:00:02.000Z', 0)");
                expect(sync(source, target), 1, "rows the next run applied");
                expect(rows(target), rows(source), "target rows after the late row");
            }
        });
        passed += check(checks, "a run that fails midway, then runs again, leaves an exact copy with no duplicates", () -> {
            try (var source = source(); var target = target()) {
                Throwable failure = null;
                try {
                    sync(source, failingOnSecondCommit(target));
                } catch (Throwable e) {
                    failure = e;
                }
                if (!(failure instanceof SimulatedCrash) && !(failure != null && failure.getCause() instanceof SimulatedCrash)) {
                    throw new AssertionError("expected the failure at the second commit to come out of sync(), got " + describe(failure));
                }
                expect(rows(target).size(), BATCH, "rows in the target after the failure (the first batch only)");
                expect(cursor(target), "2025-01-01T10:00:00.000Z|2", "cursor after the failure (the first batch's last row)");
                sync(source, target);
                expect(rows(target), rows(source), "target rows after the rerun");
                expect(cursor(target), "2025-01-01T10:00:02.000Z|7", "cursor after the rerun");
            }
        });
        passed += check(checks, "a soft-deleted row (deleted = 1) is deleted from the target", () -> {
            try (var source = source(); var target = target()) {
                expect(sync(source, target), 7, "rows the first run applied");
                execute(source, "UPDATE orders SET deleted = 1, updated_at = '2025-01-01T12:00:00.000Z' WHERE id IN (2, 5)");
                expect(sync(source, target), 2, "rows the run after two deletes applied");
                expect(rows(target), rows(source), "target rows after the deletes");
            }
        });
        checks.forEach(System.out::println);
        System.out.printf("Score: %d/%d%n", passed, checks.size());
        System.exit(passed == checks.size() ? 0 : 1);
    }

    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() { super("simulated crash at the second commit"); }
    }

    static String describe(Throwable e) {
        return e == null ? "no exception" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Seven orders; ids 1-3 share one timestamp, 4-5 another, 6-7 a third. */
    static Connection source() throws Exception {
        var conn = database("ex07-source-");
        execute(conn, "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0)");
        execute(conn, """
                INSERT INTO orders VALUES
                (1, 'ada', '10.00', '2025-01-01T10:00:00.000Z', 0), (2, 'bo', '20.00', '2025-01-01T10:00:00.000Z', 0),
                (3, 'cy', '30.00', '2025-01-01T10:00:00.000Z', 0), (4, 'di', '40.00', '2025-01-01T10:00:01.000Z', 0),
                (5, 'ed', '50.00', '2025-01-01T10:00:01.000Z', 0), (6, 'flo', '60.00', '2025-01-01T10:00:02.000Z', 0),
                (7, 'gus', '70.00', '2025-01-01T10:00:02.000Z', 0)""");
        return conn;
    }

    static Connection target() throws Exception {
        var conn = database("ex07-target-");
        execute(conn, "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount TEXT NOT NULL, updated_at TEXT NOT NULL)");
        execute(conn, "CREATE TABLE sync_state (stream TEXT PRIMARY KEY, last_updated_at TEXT NOT NULL, last_id INTEGER NOT NULL)");
        return conn;
    }

    static Connection database(String prefix) throws Exception {
        Path file = Files.createTempFile(prefix, ".db");
        file.toFile().deleteOnExit();
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    static void execute(Connection conn, String sql) throws SQLException {
        try (var stmt = conn.createStatement()) {
            stmt.execute(sql);
        }
    }

    /** The live rows, read through a connection of their own: "id|customer|amount|updated_at". */
    static List<String> rows(Connection db) throws SQLException {
        boolean isSource = tableHasColumn(db, "deleted");
        try (var reader = DriverManager.getConnection(db.getMetaData().getURL()); var stmt = reader.createStatement();
             var rs = stmt.executeQuery("SELECT id, customer, amount, updated_at FROM orders" + (isSource ? " WHERE deleted = 0" : "") + " ORDER BY id")) {
            var rows = new ArrayList<String>();
            while (rs.next()) rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            return rows;
        }
    }

    static boolean tableHasColumn(Connection db, String column) throws SQLException {
        try (var reader = DriverManager.getConnection(db.getMetaData().getURL());
             var rs = reader.getMetaData().getColumns(null, null, "orders", column)) {
            return rs.next();
        }
    }

    /** The committed cursor of the stream 'orders', "last_updated_at|last_id", or null. */
    static String cursor(Connection target) throws SQLException {
        try (var reader = DriverManager.getConnection(target.getMetaData().getURL()); var stmt = reader.createStatement();
             var rs = stmt.executeQuery("SELECT last_updated_at, last_id FROM sync_state WHERE stream = 'orders'")) {
            return rs.next() ? rs.getString(1) + "|" + rs.getLong(2) : null;
        }
    }

    /** The target, except that its second commit() rolls back and crashes, as a process killed there would. */
    static Connection failingOnSecondCommit(Connection target) {
        int[] commits = {0};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit") && ++commits[0] == 2) {
                        target.rollback();
                        throw new SimulatedCrash();
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
