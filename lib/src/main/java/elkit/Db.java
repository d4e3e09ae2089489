package elkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Python's DB-API gives for free and JDBC does not: rows as column → value maps
 * ({@code row_factory}) and {@code executemany} in one transaction.
 */
public final class Db {
    private Db() {}

    /** Statements sent per round trip by {@link #batchInsert}. */
    public static final int BATCH_SIZE = 1_000;

    /** Every remaining row of {@code rs} as a column label → value map, in column order. */
    public static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
        var meta = rs.getMetaData();
        int columns = meta.getColumnCount();
        var rows = new ArrayList<Map<String, Object>>();
        while (rs.next()) {
            var row = new LinkedHashMap<String, Object>();
            for (int i = 1; i <= columns; i++) row.put(meta.getColumnLabel(i), rs.getObject(i));
            rows.add(row);
        }
        return rows;
    }

    /** Runs a parameterized query ({@code ?} placeholders) and returns its rows as maps. */
    public static List<Map<String, Object>> query(Connection conn, String sql, Object... params)
            throws SQLException {
        try (PreparedStatement stmt = conn.prepareStatement(sql)) {
            bind(stmt, params);
            try (ResultSet rs = stmt.executeQuery()) {
                return rows(rs);
            }
        }
    }

    /**
     * {@code executemany}: runs {@code sql} once per row, {@value #BATCH_SIZE} rows per round trip,
     * all in one transaction. Either every row is stored or, on any failure, none is; the error
     * names the row that failed (1-based).
     *
     * @return the number of rows sent
     */
    public static int batchInsert(Connection conn, String sql, List<? extends List<?>> rows)
            throws SQLException {
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(false);
        int sent = 0;
        try (PreparedStatement stmt = conn.prepareStatement(sql)) {
            for (var row : rows) {
                bind(stmt, row.toArray());
                stmt.addBatch();
                if (++sent % BATCH_SIZE == 0) stmt.executeBatch();
            }
            stmt.executeBatch();
            conn.commit();
            return sent;
        } catch (SQLException e) {
            conn.rollback();
            int first = (Math.max(sent - 1, 0) / BATCH_SIZE) * BATCH_SIZE + 1;
            throw new SQLException("batch insert rolled back, no row stored: failed in rows "
                    + first + ".." + sent + " of " + rows.size() + ": " + e.getMessage(),
                    e.getSQLState(), e.getErrorCode(), e);
        } finally {
            conn.setAutoCommit(autoCommit);
        }
    }

    /** A JDBC URL fit to print: the value of any {@code password=} parameter becomes ****. */
    public static String safeUrl(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    /**
     * The reason a statement failed, in one line: for a batch the driver's first underlying error
     * (the duplicate key, the constraint), not the wrapper saying the batch was aborted; and the
     * network's own words (refused, timed out) when the driver wraps them.
     */
    public static String reason(SQLException e) {
        SQLException cause = e.getNextException() != null ? e.getNextException() : e;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root != cause && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += ": " + root.getMessage(); // "Communications link failure ...: Connection refused"
        }
        // DuckDB appends the SQL with a caret under it, and for a CSV its sniffer's search space: not the reason
        message = message.replaceAll("(?s)\\R+LINE \\d+:.*", "").replaceAll("(?s)\\R+The search space used was:.*", "");
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static void bind(PreparedStatement stmt, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) stmt.setObject(i + 1, params[i]);
    }
}
