///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Exercise 3 (file formats): turn a real-world CSV into JSON records, all or nothing. Run it to grade yourself.
//DEPS org.apache.commons:commons-csv:1.14.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../../../lib/src/main/java/elkit/Grading.java

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;

import elkit.Grading.Check;
import static elkit.Grading.check;

/**
 * Exercise 3: CSV in, JSON out, the way a pipeline needs it.
 *
 * Write {@link #csvToJson}: read {@code csv} (first line: the header) and write {@code json} as an
 * array of objects, header -> value, values as strings, in file order. Return the number of records.
 *   1. Real CSV: quoted fields with commas, newlines and doubled quotes; CRLF line ends; a UTF-8 byte
 *      order mark at the start (Excel writes one; it must not end up in the first key).
 *   2. All or nothing: if the CSV is malformed, raise an exception and leave {@code json} as it was
 *      (absent stays absent, an old file stays unchanged). Write a temp file, then move it into place.
 *
 * Run it: ../../../jbang ex03-csv-to-json.java   It grades your code and exits 0 when all checks pass.
 */
class ex03_csv_to_json {

    static int csvToJson(Path csv, Path json) throws IOException {
        // TODO: your code here. Chapter page 04-file-formats.md shows commons-csv and Jackson at work.
        throw new UnsupportedOperationException("csvToJson() is not written yet");
    }

    // ---- grading: do not edit below this line ----

    static final String TRICKY = "\uFEFFcustomer_id,name,address\r\n"
            + "101,Alice Johnson,12 Main St\r\n"
            + "102,\"Smith, Bob\",\"Flat 3\r\n8 High Street\"\r\n"
            + "103,\"Carol \"\"CJ\"\" Lee\",5 Oak Ave\r\n";

    public static void main(String[] args) throws Exception {
        var report = new ArrayList<String>();
        int passed = 0;
        // each check has a folder of its own, and first converts the tricky CSV: a csvToJson that always
        // raises (or writes nothing) must not pass the checks on malformed input, nor get hints about other checks
        passed += check(report, "quotes, commas, newlines, CRLF and a byte order mark", () -> {
            expectTrickyConverted(freshFolder());
        });
        passed += check(report, "a malformed CSV raises and writes nothing", () -> {
            Path dir = freshFolder();
            expectTrickyConverted(dir);
            Path csv = Files.writeString(dir.resolve("broken.csv"), "customer_id,name\n101,Alice\n102,\"Bob\n103,Carol\n");
            Path json = dir.resolve("broken.json");
            expectRaise(() -> csvToJson(csv, json));
            if (Files.exists(json)) throw new AssertionError(json.getFileName() + " was written anyway");
            assertOnlyFiles(dir, "customers.csv", "customers.json", "broken.csv");
        });
        passed += check(report, "a malformed CSV leaves the previous JSON unchanged", () -> {
            Path dir = freshFolder();
            expectTrickyConverted(dir);
            Path csv = Files.writeString(dir.resolve("broken2.csv"), "customer_id,name\n" + "1,x\n".repeat(5000) + "2,\"unclosed\n");
            Path json = Files.writeString(dir.resolve("old.json"), "[{\"customer_id\": \"1\"}]");
            expectRaise(() -> csvToJson(csv, json));
            String now = Files.readString(json);
            if (!now.equals("[{\"customer_id\": \"1\"}]")) throw new AssertionError("old.json changed: " + now.substring(0, Math.min(60, now.length())));
            assertOnlyFiles(dir, "customers.csv", "customers.json", "broken2.csv", "old.json");
        });
        for (Path dir : FOLDERS) deleteTree(dir); // nothing left behind in the temp folder
        report.forEach(System.out::println);
        System.out.printf("Score: %d/%d%n", passed, report.size());
        System.exit(passed == report.size() ? 0 : 1);
    }

    static final List<Path> FOLDERS = new ArrayList<>();

    static Path freshFolder() throws IOException {
        Path dir = Files.createTempDirectory("ex03");
        FOLDERS.add(dir);
        return dir;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Converts the tricky CSV in {@code dir} into customers.json and checks every record and the count. */
    static void expectTrickyConverted(Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("customers.csv"), TRICKY, StandardCharsets.UTF_8);
        Path json = dir.resolve("customers.json");
        int count;
        try {
            count = csvToJson(csv, json);
        } catch (UnsupportedOperationException notWritten) {
            throw notWritten;
        } catch (Exception e) {
            throw new AssertionError("a valid CSV raised " + e);
        }
        if (!Files.exists(json)) throw new AssertionError("a valid CSV: " + json.getFileName() + " was not written");
        List<Map<String, String>> expected = List.of(
                record("101", "Alice Johnson", "12 Main St"),
                record("102", "Smith, Bob", "Flat 3\r\n8 High Street"),
                record("103", "Carol \"CJ\" Lee", "5 Oak Ave"));
        var actual = new ObjectMapper().readValue(json.toFile(), List.class);
        if (!expected.equals(actual)) throw new AssertionError("expected " + expected + ", got " + actual);
        if (count != 3) throw new AssertionError("expected the count 3, got " + count);
    }

    static void expectRaise(Check call) throws Exception {
        try {
            call.run();
        } catch (UnsupportedOperationException notWritten) {
            throw notWritten;
        } catch (Exception raised) {
            return;
        }
        throw new AssertionError("no exception for a malformed CSV");
    }

    static void assertOnlyFiles(Path dir, String... names) throws IOException {
        try (var files = Files.list(dir)) {
            var left = files.map(p -> p.getFileName().toString()).sorted().toList();
            var expected = java.util.Arrays.stream(names).sorted().toList();
            if (!left.equals(expected)) throw new AssertionError("files left in the folder: " + left + ", expected " + expected);
        }
    }

    static Map<String, String> record(String id, String name, String address) {
        var record = new LinkedHashMap<String, String>();
        record.put("customer_id", id);
        record.put("name", name);
        record.put("address", address);
        return record;
    }
}
