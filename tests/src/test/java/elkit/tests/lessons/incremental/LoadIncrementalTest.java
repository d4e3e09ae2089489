package elkit.tests.lessons.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalPostgres;
import elkit.tests.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * load-incremental against one local PostgreSQL: each step's claim, checked on what the lesson printed
 * and on the DuckDB file it left; a real crash (the JVM halted mid-batch) and a rerun compared row by
 * row with the source; schema drift with either setting; bad input.
 */
class LoadIncrementalTest {

    static LocalPostgres server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = LocalPostgres.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    ScriptRun run(Map<String, String> env, String... args) {
        return ScriptRun.run("load-incremental", dir, env, args);
    }

    Connection source() throws SQLException {
        return DriverManager.getConnection(server.url(), server.env().get("PG_USER"), server.env().get("PG_PASSWORD"));
    }

    @Test
    void theLessonWalksTheSevenStepsAndEachClaimHolds() throws Exception {
        Path db = dir.resolve("lesson.duckdb");

        var run = run(server.env(), "--db", db.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        String out = run.out();
        // 1. full reload
        assertThat(out).containsPattern("Full reload: 10,000 rows in [\\d.]+ s")
                .contains("100 rows changed; the next full reload reads and writes all 10,000 rows again");
        // 2. the equal-timestamp loss, then the compound cursor
        assertThat(out).contains("500 rows changed in one transaction; WHERE updated_at > last, 200 a batch, loaded 200: 300 rows lost",
                "The compound cursor (updated_at, id) went on inside that timestamp: 300 more rows; source 10,000 rows, target 10,000 rows: 0 missing, 0 extra, 0 different");
        // 3. a failure mid-batch: the cursor covers batch 1 only, the rerun finishes, nothing twice
        assertThat(out).contains("The sync failed: injected failure in batch 2, after its 1000 rows were merged and before the commit",
                "source 10,000 rows, target 10,000 rows: 0 missing, 0 extra, 1,500 different",
                "The rerun loaded 1,500 rows from the stored cursor; source 10,000 rows, target 10,000 rows: 0 missing, 0 extra, 0 different; ids loaded twice: 0");
        // 4. merge
        assertThat(out).contains("A plain INSERT of the new version: Constraint Error: Duplicate key \"id: 42\" violates primary key constraint",
                "42 | customer-42 |   0.00 | refunded", "Rows in the target: 10,000, ids loaded twice: 0");
        // 5. deletes
        assertThat(out).contains("The sync found 0 changes; source 9,990 rows, target 10,000 rows: 0 missing, 10 extra, 0 different",
                "Key comparison: read 9,990 source ids, deleted 10 rows from the target; source 9,990 rows, target 9,990 rows: 0 missing, 0 extra, 0 different",
                "Soft delete: 5 rows merged with deleted_at set; live orders in the target: 9985");
        // 6. schema drift
        assertThat(out).contains("With --on-new-column stop: the source has a new column orders.discount (numeric) that the target lacks: stopped before loading anything",
                ", where it was", "Added column discount DECIMAL(5, 2) to the target",
                "With --on-new-column add: 20 rows loaded, 20 rows carry a discount; source 9,990 rows, target 9,990 rows: 0 missing, 0 extra, 0 different");
        // 7. the API
        assertThat(out).contains("First run: 50 accounts", "3 accounts changed; next run: 3 accounts", "Nothing changed; next run: 0 accounts");

        // what the target holds: the source, row by row, and the API's accounts
        try (var source = source(); var target = DriverManager.getConnection("jdbc:duckdb:" + db)) {
            assertThat(rows(target, true)).isEqualTo(rows(source, true)).hasSize(9_990);
            assertThat(query(target, "SELECT COUNT(*) FROM accounts WHERE plan = 'enterprise'")).isEqualTo("3");
            assertThat(query(target, "SELECT COUNT(*) FROM accounts")).isEqualTo("50");
            assertThat(query(target, "SELECT cursor_id FROM _sync_state WHERE stream = 'api:accounts'")).isEqualTo("30");
        }
        assertThat(leftovers()).containsOnly("lesson.duckdb");
    }

    @Test
    void aRealCrashMidBatchThenARerunLeavesAnExactCopyAndLosesNoRowOfASharedTimestamp() throws Exception {
        Path db = dir.resolve("crash.duckdb");
        try (var source = source(); var stmt = source.createStatement()) {
            createOrders(stmt, 5_000);
        }
        var first = run(server.env(), "sync", "--db", db.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("Synced 5,000 rows in 5 batches");
        // 2,500 rows in ONE transaction: they share one updated_at, so every batch boundary falls inside it
        try (var source = source(); var stmt = source.createStatement()) {
            assertThat(stmt.executeUpdate("UPDATE orders SET amount = amount + 100, updated_at = now() WHERE id % 2 = 0")).isEqualTo(2_500);
        }

        var crash = run(server.env(), "sync", "--db", db.toString(), "--crash-after-batches", "1");

        assertThat(crash.exitCode()).as(crash.toString()).isEqualTo(3);
        assertThat(crash.out()).contains("[elkit] --crash-after-batches: halting the JVM in batch 2, after its 1000 rows were merged and before the commit");
        try (var source = source(); var target = DriverManager.getConnection("jdbc:duckdb:" + db)) {
            // batch 1 and its cursor are in; batch 2's merged rows died with the process
            assertThat(query(target, "SELECT COUNT(*) FROM orders WHERE amount >= 100")).isEqualTo("1000");
            assertThat(query(target, "SELECT cursor_id FROM _sync_state WHERE stream = 'orders'")).isEqualTo("2000");
            assertThat(rows(target, false)).isNotEqualTo(rows(source, false));
        }

        var rerun = run(server.env(), "sync", "--db", db.toString());

        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(rerun.out()).contains("Synced 1,500 rows in 2 batches");
        try (var source = source(); var target = DriverManager.getConnection("jdbc:duckdb:" + db)) {
            assertThat(rows(target, false)).isEqualTo(rows(source, false)).hasSize(5_000);
            assertThat(query(target, "SELECT COUNT(*) - COUNT(DISTINCT id) FROM orders")).isEqualTo("0");
        }
    }

    @Test
    void aNewSourceColumnStopsTheLoadWithOneLineOrIsAdded() throws Exception {
        Path db = dir.resolve("drift.duckdb");
        try (var source = source(); var stmt = source.createStatement()) {
            createOrders(stmt, 100);
        }
        assertThat(run(server.env(), "sync", "--db", db.toString()).exitCode()).isZero();
        try (var source = source(); var stmt = source.createStatement()) {
            stmt.execute("ALTER TABLE orders ADD COLUMN coupon TEXT");
            stmt.execute("UPDATE orders SET coupon = 'WELCOME', updated_at = clock_timestamp() WHERE id <= 3");
        }

        var stop = run(server.env(), "sync", "--db", db.toString(), "--on-new-column", "stop");

        assertThat(stop.exitCode()).as(stop.toString()).isEqualTo(1);
        assertThat(stop.err()).isEqualTo("load-incremental: the source has a new column orders.coupon (text) that the target lacks: "
                + "stopped before loading anything (--on-new-column add adds it)\n");
        try (var target = DriverManager.getConnection("jdbc:duckdb:" + db)) {
            assertThat(query(target, "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'coupon'")).isEqualTo("0");
            assertThat(query(target, "SELECT cursor_id FROM _sync_state WHERE stream = 'orders'")).isEqualTo("100");
        }

        var add = run(server.env(), "sync", "--db", db.toString(), "--on-new-column", "add");

        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.out()).contains("Added column coupon VARCHAR to the target", "Synced 3 rows in 1 batches");
        try (var source = source(); var target = DriverManager.getConnection("jdbc:duckdb:" + db)) {
            assertThat(query(target, "SELECT string_agg(id::VARCHAR || '=' || coupon, ',' ORDER BY id) FROM orders WHERE coupon IS NOT NULL")).isEqualTo("1=WELCOME,2=WELCOME,3=WELCOME");
            assertThat(rows(target, false)).isEqualTo(rows(source, false));
        }
    }

    @Test
    void badInputGetsOneLineAndAUsageExitCode() {
        var policy = run(server.env(), "sync", "--on-new-column", "maybe");
        assertThat(policy.exitCode()).isEqualTo(2);
        assertThat(policy.err()).startsWith("load-incremental: usage: load-incremental [sync]").doesNotContain("Exception").hasLineCount(1);

        var crashWithoutSync = run(server.env(), "--crash-after-batches", "1");
        assertThat(crashWithoutSync.exitCode()).isEqualTo(2);

        var env = new HashMap<>(server.env());
        env.put("PG_PASSWORD", "wrong-password");
        var wrong = run(env, "sync", "--db", dir.resolve("never.duckdb").toString());
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).isEqualTo("load-incremental: cannot connect to PostgreSQL at " + server.url()
                + " as user data_engineer: FATAL: password authentication failed for user \"data_engineer\"\n");
        assertThat(dir.resolve("never.duckdb")).doesNotExist();
    }

