///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//DESCRIPTION Beyond the chapter, section 8: incremental loads from PostgreSQL into DuckDB: full reload, a high-watermark and its equal-timestamp loss, a compound cursor stored with the rows, merge, deletes, schema drift, and an API's updated_since.
//DEPS org.postgresql:postgresql:42.7.13
//DEPS org.duckdb:duckdb_jdbc:2.0.0.1
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalApi.java
//SOURCES ../lib/src/main/java/elkit/local/LocalPostgres.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Progress.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Options;
import elkit.Progress;
import elkit.Table;
import elkit.local.LocalApi;
import elkit.local.LocalPostgres;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.duckdb.DuckDBConnection;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Usage: load-incremental [--rows N] [--db FILE] [--batch N] [--on-new-column add|stop] [--verbose]
 *        load-incremental sync [--db FILE] [--batch N] [--on-new-column add|stop] [--crash-after-batches N]
 * Source: PG_URL (a JDBC URL), PG_USER, PG_PASSWORD; when PG_URL is unset, a local PostgreSQL
 * started for this run. Target: DuckDB in a file (default work/incremental.duckdb). The lesson
 * (no mode) builds a source table {@code orders} of N rows (default 10,000) and walks the seven steps.
 * {@code sync} runs one incremental sync of the source's {@code orders} (it needs {@code id} and
 * {@code updated_at}) into the target, from the cursor stored there; {@code --crash-after-batches N}
 * halts the JVM in batch N+1, after its rows were merged and before the commit, as a kill would.
 */
class load_incremental {

    static final String TABLE = "orders";
    static final int CRASH_EXIT_CODE = 3;

    /** How a sync behaves: rows per batch, what a new source column does, and where it fails on purpose. */
    record Settings(int batchSize, String onNewColumn, int failAfterBatches, boolean halt) {
        Settings with(String policy) { return new Settings(batchSize, policy, failAfterBatches, halt); }
        Settings failingAfter(int batches) { return new Settings(batchSize, onNewColumn, batches, false); }
    }

    /** Where a stream stopped: the last (updated_at, id) loaded. */
    record Cursor(OffsetDateTime updatedAt, long id) {
        @Override
        public String toString() {
            return "(" + updatedAt.toInstant() + ", " + id + ")";
        }
    }

    /** A source column, its PostgreSQL type and the DuckDB type it becomes (null: no mapping). */
    record Column(String name, String sourceType, String targetType) {}

    record Result(long rows, int batches, double seconds, Cursor cursor) {
        double rowsPerSecond() { return rows / Math.max(seconds, 1e-9); }
    }

    /** Source and target compared row by row, by id. */
    record Diff(int sourceRows, int targetRows, int missing, int extra, int changed) {
        boolean same() { return missing == 0 && extra == 0 && changed == 0; }

        @Override
        public String toString() {
            return String.format(Locale.US, "source %,d rows, target %,d rows: %,d missing, %,d extra, %,d different",
                    sourceRows, targetRows, missing, extra, changed);
        }
    }

