// JShell walkthrough of notebooks/08-incremental-cdc.ipynb: its code cells in order, its markdown as comments.
// Made from the notebook by `./jbang to-jshell`: edit the notebook, then run that command.
//
// Run it whole, from the repository root:  ./jbang chapters/05-extract-load/jshell/08-incremental-cdc.jsh
// Run it, then stay in JShell:            ./jbang -i chapters/05-extract-load/jshell/08-incremental-cdc.jsh
// Or /open it in a JShell that has these classes, and step through it snippet by snippet.
//
// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.
//DEPS ../../../scripts/load-incremental.java
//DEPS ../../../scripts/cdc-postgres.java
//DEPS ../../../scripts/bench-incremental.java

// # 8. Beyond the chapter: incremental loads and change data capture
//
// The lessons `scripts/load-incremental.java` and `scripts/cdc-postgres.java`, cell by cell: a full reload, a high-watermark on `updated_at` and the rows it loses, the compound cursor `(updated_at, id)` stored in the target in the same transaction as its rows, merge, deletes, schema drift and an API's `updated_since`; then change data capture with Debezium's embedded engine into a SQLite replica. Every code cell is the scripts' own code (a test keeps them identical); cells marked `// notebook:` exist only here. Build the classpath folder once from the repository root first: `mvn -q -pl notebooks -am package -DskipTests`. The source is a real PostgreSQL started on 127.0.0.1 (with `wal_level=logical`) when `PG_URL` is not set; the page is `chapters/05-extract-load/08-incremental-cdc.md`.

// notebook: load elkit and the lesson libraries (mvn -pl notebooks -am package builds the folder)
// %jar target/classpath   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// notebook: the PostgreSQL binaries this notebook's local server runs (kept out of target/classpath: 14 MB)
// %jar target/servers/postgres   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// The imports of `load-incremental`:

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

// Its types, settings and helpers: the cursor, a column and its DuckDB type, the source, the target, the Appender.

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

// ## The source and the target
//
// `PG_URL` when set, else a real PostgreSQL started here; the target is a fresh DuckDB file in `work/`. The last cell of this part closes both.

// notebook: what lesson() prepares: the source (PG_URL, else a local PostgreSQL), a fresh DuckDB target, the settings
LocalPostgres local = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start();
Map<String, String> env = local != null ? local.env() : System.getenv();
Connection source = connect(env.get("PG_URL"), env.get("PG_USER"), env.getOrDefault("PG_PASSWORD", ""));
Connection target = openTarget(Env.workDir().resolve("incremental.duckdb"), true);
int rows = 10_000;
Settings settings = new Settings(1000, "add", -1, false);

// ## 1. A full reload, and what it costs

// 1. A full reload, and what it costs
Cli.step("1. A full reload, and what it costs");
createSource(source, rows);
var full = fullReload(source, target);
System.out.printf(Locale.US, "Full reload: %,d rows in %.2f s (%,.0f rows/s)%n", full.rows(), full.seconds(), full.rowsPerSecond());
int changed = update(source, "UPDATE orders SET amount = amount + 1, updated_at = clock_timestamp() WHERE id % 100 = 0");
full = fullReload(source, target);
System.out.printf(Locale.US, "%,d rows changed; the next full reload reads and writes all %,d rows again (%.2f s): "
        + "the cost grows with the table, not with the change%n", changed, full.rows(), full.seconds());

// ## 2. A high-watermark on `updated_at`, and the rows that share its timestamp

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

// ## 3. The cursor state in the target, in the same transaction as its rows
//
// The failure here is an injected one: an exception thrown in batch 2, after its rows were merged and before the commit. `load-incremental sync --crash-after-batches N` halts the JVM instead (see the page).

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

// ## 4. Merge (upsert)

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

// ## 5. Deletes, which a watermark cannot see

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

// ## 6. Schema drift

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

// ## 7. An API with `updated_since`

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

// ## The state table

Cli.step("The state table: one cursor per stream, written with the rows it covers");
Table.print(Db.query(target, "SELECT stream, cursor_updated_at, cursor_id, rows_loaded FROM _sync_state ORDER BY stream"));

// notebook: close the source and the target, stop the local PostgreSQL
source.close();
target.close();
if (local != null) local.close();