    /** orders as the lesson builds it: n rows, 100 to a second. */
    static void createOrders(java.sql.Statement stmt, int n) throws SQLException {
        stmt.execute("DROP TABLE IF EXISTS orders");
        stmt.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer TEXT NOT NULL, amount NUMERIC(10, 2) NOT NULL, "
                + "status TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL)");
        stmt.execute("INSERT INTO orders SELECT g, 'customer-' || g, g % 50, 'new', TIMESTAMPTZ '2025-01-01 00:00:00+00' + (g / 100) * INTERVAL '1 second' "
                + "FROM generate_series(1, " + n + ") g");
    }

    /** Every row as text, by id, with amounts and instants normalized: source and target compare equal. */
    static List<String> rows(Connection conn, boolean lessonColumns) throws SQLException {
        String columns = lessonColumns ? "id, customer, amount, status, updated_at, deleted_at, discount" : "id, customer, amount, status, updated_at";
        var rows = new ArrayList<String>();
        try (var stmt = conn.createStatement(); var rs = stmt.executeQuery("SELECT " + columns + " FROM orders ORDER BY id")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                var row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    String label = rs.getMetaData().getColumnLabel(i);
                    Object value = label.endsWith("_at") ? rs.getObject(i, OffsetDateTime.class) : rs.getObject(i);
                    if (value instanceof OffsetDateTime t) value = t.toInstant();
                    if (value instanceof java.math.BigDecimal d) value = d.stripTrailingZeros().toPlainString();
                    if (value instanceof Number number && !(value instanceof java.math.BigDecimal)) value = number.longValue();
                    row.append(value).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    static String query(Connection conn, String sql) throws SQLException {
        try (var stmt = conn.createStatement(); var rs = stmt.executeQuery(sql)) {
            rs.next();
            return String.valueOf(rs.getObject(1));
        }
    }

    /** What the lesson left in the test's folder, beside the work folder ScriptRun gives it. */
    List<String> leftovers() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("work")).toList();
        }
    }
}