    /** A failure point the lesson sets on purpose, mid-batch. */
    static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String message) { super(message); }
    }

    static final Options OPTIONS = Options.usage("load-incremental [lesson|sync]")
            .argument("lesson|sync", "lesson (default): every step in order; sync: one incremental run into --db")
            .option("--rows N", "rows in the source table (default 10000)")
            .option("--db FILE", "the DuckDB target (default work/incremental.duckdb)")
            .option("--batch N", "rows per committed batch (default 1000)")
            .option("--on-new-column add|stop", "schema drift: add the new column to the target, or stop naming it (default add)")
            .option("--crash-after-batches N", "sync only: kill the JVM after N committed batches, mid-batch")
            .env("PostgreSQL", "HTTP API");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(load_incremental::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        var rest = new ArrayList<>(args);
        int rows = number(Options.value(rest, "--rows", "10000"), "--rows");
        int batch = number(Options.value(rest, "--batch", "1000"), "--batch");
        boolean crash = rest.contains("--crash-after-batches");
        int crashAfter = crash ? number(Options.value(rest, "--crash-after-batches", "1"), "--crash-after-batches") : -1;
        String policy = Options.value(rest, "--on-new-column", "add");
        Path dbFile = Path.of(Options.value(rest, "--db", Env.workDir().resolve("incremental.duckdb").toString()));
        String mode = rest.isEmpty() ? "lesson" : rest.remove(0);
        if (!List.of("lesson", "sync").contains(mode) || !rest.isEmpty() || !List.of("add", "stop").contains(policy)
                || (crash && !mode.equals("sync"))) {
            throw Cli.fail(2, "usage: load-incremental [sync] [--rows N] [--db FILE] [--batch N] [--on-new-column add|stop] [--crash-after-batches N (sync only)]");
        }
        var settings = new Settings(batch, policy, crashAfter, crash); // the crash: in batch N+1, after N committed
        // The source: the user's server from PG_URL, else a real PostgreSQL started for this run
        try (var local = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            String user = local != null ? env.get("PG_USER") : Env.required("PG_USER", "set it with PG_URL and PG_PASSWORD");
            Connection source = connect(env.get("PG_URL"), user, env.getOrDefault("PG_PASSWORD", ""));
            try (source; Connection target = openTarget(dbFile, mode.equals("lesson"))) {
                if (mode.equals("sync")) {
                    var result = sync(source, target, settings);
                    System.out.printf(Locale.US, "Synced %,d rows in %d batches (%.2f s); cursor %s%n",
                            result.rows(), result.batches(), result.seconds(), result.cursor());
                } else {
                    teach(source, target, rows, settings);
                }
            }
        }
    }

    static void teach(Connection source, Connection target, int rows, Settings settings) throws Exception {
        // 1. A full reload, and what it costs
        Cli.step("1. A full reload, and what it costs");
        createSource(source, rows);
        var full = fullReload(source, target);
        System.out.printf(Locale.US, "Full reload: %,d rows in %.2f s (%,.0f rows/s)%n", full.rows(), full.seconds(), full.rowsPerSecond());
        int changed = update(source, "UPDATE orders SET amount = amount + 1, updated_at = clock_timestamp() WHERE id % 100 = 0");
        full = fullReload(source, target);
        System.out.printf(Locale.US, "%,d rows changed; the next full reload reads and writes all %,d rows again (%.2f s): "
                + "the cost grows with the table, not with the change%n", changed, full.rows(), full.seconds());

        // 2. A high-watermark on updated_at, and the rows that share its timestamp
        Cli.step("2. A high-watermark on updated_at: rows sharing the last timestamp are lost");
        // One transaction stamps every row it touches with the same now(): 500 rows, one timestamp
        changed = update(source, "UPDATE orders SET status = 'shipped', updated_at = now() WHERE id % 20 = 1");
        var naive = naiveWatermarkSync(source, target, 200);
        var diff = compare(source, target);
        System.out.printf(Locale.US, "%,d rows changed in one transaction; WHERE updated_at > last, 200 a batch, loaded %,d: %,d rows lost%n",
                changed, naive.rows(), diff.changed());
        // The fix: a compound cursor (updated_at, id), read as WHERE (updated_at, id) > (last_ts, last_id)
        var fixed = sync(source, target, settings.failingAfter(-1));
        diff = compare(source, target);
        System.out.printf(Locale.US, "The compound cursor (updated_at, id) went on inside that timestamp: %,d more rows; %s%n", fixed.rows(), diff);

        // 3. The cursor state stored in the target, in the same transaction as the rows it covers
        Cli.step("3. Cursor state in the same transaction as the rows: a failure midway, then a rerun");
        changed = update(source, "UPDATE orders SET amount = amount * 2, updated_at = clock_timestamp() WHERE id % 4 = 2");
        Cursor before = readCursor(target, TABLE);
        try {
            sync(source, target, settings.failingAfter(1)); // an injected failure that throws in batch 2, before its commit
        } catch (InjectedFailure e) {
            System.out.println("The sync failed: " + e.getMessage());
        }
        Cursor after = readCursor(target, TABLE);
        diff = compare(source, target);
        System.out.printf(Locale.US, "%,d rows changed; the cursor moved from %s to %s, past batch 1 only; %s%n", changed, before, after, diff);
        var rerun = sync(source, target, settings.failingAfter(-1));
        diff = compare(source, target);
        System.out.printf(Locale.US, "The rerun loaded %,d rows from the stored cursor; %s; ids loaded twice: %d%n",
                rerun.rows(), diff, duplicateIds(target));

        // 4. Merge (upsert): an updated row replaces its old version
        Cli.step("4. Merge: INSERT ... ON CONFLICT (id) DO UPDATE, so an update replaces the old row");
        update(source, "UPDATE orders SET status = 'refunded', amount = 0, updated_at = clock_timestamp() WHERE id = 42");
        try (var stmt = target.createStatement()) {
            stmt.execute("INSERT INTO orders (id, customer, amount, status, updated_at) VALUES (42, 'customer-42', 0, 'refunded', now())");
        } catch (SQLException e) {
            System.out.println("A plain INSERT of the new version: " + Db.reason(e));
        }
        sync(source, target, settings.failingAfter(-1));
        Table.print(Db.query(target, "SELECT id, customer, amount, status FROM orders WHERE id = 42"));
        System.out.printf(Locale.US, "Rows in the target: %,d, ids loaded twice: %d%n", count(target, "orders"), duplicateIds(target));

        // 5. Deletes, which a watermark cannot see
        Cli.step("5. Deletes: a watermark never sees a deleted row");
        update(source, "DELETE FROM orders WHERE id BETWEEN 101 AND 110");
        var afterDelete = sync(source, target, settings.failingAfter(-1));
        System.out.printf(Locale.US, "The sync found %,d changes; %s%n", afterDelete.rows(), compare(source, target));
        // One way: compare the keys, source against target, and delete what the source no longer has
        var removed = deleteMissingKeys(source, target);
        System.out.printf(Locale.US, "Key comparison: read %,d source ids, deleted %,d rows from the target; %s%n",
                removed[0], removed[1], compare(source, target));
        // The other: a soft delete, which is an update, so the watermark carries it
        update(source, "UPDATE orders SET deleted_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id BETWEEN 201 AND 205");
        var soft = sync(source, target, settings.failingAfter(-1));
        System.out.printf(Locale.US, "Soft delete: %,d rows merged with deleted_at set; live orders in the target: %s%n",
                soft.rows(), Db.query(target, "SELECT COUNT(*) AS n FROM orders WHERE deleted_at IS NULL").get(0).get("n"));

        // 6. Schema drift: the source gains a column
        Cli.step("6. Schema drift: the source gains a column");
        update(source, "ALTER TABLE orders ADD COLUMN discount NUMERIC(5, 2)");
        changed = update(source, "UPDATE orders SET discount = 5.00, updated_at = clock_timestamp() WHERE id % 500 = 7");
        Cursor beforeDrift = readCursor(target, TABLE);
        try {
            sync(source, target, settings.with("stop").failingAfter(-1));
        } catch (Cli.Failure e) {
            System.out.println("With --on-new-column stop: " + e.getMessage());
        }
        System.out.println("Nothing loaded: the cursor is still " + readCursor(target, TABLE) + (readCursor(target, TABLE).equals(beforeDrift) ? ", where it was" : ", MOVED"));
        var drift = sync(source, target, settings.with("add").failingAfter(-1));
        System.out.printf(Locale.US, "With --on-new-column add: %,d rows loaded, %s rows carry a discount; %s%n", drift.rows(),
                Db.query(target, "SELECT COUNT(discount) AS n FROM orders").get(0).get("n"), compare(source, target));

        // 7. Incremental extraction from an API: the same cursor, state and merge
        Cli.step("7. An API with updated_since: the same cursor, state and merge");
        try (var api = Env.optional("API_BASE_URL").isPresent() ? null : LocalApi.start()) {
            String base = api != null ? api.env().get("API_BASE_URL") : Env.required("API_BASE_URL");
            var http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
            System.out.println("First run: " + syncAccounts(http, base, target) + " accounts");
            for (int id : List.of(7, 8, 30)) changeAccount(http, base, id, "enterprise");
            System.out.println("3 accounts changed; next run: " + syncAccounts(http, base, target) + " accounts");
            System.out.println("Nothing changed; next run: " + syncAccounts(http, base, target) + " accounts");
            Table.print(Db.query(target, "SELECT id, name, plan, updated_at FROM accounts WHERE plan = 'enterprise' ORDER BY id"));
        }

        Cli.step("The state table: one cursor per stream, written with the rows it covers");
        Table.print(Db.query(target, "SELECT stream, cursor_updated_at, cursor_id, rows_loaded FROM _sync_state ORDER BY stream"));
    }

    // ---------------------------------------------------------------- the source

    static Connection connect(String url, String user, String password) {
        var props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10"); // seconds; a loaded machine may need them
        props.setProperty("loginTimeout", "10");
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw Cli.fail("cannot connect to PostgreSQL at %s as user %s: %s", Db.safeUrl(url), user, Db.reason(e));
        }
    }

    /** orders: rows 100 to a second, and an index on the cursor's columns so that an incremental read is a range scan. */
    static void createSource(Connection source, int rows) throws SQLException {
        try (var stmt = source.createStatement()) {
            stmt.execute("DROP TABLE IF EXISTS orders");
            stmt.execute("""
                CREATE TABLE orders (
                    id BIGINT PRIMARY KEY,
                    customer TEXT NOT NULL,
                    amount NUMERIC(10, 2) NOT NULL,
                    status TEXT NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL,
                    deleted_at TIMESTAMPTZ
                )""");
            stmt.execute("""
                INSERT INTO orders (id, customer, amount, status, updated_at)
                SELECT g, 'customer-' || (g % 500), (g % 1000) + 0.99, 'new',
                       TIMESTAMPTZ '2025-01-01 00:00:00+00' + (g / 100) * INTERVAL '1 second'
                FROM generate_series(1, ?) AS g""".replace("?", String.valueOf(rows)));
            stmt.execute("CREATE INDEX orders_cursor ON orders (updated_at, id)");
            stmt.execute("ANALYZE orders");
        }
        System.out.printf(Locale.US, "Source: orders in PostgreSQL, %,d rows, an index on (updated_at, id)%n", rows);
    }

    static int update(Connection source, String sql) throws SQLException {
        try (var stmt = source.createStatement()) {
            return stmt.executeUpdate(sql);
        }
    }

    /** The source's columns in order, with the DuckDB type each becomes. */
    static List<Column> sourceColumns(Connection source) throws SQLException {
        var columns = new ArrayList<Column>();
        for (var row : Db.query(source, """
                SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position""", TABLE)) {
            String type = (String) row.get("data_type");
            String target = switch (type) {
                case "bigint" -> "BIGINT";
                case "integer", "smallint" -> "INTEGER";
                case "numeric" -> row.get("numeric_precision") == null ? "DECIMAL(38, 10)"
                        : "DECIMAL(" + row.get("numeric_precision") + ", " + row.get("numeric_scale") + ")";
                case "double precision", "real" -> "DOUBLE";
                case "text", "character varying", "character" -> "VARCHAR";
                case "boolean" -> "BOOLEAN";
                case "date" -> "DATE";
                case "timestamp with time zone" -> "TIMESTAMPTZ";
                case "timestamp without time zone" -> "TIMESTAMP";
                default -> null;
            };
            columns.add(new Column((String) row.get("column_name"), type, target));
        }
        if (columns.isEmpty()) throw Cli.fail("the source has no table %s (the lesson creates one; sync needs it)", TABLE);
        var names = columns.stream().map(Column::name).toList();
        if (!names.contains("id") || !names.contains("updated_at")) {
            throw Cli.fail("the source table %s needs the columns id and updated_at for its cursor; it has %s", TABLE, names);
        }
        return columns;
    }

    /** A value as JDBC reads it, with time zones kept: timestamptz as OffsetDateTime. */
    static Object read(ResultSet rs, int index, Column column) throws SQLException {
        return switch (column.sourceType()) {
            case "timestamp with time zone" -> rs.getObject(index, OffsetDateTime.class);
            case "timestamp without time zone" -> rs.getObject(index, LocalDateTime.class);
            case "date" -> rs.getObject(index, LocalDate.class);
            default -> rs.getObject(index);
        };
    }

    // ---------------------------------------------------------------- the target

    static Connection openTarget(Path dbFile, boolean fresh) throws IOException {
        if (fresh) {
            Files.deleteIfExists(dbFile);
            Files.deleteIfExists(dbFile.resolveSibling(dbFile.getFileName() + ".wal"));
        }
        try {
            var target = DriverManager.getConnection("jdbc:duckdb:" + dbFile);
            try (var stmt = target.createStatement()) {
                stmt.execute("""
                    CREATE TABLE IF NOT EXISTS _sync_state (
                        stream VARCHAR PRIMARY KEY,
                        cursor_updated_at TIMESTAMPTZ,
                        cursor_id BIGINT,
                        rows_loaded BIGINT NOT NULL
                    )""");
            }
            return target;
        } catch (SQLException e) {
            throw Cli.fail("cannot open the DuckDB target %s: %s", dbFile, Db.reason(e));
        }
    }

    static Cursor readCursor(Connection target, String stream) throws SQLException {
        try (var stmt = target.prepareStatement("SELECT cursor_updated_at, cursor_id FROM _sync_state WHERE stream = ?")) {
            stmt.setString(1, stream);
            try (var rs = stmt.executeQuery()) {
                if (!rs.next() || rs.getObject(1) == null) return null;
                return new Cursor(rs.getObject(1, OffsetDateTime.class), rs.getLong(2));
            }
        }
    }

    /** The cursor and the running row count, upserted in the caller's transaction. */
    static void writeCursor(Connection target, String stream, Cursor cursor, long rows, boolean replace) throws SQLException {
        try (var stmt = target.prepareStatement("""
                INSERT INTO _sync_state (stream, cursor_updated_at, cursor_id, rows_loaded) VALUES (?, ?, ?, ?)
                ON CONFLICT (stream) DO UPDATE SET cursor_updated_at = excluded.cursor_updated_at, cursor_id = excluded.cursor_id,
                    rows_loaded = CASE WHEN ? THEN excluded.rows_loaded ELSE _sync_state.rows_loaded + excluded.rows_loaded END""")) {
            stmt.setString(1, stream);
            stmt.setObject(2, cursor == null ? null : cursor.updatedAt());
            stmt.setObject(3, cursor == null ? null : cursor.id());
            stmt.setLong(4, rows);
            stmt.setBoolean(5, replace);
            stmt.executeUpdate();
        }
    }

    static boolean tableExists(Connection target, String table) throws SQLException {
        return !Db.query(target, "SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?", table).isEmpty();
    }

    static void createTable(Connection target, String table, List<Column> columns) throws SQLException {
        for (var c : columns) {
            if (c.targetType() == null) throw Cli.fail("source column %s.%s has type %s, which this load does not map to DuckDB", TABLE, c.name(), c.sourceType());
        }
        String definition = columns.stream().map(c -> c.name() + " " + c.targetType()).collect(Collectors.joining(", "));
        try (var stmt = target.createStatement()) {
            stmt.execute("CREATE TABLE " + table + " (" + definition + ", PRIMARY KEY (id))");
        }
    }

    /** Rows straight into a table's columns with DuckDB's Appender: no SQL per row. A temp table is in the catalog "temp". */
    static void append(Connection target, String catalog, String table, List<Object[]> rows) throws SQLException {
        var duckdb = target.unwrap(DuckDBConnection.class);
        try (var appender = catalog == null ? duckdb.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)
                : duckdb.createAppender(catalog, DuckDBConnection.DEFAULT_SCHEMA, table)) {
            for (Object[] row : rows) {
                appender.beginRow();
                for (Object value : row) {
                    if (value == null) appender.appendNull();
                    else if (value instanceof Long v) appender.append(v);
                    else if (value instanceof Integer v) appender.append(v);
                    else if (value instanceof BigDecimal v) appender.append(v);
                    else if (value instanceof String v) appender.append(v);
                    else if (value instanceof Boolean v) appender.append(v);
                    else if (value instanceof Double v) appender.append(v);
                    else if (value instanceof Float v) appender.append(v);
                    else if (value instanceof OffsetDateTime v) appender.append(v);
                    else if (value instanceof LocalDateTime v) appender.append(v);
                    else if (value instanceof LocalDate v) appender.append(v);
                    else throw new SQLException("cannot append a " + value.getClass().getSimpleName() + " to " + table);
                }
                appender.endRow();
            }
        }
    }

    // ---------------------------------------------------------------- the loads

    // A full reload: every row into a new table, then swap it in with the state, in one transaction
    static Result fullReload(Connection source, Connection target) throws SQLException {
        long started = System.nanoTime();
        var columns = sourceColumns(source);
        String list = columns.stream().map(Column::name).collect(Collectors.joining(", "));
        var progress = Progress.start("full reload, rows", 0); // on a terminal only
        long rows = 0;
        Cursor last = null;
        target.setAutoCommit(false);
        try {
            try (var stmt = target.createStatement()) {
                stmt.execute("DROP TABLE IF EXISTS orders_new");
            }
            createTable(target, "orders_new", columns);
            source.setAutoCommit(false); // pgjdbc streams a result set only inside a transaction
            try (var read = source.prepareStatement("SELECT " + list + " FROM orders ORDER BY updated_at, id")) {
                read.setFetchSize(10_000);
                try (var rs = read.executeQuery()) {
                    var chunk = new ArrayList<Object[]>();
                    while (rs.next()) {
                        chunk.add(row(rs, columns));
                        if (chunk.size() == 10_000 || rs.isLast()) {
                            last = cursorOf(chunk.get(chunk.size() - 1), columns);
                            append(target, null, "orders_new", chunk);
                            rows += chunk.size();
                            chunk.clear();
                            progress.stepTo(rows);
                        }
                    }
                    if (!chunk.isEmpty()) {
                        last = cursorOf(chunk.get(chunk.size() - 1), columns);
                        append(target, null, "orders_new", chunk);
                        rows += chunk.size();
                    }
                }
            } finally {
                source.commit();
                source.setAutoCommit(true);
            }
            try (var stmt = target.createStatement()) {
                stmt.execute("DROP TABLE IF EXISTS orders");
                stmt.execute("ALTER TABLE orders_new RENAME TO orders");
            }
            writeCursor(target, TABLE, last, rows, true);
            target.commit();
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(true);
            progress.close();
        }
        return new Result(rows, 1, (System.nanoTime() - started) / 1e9, last);
    }

    // The classic bug: WHERE updated_at > last, in batches. A batch that ends inside a timestamp loses the rest of it
    static Result naiveWatermarkSync(Connection source, Connection target, int batchSize) throws SQLException {
        long started = System.nanoTime();
        var columns = sourceColumns(source);
        long rows = 0;
        int batches = 0;
        Cursor cursor = readCursor(target, TABLE);
        while (true) {
            var batch = new ArrayList<Object[]>();
            try (var read = source.prepareStatement("SELECT " + names(columns) + " FROM orders WHERE updated_at > ? ORDER BY updated_at LIMIT ?")) {
                read.setObject(1, cursor.updatedAt());
                read.setInt(2, batchSize);
                try (var rs = read.executeQuery()) {
                    while (rs.next()) batch.add(row(rs, columns));
                }
            }
            if (batch.isEmpty()) break;
            cursor = cursorOf(batch.get(batch.size() - 1), columns);
            mergeBatch(target, columns, batch, cursor, -1, false, batches);
            rows += batch.size();
            batches++;
        }
        return new Result(rows, batches, (System.nanoTime() - started) / 1e9, cursor);
    }

    // The incremental sync: WHERE (updated_at, id) > (last_ts, last_id), batch by batch; each batch's rows and cursor in one commit
    static Result sync(Connection source, Connection target, Settings settings) throws SQLException {
        long started = System.nanoTime();
        var columns = reconcileColumns(source, target, settings.onNewColumn());
        Cursor cursor = readCursor(target, TABLE);
        var progress = Progress.start("incremental sync, rows", 0); // on a terminal only
        long rows = 0;
        int batches = 0;
        try {
            while (true) {
                var batch = new ArrayList<Object[]>();
                String where = cursor == null ? "" : " WHERE (updated_at, id) > (?, ?)";
                try (var read = source.prepareStatement("SELECT " + names(columns) + " FROM orders" + where + " ORDER BY updated_at, id LIMIT ?")) {
                    int p = 1;
                    if (cursor != null) {
                        read.setObject(p++, cursor.updatedAt());
                        read.setLong(p++, cursor.id());
                    }
                    read.setInt(p, settings.batchSize());
                    try (var rs = read.executeQuery()) {
                        while (rs.next()) batch.add(row(rs, columns));
                    }
                }
                if (batch.isEmpty()) break;
                Cursor next = cursorOf(batch.get(batch.size() - 1), columns);
                mergeBatch(target, columns, batch, next, settings.failAfterBatches(), settings.halt(), batches);
                cursor = next;
                rows += batch.size();
                batches++;
                progress.stepTo(rows);
            }
        } finally {
            progress.close();
        }
        return new Result(rows, batches, (System.nanoTime() - started) / 1e9, cursor);
    }

    /** Stage the batch, merge it, move the cursor: one transaction. A failure anywhere rolls all three back. */
    static void mergeBatch(Connection target, List<Column> columns, List<Object[]> batch, Cursor next,
                           int failAfterBatches, boolean halt, int batchesDone) throws SQLException {
        String list = names(columns);
        String updates = columns.stream().filter(c -> !c.name().equals("id"))
                .map(c -> c.name() + " = excluded." + c.name()).collect(Collectors.joining(", "));
        target.setAutoCommit(false);
        try {
            try (var stmt = target.createStatement()) {
                stmt.execute("CREATE OR REPLACE TEMP TABLE orders_batch AS SELECT " + list + " FROM orders LIMIT 0");
            }
            append(target, "temp", "orders_batch", batch);
            try (var stmt = target.createStatement()) {
                stmt.execute("INSERT INTO orders (" + list + ") SELECT " + list + " FROM orders_batch ON CONFLICT (id) DO UPDATE SET " + updates);
            }
            if (batchesDone == failAfterBatches) {
                String where = "in batch " + (batchesDone + 1) + ", after its " + batch.size() + " rows were merged and before the commit";
                if (halt) {
                    System.out.println("[elkit] --crash-after-batches: halting the JVM " + where);
                    System.out.flush();
                    Runtime.getRuntime().halt(CRASH_EXIT_CODE); // no finally block, no shutdown hook: as a kill would
                }
                throw new InjectedFailure("injected failure " + where);
            }
            writeCursor(target, TABLE, next, batch.size(), false);
            target.commit();
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(true);
        }
    }

    // Schema drift: a source column the target lacks is added, or the load stops naming it; never dropped silently
    static List<Column> reconcileColumns(Connection source, Connection target, String onNewColumn) throws SQLException {
        var columns = sourceColumns(source);
        if (!tableExists(target, TABLE)) {
            createTable(target, TABLE, columns);
            return columns;
        }
        var known = new LinkedHashSet<String>();
        Db.query(target, "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", TABLE)
                .forEach(r -> known.add((String) r.get("column_name")));
        for (var column : columns) {
            if (known.contains(column.name())) continue;
            if (column.targetType() == null) {
                throw Cli.fail("source column %s.%s has type %s, which this load does not map to DuckDB: stopped before loading anything",
                        TABLE, column.name(), column.sourceType());
            }
            if (onNewColumn.equals("stop")) {
                throw Cli.fail("the source has a new column %s.%s (%s) that the target lacks: stopped before loading anything "
                        + "(--on-new-column add adds it)", TABLE, column.name(), column.sourceType());
            }
            try (var stmt = target.createStatement()) {
                stmt.execute("ALTER TABLE " + TABLE + " ADD COLUMN " + column.name() + " " + column.targetType());
            }
            System.out.println("Added column " + column.name() + " " + column.targetType() + " to the target (rows loaded before it hold NULL there)");
        }
        return columns;
    }

    // Deletes by key comparison: every source id into the target, then one DELETE of the ids the source lost
    static long[] deleteMissingKeys(Connection source, Connection target) throws SQLException {
        var ids = new ArrayList<Object[]>();
        source.setAutoCommit(false);
        try (var read = source.prepareStatement("SELECT id FROM orders")) {
            read.setFetchSize(10_000);
            try (var rs = read.executeQuery()) {
                while (rs.next()) ids.add(new Object[] {rs.getLong(1)});
            }
        } finally {
            source.commit();
            source.setAutoCommit(true);
        }
        target.setAutoCommit(false);
        try (var stmt = target.createStatement()) {
            stmt.execute("CREATE OR REPLACE TEMP TABLE source_ids (id BIGINT)");
            append(target, "temp", "source_ids", ids);
            int deleted = stmt.executeUpdate("DELETE FROM orders WHERE id NOT IN (SELECT id FROM source_ids)");
            stmt.execute("DROP TABLE source_ids");
            target.commit();
            return new long[] {ids.size(), deleted};
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(true);
        }
    }

    // ---------------------------------------------------------------- the API

    // The API's cursor is the same (updated_at, id): ?updated_since=...&after_id=..., page by page, each page committed with its cursor
    static int syncAccounts(OkHttpClient http, String base, Connection target) throws SQLException, IOException {
        var json = new ObjectMapper();
        String stream = "api:accounts";
        try (var stmt = target.createStatement()) {
            stmt.execute("CREATE TABLE IF NOT EXISTS accounts (id BIGINT PRIMARY KEY, name VARCHAR, plan VARCHAR, updated_at TIMESTAMPTZ)");
        }
        Cursor cursor = readCursor(target, stream);
        int loaded = 0;
        while (true) {
            HttpUrl.Builder url = HttpUrl.get(base + "/accounts").newBuilder().addQueryParameter("limit", "20");
            if (cursor != null) {
                url.addQueryParameter("updated_since", cursor.updatedAt().toInstant().toString());
                url.addQueryParameter("after_id", String.valueOf(cursor.id()));
            }
            JsonNode page;
            try (Response response = http.newCall(new Request.Builder().url(url.build()).build()).execute()) {
                if (!response.isSuccessful()) throw Cli.fail("GET %s answered %d: %s", url.build(), response.code(), response.body().string());
                page = json.readTree(response.body().string()).get("accounts");
            }
            if (page == null || page.isEmpty()) break;
            target.setAutoCommit(false);
            try (var upsert = target.prepareStatement("""
                    INSERT INTO accounts (id, name, plan, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, plan = excluded.plan, updated_at = excluded.updated_at""")) {
                for (JsonNode account : page) {
                    upsert.setLong(1, account.get("id").asLong());
                    upsert.setString(2, account.get("name").asText());
                    upsert.setString(3, account.get("plan").asText());
                    upsert.setObject(4, OffsetDateTime.parse(account.get("updated_at").asText()));
                    upsert.executeUpdate();
                }
                JsonNode last = page.get(page.size() - 1);
                cursor = new Cursor(OffsetDateTime.parse(last.get("updated_at").asText()), last.get("id").asLong());
                writeCursor(target, stream, cursor, page.size(), false);
                target.commit();
            } catch (SQLException | RuntimeException e) {
                target.rollback();
                throw e;
            } finally {
                target.setAutoCommit(true);
            }
            loaded += page.size();
        }
        return loaded;
    }

    /** The application changing an account, through the API: its updated_at moves on. */
    static void changeAccount(OkHttpClient http, String base, int id, String plan) throws IOException {
        var body = RequestBody.create("{\"plan\": \"" + plan + "\"}", MediaType.get("application/json"));
        try (Response response = http.newCall(new Request.Builder().url(base + "/accounts/" + id).patch(body).build()).execute()) {
            if (!response.isSuccessful()) throw Cli.fail("PATCH %s/accounts/%d answered %d", base, id, response.code());
        }
    }

    // ---------------------------------------------------------------- checks and small things

    /** Source and target, row by row, on the source's columns. */
    static Diff compare(Connection source, Connection target) throws SQLException {
        var columns = sourceColumns(source);
        Map<Long, String> sourceRows = snapshot(source, columns, true);
        Map<Long, String> targetRows = snapshot(target, columns, false);
        int missing = 0;
        int changed = 0;
        for (var entry : sourceRows.entrySet()) {
            String there = targetRows.get(entry.getKey());
            if (there == null) missing++;
            else if (!there.equals(entry.getValue())) changed++;
        }
        int extra = (int) targetRows.keySet().stream().filter(id -> !sourceRows.containsKey(id)).count();
        return new Diff(sourceRows.size(), targetRows.size(), missing, extra, changed);
    }

    private static Map<Long, String> snapshot(Connection conn, List<Column> columns, boolean isSource) throws SQLException {
        var known = new LinkedHashSet<String>();
        if (!isSource) {
            Db.query(conn, "SELECT column_name FROM information_schema.columns WHERE table_name = ?", TABLE)
                    .forEach(r -> known.add((String) r.get("column_name")));
        }
        var rows = new HashMap<Long, String>();
        String list = columns.stream().map(c -> isSource || known.contains(c.name()) ? c.name() : "NULL AS " + c.name())
                .collect(Collectors.joining(", "));
        try (var stmt = conn.createStatement(); var rs = stmt.executeQuery("SELECT " + list + " FROM orders")) {
            while (rs.next()) {
                var text = new StringBuilder();
                for (int i = 0; i < columns.size(); i++) {
                    Object value = columns.get(i).sourceType().startsWith("timestamp") ? rs.getObject(i + 1, OffsetDateTime.class) : rs.getObject(i + 1);
                    text.append(normalize(value)).append('|');
                }
                rows.put(rs.getLong("id"), text.toString());
            }
        }
        return rows;
    }

    static String normalize(Object value) {
        if (value == null) return "null";
        if (value instanceof BigDecimal d) return d.stripTrailingZeros().toPlainString();
        if (value instanceof OffsetDateTime t) return t.toInstant().toString();
        if (value instanceof Number n) return String.valueOf(n.longValue());
        return value.toString();
    }

    static long duplicateIds(Connection target) throws SQLException {
        return ((Number) Db.query(target, "SELECT COUNT(*) - COUNT(DISTINCT id) AS n FROM orders").get(0).get("n")).longValue();
    }

    static long count(Connection conn, String table) throws SQLException {
        return ((Number) Db.query(conn, "SELECT COUNT(*) AS n FROM " + table).get(0).get("n")).longValue();
    }

    static Object[] row(ResultSet rs, List<Column> columns) throws SQLException {
        var row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) row[i] = read(rs, i + 1, columns.get(i));
        return row;
    }

    static Cursor cursorOf(Object[] row, List<Column> columns) {
        int updatedAt = -1;
        int id = -1;
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals("updated_at")) updatedAt = i;
            if (columns.get(i).name().equals("id")) id = i;
        }
        return new Cursor((OffsetDateTime) row[updatedAt], ((Number) row[id]).longValue());
    }

    static String names(List<Column> columns) {
        return columns.stream().map(Column::name).collect(Collectors.joining(", "));
    }

    static int number(String value, String name) {
        try {
            int n = Integer.parseInt(value.replace("_", "").replace(",", ""));
            if (n < 1) throw Cli.fail(2, "%s must be at least 1, got %s", name, value);
            return n;
        } catch (NumberFormatException e) {
            throw Cli.fail(2, "%s must be a whole number, got '%s'", name, value);
        }
    }

}
