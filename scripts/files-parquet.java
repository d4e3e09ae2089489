///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "Parquet Files": DuckDB writes Parquet with snappy, reads it back whole, into a table then rows (pq.read_table, to_pandas), and by named columns, then writes and reads a dataset partitioned by date (hive layout).
//DEPS org.duckdb:duckdb_jdbc:2.0.0.1
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import elkit.Cli;
import elkit.DataFiles;
import elkit.Db;
import elkit.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Usage: files-parquet [input.parquet] [output-folder] [--verbose]
 * Writes customers.parquet and partitioned/ into the output folder (default: work/), then reads
 * input.parquet (default: the customers.parquet it just wrote).
 */
class files_parquet {

    static final Options OPTIONS = Options.usage("files-parquet [input.parquet] [output-folder]")
            .argument("input.parquet", "the file to read (default: the sample)")
            .argument("output-folder", "where to write (default: work/)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(files_parquet::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        Path given = args.isEmpty() ? null : Path.of(args.get(0));
        Path folder = DataFiles.outputFolder(args, 1);
        Path customersFile = folder.resolve("customers.parquet");
        if (given != null && !given.toAbsolutePath().normalize().equals(customersFile.toAbsolutePath().normalize())) {
            DataFiles.input(given); // a missing input stops the lesson before it writes anything
        }

        // DuckDB in memory plays the part of pandas + pyarrow: a table is our DataFrame
        Connection conn = DriverManager.getConnection("jdbc:duckdb:");

        // Write Parquet: first the DataFrame
        Cli.step("Write Parquet with snappy compression");
        try (var stmt = conn.createStatement()) {
            stmt.execute("CREATE TABLE df (customer_id INTEGER, name VARCHAR, balance DOUBLE)");
        }
        try (var insert = conn.prepareStatement("INSERT INTO df VALUES (?, ?, ?)")) {
            insert.setInt(1, 101); insert.setString(2, "Alice"); insert.setDouble(3, 5420.50); insert.addBatch();
            insert.setInt(1, 102); insert.setString(2, "Bob");   insert.setDouble(3, 3210.00); insert.addBatch();
            insert.setInt(1, 103); insert.setString(2, "Carol"); insert.setDouble(3, 8750.25); insert.addBatch();
            insert.executeBatch();
        }
        // then df.to_parquet('customers.parquet', compression='snappy'): COPY ... TO, into a temp file first
        DataFiles.writeAtomically(customersFile, temp -> {
            try (var stmt = conn.createStatement()) {
                stmt.execute("COPY df TO " + sqlString(temp) + " (FORMAT parquet, COMPRESSION snappy)");
            }
        });
        System.out.println("Wrote " + customersFile + " (" + Files.size(customersFile) + " bytes)");

        // Read Parquet: the file given as an argument, else the one just written
        Path input = given != null ? DataFiles.input(given) : customersFile;
        Cli.step("Read Parquet: " + input);
        try (var query = conn.prepareStatement("SELECT * FROM read_parquet(?)")) {
            query.setString(1, input.toString());
            try (var rs = query.executeQuery()) {
                Table.print(Db.rows(rs));
            }
        } catch (SQLException e) { // DuckDB adds the SQL and a caret under it: keep the first line
            throw Cli.fail(e, "%s is not a readable Parquet file: %s", input, e.getMessage().lines().findFirst().orElse(""));
        }

        // Read with PyArrow (more control): pq.read_table gives a columnar table that knows its schema,
        // table.to_pandas() turns it into a DataFrame. DuckDB's counterpart: the file read into a table of
        // its own (in memory, columnar, typed), then that table's rows in Java
        Cli.step("Read with more control: into a table (pq.read_table), then into rows (to_pandas)");
        try (var stmt = conn.createStatement()) {
            stmt.execute("CREATE OR REPLACE TABLE customers_table AS SELECT * FROM read_parquet(" + sqlString(input) + ")");
        }
        Table.print(Db.query(conn, "SELECT column_name, column_type FROM (DESCRIBE customers_table)")); // table.schema
        List<Map<String, Object>> rows = Db.query(conn, "SELECT * FROM customers_table");              // table.to_pandas()
        System.out.println("to_pandas(): " + rows.size() + " rows as column -> value maps"
                + (rows.isEmpty() ? "" : ", the first " + rows.get(0)));

        // Not in the chapter: the footer says how each column chunk is compressed (snappy here)
        Cli.step("Read the compression of each column from the file's footer");
        Table.print(Db.query(conn, """
                SELECT path_in_schema AS column_name, compression, sum(num_values) AS num_values
                FROM parquet_metadata(?) GROUP BY ALL ORDER BY min(column_id)""", input.toString()));

        // Read specific columns: columns=['customer_id', 'balance']; only their column chunks are read from disk
        Cli.step("Read specific columns: customer_id, balance");
        try (var query = conn.prepareStatement("SELECT customer_id, balance FROM read_parquet(?)")) {
            query.setString(1, input.toString());
            try (var rs = query.executeQuery()) {
                Table.print(Db.rows(rs));
            }
        } catch (SQLException e) { // a file of your own may not have the chapter's two columns
            System.out.println("Not in " + input + ": " + e.getMessage().lines().findFirst().orElse(""));
        }

        // Write with partitioning: add a date column, then one folder per date (hive layout: date=2024-01-01/)
        Cli.step("Write with partitioning by date");
        Path partitioned = folder.resolve("partitioned");
        try (var stmt = conn.createStatement()) {
            stmt.execute("ALTER TABLE df ADD COLUMN date DATE");
        }
        try (var update = conn.prepareStatement("UPDATE df SET date = CAST(? AS DATE) WHERE customer_id = ?")) {
            update.setString(1, "2024-01-01"); update.setInt(2, 101); update.addBatch();
            update.setString(1, "2024-01-02"); update.setInt(2, 102); update.addBatch();
            update.setString(1, "2024-01-01"); update.setInt(2, 103); update.addBatch();
            update.executeBatch();
        }
        DataFiles.writeAtomically(partitioned, temp -> { // the whole folder appears at once, or not at all
            try (var stmt = conn.createStatement()) {
                stmt.execute("COPY df TO " + sqlString(temp) + " (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (date))");
            }
        });
        try (Stream<Path> files = Files.walk(partitioned)) {
            files.filter(Files::isRegularFile).sorted()
                    .forEach(file -> System.out.println("  " + folder.relativize(file)));
        }

        // Read the partitioned set back: the date comes from the folder names
        Cli.step("Read the partitioned dataset back (hive_partitioning)");
        String dataset = partitioned.resolve("**").resolve("*.parquet").toString();
        try (var query = conn.prepareStatement(
                "SELECT * FROM read_parquet(?, hive_partitioning = true) ORDER BY customer_id")) {
            query.setString(1, dataset);
            try (var rs = query.executeQuery()) {
                Table.print(Db.rows(rs));
            }
        }
        // A filter on the partition column reads only the matching folders
        var onFirstDay = Db.query(conn, """
                SELECT count(*) AS customers, sum(balance) AS balance
                FROM read_parquet(?, hive_partitioning = true) WHERE date = DATE '2024-01-01'""", dataset);
        System.out.println("On 2024-01-01: " + onFirstDay.get(0));

        conn.close();
    }

    /** COPY ... TO takes the file name as a SQL literal, not a ? parameter: quote it. */
    static String sqlString(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }

}
