package elkit.tests.chapter;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Excerpts;
import org.junit.jupiter.api.Test;

/** The whole-statements rule for page excerpts and notebook cells, on the cuts a reader tripped over. */
class ExcerptsTest {

    static final String SCRIPT = """
            class x {
                static void lesson() throws Exception {
                    // Query Parquet files: a glob reads them all as one table
                    try (var query = conn.prepareStatement(\"""
                            SELECT * FROM read_parquet(?)
                            WHERE date >= '2024-01-01'
                            ORDER BY date\""")) {
                        query.setString(1, parquetFiles);
                        try (var rs = query.executeQuery()) {
                            Table.print(Db.rows(rs)); // the rows as a table
                        }
                    } catch (SQLException e) { // one line, naming the files
                        throw Cli.fail(e, "cannot query %s: %s", parquetFiles, Db.reason(e));
                    }
                    try (var conn2 = DriverManager.getConnection(url);
                         var insert = conn2.prepareStatement("INSERT INTO customers_batch (id, name) VALUES (?, ?)")) {
                        insert.executeBatch();
                    }
                    System.out.println("done"); // a "quoted ( bracket" in a comment
                }
            }
            """;

    @Test
    void anExcerptThatStartsInsideATextBlockIsRefused() {
        String excerpt = """
                    SELECT * FROM read_parquet(?)
                    WHERE date >= '2024-01-01'
                    ORDER BY date\""")) {
                query.setString(1, parquetFiles);
                """;
        assertThat(Excerpts.isExcerptOf(excerpt, SCRIPT)).isTrue();
        assertThat(Excerpts.notWholeStatements(excerpt, SCRIPT)).contains("text block");
    }

    @Test
    void anExcerptThatStartsOnTheSecondLineOfATryIsRefused() {
        String excerpt = """
                     var insert = conn2.prepareStatement("INSERT INTO customers_batch (id, name) VALUES (?, ?)")) {
                    insert.executeBatch();
                }
                """;
        assertThat(Excerpts.isExcerptOf(excerpt, SCRIPT)).isTrue();
        assertThat(Excerpts.notWholeStatements(excerpt, SCRIPT)).contains("closes a bracket opened before it");
    }

    @Test
    void anExcerptThatStopsAtCatchIsRefused() {
        String excerpt = """
                    try (var rs = query.executeQuery()) {
                        Table.print(Db.rows(rs)); // the rows as a table
                    }
                } catch (SQLException e) { // one line, naming the files
                """;
        assertThat(Excerpts.notWholeStatements(excerpt, SCRIPT)).isNotNull();
    }

    @Test
    void anExcerptThatStopsInsideAStatementIsRefused() {
        String excerpt = """
                try (var conn2 = DriverManager.getConnection(url);
                """;
        assertThat(Excerpts.notWholeStatements(excerpt, SCRIPT)).contains("leaves a bracket open");
    }

    @Test
    void wholeStatementsPassWithCommentsAndBracketsInStrings() {
        String tryStatement = """
                // Query Parquet files: a glob reads them all as one table
                try (var query = conn.prepareStatement(\"""
                        SELECT * FROM read_parquet(?)
                        WHERE date >= '2024-01-01'
                        ORDER BY date\""")) {
                    query.setString(1, parquetFiles);
                    try (var rs = query.executeQuery()) {
                        Table.print(Db.rows(rs)); // the rows as a table
                    }
                } catch (SQLException e) { // one line, naming the files
                    throw Cli.fail(e, "cannot query %s: %s", parquetFiles, Db.reason(e));
                }
                """;
        assertThat(Excerpts.notWholeStatements(tryStatement, SCRIPT)).isNull();
        assertThat(Excerpts.notWholeStatements("System.out.println(\"done\"); // a \"quoted ( bracket\" in a comment", SCRIPT)).isNull();
    }
}