// ## Change data capture with Debezium
//
// The imports of `cdc-postgres`, its types and methods. `teach` checks the source, prepares the table, starts the engine (snapshot, then the log), stops it, changes the source, restarts it from the stored offsets, compares the replica with the source and drops the slot it made.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Options;
import elkit.Progress;
import elkit.Table;
import elkit.local.LocalPostgres;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

static final String TABLE = "customers_cdc";

static final Duration WAIT = Duration.ofSeconds(60);

static final Pattern PG_URL = Pattern.compile("jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]+).*");

/** One change as the replica applied it: the operation, the key, and both images. */
record Change(String op, long id, JsonNode before, JsonNode after) {
    @Override
    public String toString() {
        return String.format("%s id=%d before=%s after=%s", op, id, before, after);
    }
}

// notebook: Replica and Engine (the next two cells) name each other, and the kernel compiles one cell at a time.
// This stand-in lets Replica compile; the real Engine replaces it, and JShell compiles Replica again against it
static final class Engine implements AutoCloseable { String problem() { return null; } public void close() {} }

/** The replica in SQLite: each batch of events in one transaction, upserts and deletes by key, so a replay changes nothing. */
static final class Replica implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final Connection db;
    private final List<Change> applied = new ArrayList<>();
    private int handedOut;

    Replica(Path file) throws SQLException {
        db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (var stmt = db.createStatement()) {
            stmt.execute("CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, tier TEXT NOT NULL)");
        }
        db.setAutoCommit(false);
    }

    // Apply a batch: upsert the after image (r, c, u), delete by the before image's key (d); commit; then mark the offsets
    synchronized void apply(List<ChangeEvent<String, String>> events, DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
            throws InterruptedException {
        var batch = new ArrayList<Change>();
        try (var upsert = db.prepareStatement("""
                INSERT INTO customers_cdc (id, name, email, tier) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, tier = excluded.tier""");
             var delete = db.prepareStatement("DELETE FROM customers_cdc WHERE id = ?")) {
            for (var event : events) {
                JsonNode value = json.readTree(event.value());
                JsonNode before = value.get("before");
                JsonNode after = value.get("after");
                String op = value.get("op").asText();
                if (op.equals("d")) {
                    delete.setLong(1, before.get("id").asLong());
                    delete.executeUpdate();
                } else {
                    upsert.setLong(1, after.get("id").asLong());
                    upsert.setString(2, after.get("name").asText());
                    upsert.setString(3, after.get("email").isNull() ? null : after.get("email").asText());
                    upsert.setString(4, after.get("tier").asText());
                    upsert.executeUpdate();
                }
                batch.add(new Change(op, (op.equals("d") ? before : after).get("id").asLong(), before, after));
            }
            db.commit();
        } catch (Exception e) {
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the batch is not marked processed either way: the engine stops and hands it out again next run
            }
            throw new IllegalStateException("the replica could not apply a batch of " + events.size() + " events: " + Cli.reason(e), e);
        }
        for (var event : events) committer.markProcessed(event);
        committer.markBatchFinished();
        applied.addAll(batch);
        notifyAll();
    }

    /** Waits for the next {@code count} changes applied, at most a minute; stops when the engine failed. */
    synchronized List<Change> await(int count, Engine engine) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (var progress = Progress.start("change events", count)) { // on a terminal only: an engine's start takes seconds
            while (applied.size() < handedOut + count) {
                if (engine.problem() != null) throw Cli.fail("change data capture stopped: %s", engine.problem());
                long left = deadline - System.nanoTime();
                if (left <= 0) throw Cli.fail("only %d of %d change events arrived within %d s", applied.size() - handedOut, count, WAIT.toSeconds());
                wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
                progress.stepTo(Math.min(count, applied.size() - handedOut));
            }
        }
        var next = List.copyOf(applied.subList(handedOut, handedOut + count));
        handedOut += count;
        return next;
    }

    synchronized List<Object> ids() throws SQLException {
        return Db.query(db, "SELECT id FROM " + TABLE + " ORDER BY id").stream().map(r -> r.get("id")).toList();
    }

    synchronized List<Map<String, Object>> rows() throws SQLException {
        return Db.query(db, "SELECT id, name, email, tier FROM " + TABLE + " ORDER BY id");
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}

/** Debezium's engine on a thread of its own; close() stops it and flushes its offsets. */
static final class Engine implements AutoCloseable {
    private final DebeziumEngine<ChangeEvent<String, String>> engine;
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private volatile Throwable failure;
    private volatile boolean stopped;

