package elkit.tests.lessons.db;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.Db;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbSqliteTest {

    @TempDir
    Path dir;

    @Test
    void firstRunCreatesTheDatabaseAndPrintsTheRows() throws SQLException {
        Path db = dir.resolve("customers.db");

        var run = ScriptRun.run("db-sqlite", dir, Map.of(), db.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .contains("Creating " + db)
                .contains("# Create table", "# Insert data", "# Commit changes", "# Query data")
                .contains("Inserted customer 101, Alice Johnson")
                .contains("(101, 'Alice Johnson', 'alice@example.com', 5420.5)")
                .contains("{customer_id=101, name=Alice Johnson, email=alice@example.com, balance=5420.5}")
                .contains("Fetched rows: 1")
                .contains("Inserted 3 rows in one batch, committed once")
                .contains("(5 rows)");
        assertThat(rows(db, "SELECT customer_id, name, email, balance FROM customers ORDER BY customer_id"))
                .containsExactly(
                        row(1, "Alice", null, 0.0),
                        row(2, "Bob", null, 0.0),
                        row(3, "Carol", null, 0.0),
                        row(101, "Alice Johnson", "alice@example.com", 5420.5),
                        row(104, "Robert'); DROP TABLE customers;--", null, 0.0));
    }

    @Test
    void theHostileStringIsStoredLiterallyAndTheTableSurvives() throws SQLException {
        Path db = dir.resolve("customers.db");

        var run = ScriptRun.run("db-sqlite", dir, Map.of(), db.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(
                "Stored as plain text and found by name: [{customer_id=104, name=Robert'); DROP TABLE customers;--}]");
        assertThat(rows(db, "SELECT name FROM customers WHERE customer_id = 104"))
                .containsExactly(Map.of("name", "Robert'); DROP TABLE customers;--"));
        assertThat(rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'"))
                .containsExactly(Map.of("name", "customers"));
    }

    @Test
    void aSecondRunReusesTheFileWithoutDuplicatingTheSeededRow() throws SQLException {
        Path db = dir.resolve("customers.db");
        assertThat(ScriptRun.run("db-sqlite", dir, Map.of(), db.toString()).exitCode()).isZero();

        var second = ScriptRun.run("db-sqlite", dir, Map.of(), db.toString());

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out())
                .contains("Opening " + db)
                .contains("Customer 101 was there from an earlier run: updated it in place, no duplicate")
                .doesNotContain("Inserted customer 101");
        assertThat(rows(db, "SELECT COUNT(*) AS n FROM customers WHERE customer_id = 101"))
                .containsExactly(Map.of("n", 1));
        assertThat(rows(db, "SELECT COUNT(*) AS n FROM customers")).containsExactly(Map.of("n", 5));
    }

    @Test
    void withoutArgumentsTheDatabaseGoesToTheWorkFolder() throws SQLException {
        var run = ScriptRun.run("db-sqlite", dir, Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        Path db = dir.resolve("work").resolve("customers.db");
        assertThat(db).isRegularFile();
        assertThat(rows(db, "SELECT name FROM customers WHERE customer_id = 101"))
                .containsExactly(Map.of("name", "Alice Johnson"));
    }

    @Test
    void aMissingFolderGivesOneClearLineAndExitCodeOne() {
        var run = ScriptRun.run("db-sqlite", dir, Map.of(), "/no/such/dir/x.db");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly(
                "db-sqlite: cannot create database /no/such/dir/x.db: folder /no/such/dir does not exist");
        assertThat(run.err()).doesNotContain("Exception", "\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void verboseShowsTheStackTrace() {
        var run = ScriptRun.run("db-sqlite", dir, Map.of(), "/no/such/dir/x.db", "--verbose");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("db-sqlite: cannot create database /no/such/dir/x.db")
                .contains("elkit.Cli$Failure", "\tat db_sqlite.lesson");
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedInOneLine() throws Exception {
        Path notADb = dir.resolve("notes.db");
        java.nio.file.Files.writeString(notADb, "these are my notes, not a database\n".repeat(20));

        var run = ScriptRun.run("db-sqlite", dir, Map.of(), notADb.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("db-sqlite: ").contains("not a database").doesNotContain("\tat ");
    }

    private static List<Map<String, Object>> rows(Path db, String sql) throws SQLException {
        try (var conn = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return Db.query(conn, sql);
        }
    }

    private static Map<String, Object> row(int id, String name, String email, double balance) {
        var row = new java.util.LinkedHashMap<String, Object>();
        row.put("customer_id", id);
        row.put("name", name);
        row.put("email", email);
        row.put("balance", balance);
        return row;
    }
}
