///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "CSV Files": commons-csv reads rows as lists and as header -> value maps (DictReader), then writes maps with a header (DictWriter).
//DEPS org.apache.commons:commons-csv:1.14.1
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import elkit.Cli;
import elkit.DataFiles;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Usage: files-csv [input.csv] [output.csv] [--verbose]   (defaults: the sample customers.csv, work/output.csv) */
class files_csv {

    static final Options OPTIONS = Options.usage("files-csv [input.csv] [output.csv]")
            .argument("input.csv", "the file to read (default: the sample customers.csv)")
            .argument("output.csv", "the file to write (default: work/output.csv)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(files_csv::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        // Reading CSV
        Path dataLocation = DataFiles.input(args, 0, "customers.csv");
        Path output = DataFiles.output(args, 1, "output.csv");
        System.out.println("Reading " + dataLocation);

        // Method 1: List of lists. DataFiles.reader is UTF-8 and skips a byte order mark (Excel writes one)
        Cli.step("Method 1: list of lists (header skipped)");
        CSVFormat csv = CSVFormat.DEFAULT; // RFC 4180: quotes, commas and newlines inside quotes, CRLF or LF
        try (var csvfile = DataFiles.reader(dataLocation); var csvreader = csv.parse(csvfile)) {
            var rows = csvreader.iterator();
            List<String> header = rows.hasNext() ? rows.next().toList() : List.of(); // Skip header
            System.out.println("header: " + show(header));
            while (rows.hasNext()) {
                List<String> row = rows.next().toList();
                System.out.println(row.size() + " fields: " + show(row)); // quoted, a newline as \n: countable
            }
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw malformed(dataLocation, e);
        }

        // Method 2: Dictionary reader (better for named columns): the first record names the columns
        Cli.step("Method 2: header -> value maps (DictReader)");
        CSVFormat dictReader = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        int count = 0;
        try (var csvfile = DataFiles.reader(dataLocation); var csvreader = dictReader.parse(csvfile)) {
            for (CSVRecord row : csvreader) {
                Map<String, String> record = row.toMap();
                System.out.println(show(record));
                count++;
            }
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw malformed(dataLocation, e);
        }
        System.out.println("Read " + count + " records from " + dataLocation);

        // Writing CSV
        Cli.step("Writing CSV with a header (DictWriter)");
        List<Map<String, Object>> customers = List.of(
                customer(101, "Alice", 5420.50),
                customer(102, "Bob", 3210.00),
                customer(103, "Carol \"CJ\" Lee, Jr.", 8750.25)); // needs quoting: a comma and quotes

        String[] fieldnames = {"id", "name", "balance"};
        CSVFormat dictWriter = CSVFormat.DEFAULT.builder().setHeader(fieldnames).get(); // writes the header first
        DataFiles.writeAtomically(output, temp -> { // a temp file, moved into place only when complete
            try (var csvfile = Files.newBufferedWriter(temp); var writer = dictWriter.print(csvfile)) {
                for (var customer : customers) {
                    writer.printRecord(customer.values()); // writerows: values in fieldnames order
                }
            }
        });
        System.out.println("Wrote " + customers.size() + " rows to " + output + ":");
        System.out.print(Files.readString(output).replace("\r\n", "\n"));
    }

    /** One row of the customers list, its keys in fieldnames order. */
    static Map<String, Object> customer(int id, String name, double balance) {
        var row = new LinkedHashMap<String, Object>();
        row.put("id", id);
        row.put("name", name);
        row.put("balance", balance);
        return row;
    }

    /** A value in quotes, with a newline inside it shown as \n (as Python's repr does), so it stays on one line. */
    static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    /** A row as Python prints a list: each value quoted, so a learner can count the fields. */
    static String show(List<String> row) {
        return row.stream().map(value -> quoted(value)).collect(Collectors.joining(", ", "[", "]"));
    }

    /** A record as Python prints a dict: "column": "value". */
    static String show(Map<String, String> record) {
        return record.entrySet().stream().map(e -> quoted(e.getKey()) + ": " + quoted(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** commons-csv says "(startline 3) EOF reached before ...": say which file and line, in words. */
    static Cli.Failure malformed(Path file, RuntimeException e) {
        String message = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
        var startLine = Pattern.compile("\\(startline (\\d+)\\)\\s*").matcher(message);
        if (startLine.find()) {
            String detail = startLine.replaceFirst("");
            if (detail.startsWith("EOF reached before encapsulated token finished")) {
                detail = "a quoted field is never closed (" + detail + ")";
            }
            return Cli.fail("%s line %s: %s", file, startLine.group(1), detail);
        }
        return Cli.fail("%s is not valid CSV: %s", file, message);
    }
}