    private Engine(Properties config, Replica replica) {
        engine = DebeziumEngine.create(Json.class)
                .using(config)
                .using((success, message, error) -> {
                    if (!success) failure = error != null ? error : new IllegalStateException(message);
                    stopped = true;
                })
                .notifying(replica::apply)
                .build();
    }

    static Engine start(Properties config, Replica replica) {
        var engine = new Engine(config, replica);
        engine.thread.execute(engine.engine);
        return engine;
    }

    /** Null while it runs well; else why it stopped. */
    String problem() {
        if (failure != null) return Cli.reason(failure);
        return stopped ? "the engine stopped" : null;
    }

    @Override
    public void close() throws Exception {
        engine.close();
        thread.shutdown();
        if (!thread.awaitTermination(30, TimeUnit.SECONDS)) throw Cli.fail("the Debezium engine did not stop within 30 s");
    }
}

/** Rows as "id|name|email|tier" lines, to compare a source and a replica whatever their drivers' types. */
static List<String> rowsText(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> r.get("id") + "|" + r.get("name") + "|" + r.get("email") + "|" + r.get("tier")).toList();
}

/** The engine's settings: the PostgreSQL connector with pgoutput, one table, offsets in a file. */
static Properties engineConfig(String host, String port, String database, String user, String password,
                               String slot, Path offsets) {
    var config = new Properties();
    config.setProperty("name", "elkit-cdc");
    config.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    config.setProperty("database.hostname", host);
    config.setProperty("database.port", port);
    config.setProperty("database.dbname", database);
    config.setProperty("database.user", user);
    config.setProperty("database.password", password);
    config.setProperty("topic.prefix", "elkit");
    // pgoutput: PostgreSQL's own logical decoding plugin (10+), nothing to install on the server
    config.setProperty("plugin.name", "pgoutput");
    config.setProperty("slot.name", slot);
    config.setProperty("publication.name", slot);
    config.setProperty("publication.autocreate.mode", "filtered"); // a publication for our table only
    config.setProperty("table.include.list", "public." + TABLE);
    config.setProperty("snapshot.mode", "initial"); // the rows already there first, once
    config.setProperty("tombstones.on.delete", "false");
    // Offsets: where in the log the replica is; flushed after every batch the replica committed
    config.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
    config.setProperty("offset.storage.file.filename", offsets.toString());
    config.setProperty("offset.flush.interval.ms", "0");
    config.setProperty("poll.interval.ms", "100");
    config.setProperty("errors.max.retries", "0"); // a lost source stops the engine with its error, no endless retry
    config.setProperty("key.converter.schemas.enable", "false");
    config.setProperty("value.converter.schemas.enable", "false");
    return config;
}

/** Stops with one line when the source cannot feed change data capture; makes nothing. */
static void checkSource(Connection source, String url, String user, String slot) throws SQLException {
    String walLevel = (String) Db.query(source, "SHOW wal_level").get(0).get("wal_level");
    if (!walLevel.equals("logical")) {
        throw Cli.fail("the source at %s has wal_level=%s: change data capture needs wal_level=logical "
                + "(ALTER SYSTEM SET wal_level = logical, or set it in postgresql.conf, then restart PostgreSQL)",
                Db.safeUrl(url), walLevel);
    }
    var role = Db.query(source, "SELECT rolreplication OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user");
    if (!Boolean.TRUE.equals(role.get(0).get("ok"))) {
        throw Cli.fail("user %s may not read the replication stream: ALTER ROLE %s REPLICATION", user, user);
    }
    var slots = Db.query(source, "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot);
    if (!slots.isEmpty()) {
        throw Cli.fail("a replication slot named %s already exists on %s (%s): another reader owns it, or a run that "
                + "stopped dead left it; if it is a stale one of yours, SELECT pg_drop_replication_slot('%s'), "
                + "else pass --slot NAME", slot, Db.safeUrl(url),
                Boolean.TRUE.equals(slots.get(0).get("active")) ? "in use now" : "not in use, and keeping WAL", slot);
    }
    var table = Db.query(source, """
            SELECT c.oid, EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') AS has_key
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname = ?""", TABLE);
    if (!table.isEmpty() && !Boolean.TRUE.equals(table.get(0).get("has_key"))) {
        throw Cli.fail("table public.%s has no primary key: a replica applies updates and deletes by key "
                + "(ALTER TABLE %s ADD PRIMARY KEY (id))", TABLE, TABLE);
    }
}

/** Drops the slot once its reader has let go of it (a stopped engine's connection closes a moment later). */
static void dropSlot(Connection source, String slot) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
        var slots = Db.query(source, "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot);
        if (slots.isEmpty()) return; // never made (the engine did not get that far)
        if (!Boolean.TRUE.equals(slots.get(0).get("active"))) {
            Db.query(source, "SELECT pg_drop_replication_slot(?)::text AS dropped", slot);
            return;
        }
        if (System.nanoTime() > deadline) throw Cli.fail("the replication slot %s is still in use after 15 s; drop it by hand", slot);
        Thread.sleep(100);
    }
}

