package elkit.tests.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A query's rows as strings ("7|Zoe"), to compare two databases row by row in one assertion. */
public final class Rows {
    private Rows() {}

    public static List<String> strings(Connection conn, String sql) throws SQLException {
        var rows = new ArrayList<String>();
        try (var stmt = conn.createStatement(); var rs = stmt.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                var row = new StringBuilder();
                for (int i = 1; i <= n; i++) row.append(i > 1 ? "|" : "").append(rs.getString(i));
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
