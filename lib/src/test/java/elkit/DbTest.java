package elkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DbTest {

    Connection conn;

    @BeforeEach
    void open() throws SQLException {
        conn = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (var stmt = conn.createStatement()) {
            stmt.execute("CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance REAL)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        conn.close();
    }

    @Test
    void rowsAreColumnToValueMapsInColumnOrder() throws SQLException {
        Db.batchInsert(conn, "INSERT INTO customers VALUES (?, ?, ?)",
                List.of(List.of(101, "Alice", 5420.5), List.of(102, "Bob", 3210.0)));

        var rows = Db.query(conn, "SELECT name, customer_id AS id FROM customers WHERE balance > ? ORDER BY id", 1000);

        assertThat(rows).containsExactly(Map.of("name", "Alice", "id", 101), Map.of("name", "Bob", "id", 102));
        assertThat(rows.get(0).keySet()).containsExactly("name", "id");
    }

    @Test
    void batchInsertStoresEveryRowAcrossSeveralRoundTrips() throws SQLException {
        var rows = new ArrayList<List<Object>>();
        for (int i = 1; i <= 2_500; i++) rows.add(List.of(i, "c" + i, i * 1.5));

        assertThat(Db.batchInsert(conn, "INSERT INTO customers VALUES (?, ?, ?)", rows)).isEqualTo(2_500);

        assertThat(Db.query(conn, "SELECT COUNT(*) AS n, SUM(balance) AS total FROM customers"))
                .containsExactly(Map.of("n", 2_500, "total", 1.5 * 2_500 * 2_501 / 2));
        assertThat(conn.getAutoCommit()).isTrue();
    }

    @Test
    void aBatchThatFailsMidwayLeavesNoRowBehind() throws SQLException {
        var rows = new ArrayList<List<Object>>();
        for (int i = 1; i <= 1_500; i++) rows.add(List.of(i, "c" + i, 0.0));
        rows.set(1_200, List.of(7, "duplicate of 7", 0.0)); // row 1,201 repeats a key

        assertThatThrownBy(() -> Db.batchInsert(conn, "INSERT INTO customers VALUES (?, ?, ?)", rows))
                .isInstanceOf(SQLException.class)
                .hasMessageStartingWith("batch insert rolled back, no row stored: failed in rows 1001..1500 of 1500");

        assertThat(Db.query(conn, "SELECT COUNT(*) AS n FROM customers")).containsExactly(Map.of("n", 0));
    }

    @Test
    void aParameterStaysData() throws SQLException {
        String hostile = "x'); DROP TABLE customers;--";
        Db.batchInsert(conn, "INSERT INTO customers VALUES (?, ?, ?)", List.of(List.of(1, hostile, 0.0)));

        assertThat(Db.query(conn, "SELECT name FROM customers WHERE name = ?", hostile))
                .containsExactly(Map.of("name", hostile));
    }
}