static void stream(Connection source, Replica replica, Properties config, String url) throws Exception {
    // Start the engine: a snapshot of the table first (op r), then every change from the slot
    Cli.step("Start Debezium's embedded engine: snapshot, then stream from the slot");
    var engine = Engine.start(config, replica);
    var snapshot = replica.await(3, engine);
    snapshot.forEach(System.out::println);

    // Insert, update, delete on the source: each arrives as an event, in commit order, with before and after
    Cli.step("Insert, update and delete on the source; the events arrive in order, with before and after images");
    try (var stmt = source.createStatement()) {
        stmt.execute("INSERT INTO " + TABLE + " VALUES (4, 'Dan', 'dan@example.com', 'basic')");
        stmt.execute("UPDATE " + TABLE + " SET tier = 'gold' WHERE id = 2");
        stmt.execute("DELETE FROM " + TABLE + " WHERE id = 3");
    }
    var changes = replica.await(3, engine);
    changes.forEach(System.out::println);

    // Stop the reader: its offsets are stored (after the replica committed), the slot keeps the rest
    Cli.step("Stop the engine; change the source while nobody reads");
    engine.close();
    try (var stmt = source.createStatement()) {
        stmt.execute("INSERT INTO " + TABLE + " VALUES (5, 'Erin', 'erin@example.com', 'pro')");
        stmt.execute("UPDATE " + TABLE + " SET email = 'dan@example.org' WHERE id = 4");
        stmt.execute("DELETE FROM " + TABLE + " WHERE id = 1");
    }
    System.out.println("3 changes made while stopped: the replica still has ids " + replica.ids()
            + ", the source has " + Db.query(source, "SELECT id FROM " + TABLE + " ORDER BY id").stream().map(r -> r.get("id")).toList());

    // Restart from the stored offsets: the changes made while stopped, and nothing before them
    Cli.step("Restart from the stored offsets: no new snapshot, nothing lost, nothing twice");
    engine = Engine.start(config, replica);
    try {
        var resumed = replica.await(3, engine);
        resumed.forEach(System.out::println);
        boolean freshStart = resumed.get(0).op().equals("c") && resumed.get(0).id() == 5;
        if (!freshStart) throw Cli.fail("the restarted engine began with %s, not with the first change made while it was stopped", resumed.get(0));
        System.out.println("Resumed at the first change made while stopped: no snapshot again, no event replayed");
    } finally {
        engine.close();
    }

    // The replica equals the source, row by row
    Cli.step("Compare the replica with the source, row by row");
    var sourceRows = Db.query(source, "SELECT id, name, email, tier FROM " + TABLE + " ORDER BY id");
    var replicaRows = replica.rows();
    Table.print(replicaRows);
    if (!rowsText(sourceRows).equals(rowsText(replicaRows))) {
        throw Cli.fail("the replica differs from the source: source %s, replica %s", rowsText(sourceRows), rowsText(replicaRows));
    }
    System.out.println("The replica equals the source: " + replicaRows.size() + " rows, every column");
}

