///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "CSV Files": commons-csv reads each row's fields by position (csv.reader) and by column name (DictReader), then writes dicts by field name with a header (DictWriter).
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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
        Cli.step("Method 1: list of lists (header skipped), fields by position");
        CSVFormat csv = CSVFormat.DEFAULT; // RFC 4180: quotes, commas and newlines inside quotes, CRLF or LF
        try (var csvfile = DataFiles.reader(dataLocation); var csvreader = csv.parse(csvfile)) {
            var rows = csvreader.iterator();
            List<String> header = rows.hasNext() ? rows.next().toList() : List.of(); // Skip header
            requireChapterColumns(dataLocation, header);
            if (!header.subList(0, 3).equals(List.of("customer_id", "name", "email"))) { // unpacking trusts the order
                System.out.println("(by position the first three columns are " + header.subList(0, 3) + ": Method 2 reads by name)");
            }
            while (rows.hasNext()) {
                CSVRecord row = rows.next();
                // customer_id, name, email = row: by position (the sample's 4th column, address, is left aside)
                String customerId = row.get(0), name = row.get(1), email = row.get(2);
                System.out.println(name + ": " + email);
            }
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw malformed(dataLocation, e);
        } catch (ArrayIndexOutOfBoundsException e) { // Python: ValueError: not enough values to unpack
            throw Cli.fail("%s has a row with fewer than 3 fields: customer_id, name, email = row needs 3", dataLocation);
        }

        // Method 2: Dictionary reader (better for named columns): the first record names the columns
        Cli.step("Method 2: dictionary reader, fields by column name (DictReader)");
        CSVFormat dictReader = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        int count = 0;
        try (var csvfile = DataFiles.reader(dataLocation); var csvreader = dictReader.parse(csvfile)) {
            for (CSVRecord row : csvreader) {
                System.out.println(row.get("name") + ": " + row.get("email")); // row['name'], row['email']
                count++;
            }
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw malformed(dataLocation, e);
        }
        System.out.println("Read " + count + " records from " + dataLocation);

        // Writing CSV: dicts, unordered in Java (Map.of), written by field name as DictWriter does
        Cli.step("Writing CSV with a header (DictWriter)");
        List<Map<String, Object>> customers = List.of(
                Map.of("id", 101, "name", "Alice", "balance", 5420.50),
                Map.of("id", 102, "name", "Bob", "balance", 3210.00),
                Map.of("id", 103, "name", "Carol \"CJ\" Lee, Jr.", "balance", 8750.25)); // needs quoting: a comma and quotes

        String[] fieldnames = {"id", "name", "balance"};
        CSVFormat dictWriter = CSVFormat.DEFAULT.builder().setHeader(fieldnames).get(); // writes the header first
        DataFiles.writeAtomically(output, temp -> { // a temp file, moved into place only when complete
            try (var csvfile = Files.newBufferedWriter(temp); var writer = dictWriter.print(csvfile)) {
                for (var customer : customers) {
                    // writerows: each value looked up by its field name, so the dict's own order does not matter
                    writer.printRecord(Arrays.stream(fieldnames).map(customer::get).toList());
                }
            }
        });
        System.out.println("Wrote " + customers.size() + " rows to " + output + ":");
        System.out.print(Files.readString(output).replace("\r\n", "\n"));
    }

    /** The chapter's code unpacks three fields by position (Method 1), then reads name and email by name (Method 2). */
    static void requireChapterColumns(Path file, List<String> header) {
        if (header.size() < 3 || !header.containsAll(List.of("name", "email"))) {
            throw Cli.fail("%s has the columns %s; the chapter's code needs at least three, among them name and email", file, header);
        }
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