static void teach(String url, String user, String password, String slot, Path replicaFile) throws Exception {
    var where = PG_URL.matcher(url);
    if (!where.matches()) throw Cli.fail(2, "PG_URL must look like jdbc:postgresql://host:port/database, got %s", Db.safeUrl(url));
    var props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "10"); // seconds; a loaded machine may need them
    props.setProperty("loginTimeout", "10");

    // Check the source before making anything: login, logical decoding, replication, the slot, the key
    Cli.step("Check the source: logical decoding, a user that may replicate, a free slot, a primary key");
    Connection source;
    try {
        source = DriverManager.getConnection(url, props);
    } catch (SQLException e) {
        throw Cli.fail("cannot connect to PostgreSQL at %s as user %s: %s", Db.safeUrl(url), user, Db.reason(e));
    }
    try (source) {
        checkSource(source, url, user, slot);
        System.out.println("wal_level=logical, user " + user + " may replicate, no slot named " + slot + " yet, "
                + TABLE + " has a primary key (or is new)");

        // The source table: a primary key, and REPLICA IDENTITY FULL so that updates and deletes carry the old row
        Cli.step("Prepare the source table " + TABLE + " (3 customers; REPLICA IDENTITY FULL)");
        try (var stmt = source.createStatement()) {
            stmt.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, tier TEXT NOT NULL)");
            stmt.execute("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
            stmt.execute("DELETE FROM " + TABLE);
            stmt.execute("INSERT INTO " + TABLE + " VALUES (1, 'Alice', 'alice@example.com', 'basic'), "
                    + "(2, 'Bob', 'bob@example.com', 'basic'), (3, 'Carol', 'carol@example.com', 'pro')");
        }
        boolean publicationExisted = !Db.query(source, "SELECT 1 FROM pg_publication WHERE pubname = ?", slot).isEmpty();

        // The replica: SQLite, and the engine's offsets in a file beside it, both fresh for this run
        Files.deleteIfExists(replicaFile);
        Path offsets = replicaFile.resolveSibling(replicaFile.getFileName() + ".offsets");
        Files.deleteIfExists(offsets);
        try (var replica = new Replica(replicaFile)) {
            Properties config = engineConfig(where.group(1), where.group(2) == null ? "5432" : where.group(2),
                    where.group(3), user, password, slot, offsets);
            try {
                stream(source, replica, config, url);
            } finally {
                // Drop the slot we made: a slot nobody reads keeps every WAL segment since its position, and fills the disk
                Cli.step("Drop the replication slot and the publication the lesson made");
                dropSlot(source, slot);
                if (!publicationExisted) {
                    try (var stmt = source.createStatement()) {
                        stmt.execute("DROP PUBLICATION IF EXISTS " + slot);
                    }
                }
                Files.deleteIfExists(offsets);
                System.out.println("Dropped the replication slot " + slot
                        + (publicationExisted ? "" : " and the publication " + slot) + "; deleted the offsets file");
            }
        }
    }
}

// notebook: the lesson's source (PG_URL, else a local PostgreSQL with logical decoding) and replica; Debezium loads classes through the context class loader
Thread.currentThread().setContextClassLoader(LocalPostgres.class.getClassLoader());
LocalPostgres cdcLocal = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start();
Map<String, String> cdcEnv = cdcLocal != null ? cdcLocal.env() : System.getenv();
teach(cdcEnv.get("PG_URL"), cdcEnv.get("PG_USER"), cdcEnv.getOrDefault("PG_PASSWORD", ""), "elkit_cdc", Env.workDir().resolve("cdc-replica.db"));

// notebook: stop the local PostgreSQL
if (cdcLocal != null) cdcLocal.close();

// ## Benchmark: incremental sync against a full reload, as a chart
//
// `./jbang bench-incremental [rows]` (default 1,000,000) builds the orders table in its own local PostgreSQL, changes 1% of the rows, times a full reload and the incremental sync of that 1% into DuckDB (both checked to leave the same table), then streams the same kind of change through Debezium into a SQLite replica. It calls the two lessons' own methods, so their classes are loaded first. Here it runs with 1,000 rows, so the cell takes seconds: its lines, then its chart (the same figures, also written to `work/bench/bench-incremental.svg` and `.png`). The figures of a full run are on the chapter page.

// notebook: a lesson the benchmark calls, loaded whole (scripts/load-incremental.java)
// the notebook's %load ../scripts/load-incremental.java
/open scripts/load-incremental.java

// notebook: a lesson the benchmark calls, loaded whole (scripts/cdc-postgres.java)
// the notebook's %load ../scripts/cdc-postgres.java
/open scripts/cdc-postgres.java

// notebook: the benchmark script's own code, loaded whole (scripts/bench-incremental.java)
// the notebook's %load ../scripts/bench-incremental.java
/open scripts/bench-incremental.java

// notebook: a small run: 1,000 rows; its lines, then the chart, show under the cell
bench_incremental.lesson(List.of("1,000"));
