///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Benchmark for "4. File Formats": CSV and JSON write+read of N customer rows (default 1,000,000), XML of N/5, in rows/s; row counts and balance sums checked.
//DEPS org.apache.commons:commons-csv:1.14.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java

import elkit.Cli;
import elkit.DataFiles;
import elkit.Env;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.helpers.DefaultHandler;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Usage: bench-files [rows] [--verbose]   (default 1000000; XML gets rows/5)
 * Writes and reads work/bench/customers.{csv,json,xml} the way the lessons do (commons-csv with a
 * header, Jackson, the JDK's DOM), and checks that what is read back has the same count and the same
 * balance sum as what was written. One run, wall-clock time, JIT warm-up included: indicative figures.
 */
class bench_files {

    record Customer(long id, String name, String email, double balance) {}

    /** What a read or write saw: rows and the balance sum in cents (exact, no float drift). */
    record Totals(long rows, long cents) {}

    public static void main(String[] args) {
        Cli.run(args, bench_files::bench);
    }

    static void bench(List<String> args) throws Exception {
        int rows;
        try {
            rows = args.isEmpty() ? 1_000_000 : Integer.parseInt(args.get(0).replace("_", ""));
        } catch (NumberFormatException e) {
            throw Cli.fail(2, "usage: bench-files [rows]   ('%s' is not a number)", args.get(0));
        }
        if (rows < 1) throw Cli.fail(2, "usage: bench-files [rows]   (rows must be at least 1)");
        int xmlRows = Math.max(1, rows / 5);
        Path folder = Files.createDirectories(Env.workDir().resolve("bench"));
        System.out.printf("Java %s, %d cores; files in %s%n", Runtime.version(), Runtime.getRuntime().availableProcessors(), folder);

        Totals expected = expected(rows);
        Path csvFile = folder.resolve("customers.csv");
        report("CSV", rows, expected,
                () -> writeCsv(csvFile, rows), () -> readCsv(csvFile), csvFile);

        ObjectMapper mapper = new ObjectMapper();
        Path jsonFile = folder.resolve("customers.json");
        report("JSON", rows, expected,
                () -> writeJson(mapper, jsonFile, rows), () -> readJson(mapper, jsonFile), jsonFile);

        Path xmlFile = folder.resolve("customers.xml");
        report("XML", xmlRows, expected(xmlRows),
                () -> writeXml(xmlFile, xmlRows), () -> readXml(xmlFile), xmlFile);
    }

    /** The i-th customer: generated, so nothing but the format is measured. */
    static Customer customer(long i) {
        return new Customer(i, "Customer " + i, "customer" + i + "@example.com", (i % 1_000_000) / 100.0);
    }

    static Totals expected(long rows) {
        long cents = 0;
        for (long i = 1; i <= rows; i++) cents += i % 1_000_000;
        return new Totals(rows, cents);
    }

    static long cents(double balance) {
        return Math.round(balance * 100);
    }

    interface Step {
        Totals run() throws Exception;
    }

    static void report(String format, int rows, Totals expected, Step write, Step read, Path file) throws Exception {
        long t0 = System.nanoTime();
        Totals written = write.run();
        long t1 = System.nanoTime();
        Totals readBack = read.run();
        long t2 = System.nanoTime();
        double writeSeconds = (t1 - t0) / 1e9, readSeconds = (t2 - t1) / 1e9;
        System.out.printf("%-4s %,10d rows  %7.1f MB  write %6.2f s %,12.0f rows/s  read %6.2f s %,12.0f rows/s  write+read %,12.0f rows/s%n",
                format, rows, Files.size(file) / 1e6, writeSeconds, rows / writeSeconds, readSeconds, rows / readSeconds,
                rows / (writeSeconds + readSeconds));
        if (!written.equals(expected) || !readBack.equals(expected)) {
            throw Cli.fail("%s check failed: expected %s, wrote %s, read back %s", format, expected, written, readBack);
        }
        System.out.printf("     check: %,d rows, balance sum %s, same as written%n", readBack.rows(),
                java.math.BigDecimal.valueOf(readBack.cents(), 2).toPlainString());
    }

    static Totals writeCsv(Path file, int rows) throws Exception {
        long[] cents = {0};
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader("id", "name", "email", "balance").get();
        DataFiles.writeAtomically(file, temp -> {
            try (var out = Files.newBufferedWriter(temp); var printer = format.print(out)) {
                for (long i = 1; i <= rows; i++) {
                    Customer c = customer(i);
                    printer.printRecord(c.id(), c.name(), c.email(), c.balance());
                    cents[0] += cents(c.balance());
                }
            }
        });
        return new Totals(rows, cents[0]);
    }

    static Totals readCsv(Path file) throws Exception {
        long count = 0, cents = 0;
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (var in = DataFiles.reader(file); var parser = format.parse(in)) {
            for (CSVRecord record : parser) {
                count++;
                cents += cents(Double.parseDouble(record.get("balance")));
            }
        }
        return new Totals(count, cents);
    }

    static Totals writeJson(ObjectMapper mapper, Path file, int rows) throws Exception {
        long[] cents = {0};
        DataFiles.writeAtomically(file, temp -> {
            try (var writer = mapper.writerFor(Customer.class).writeValuesAsArray(temp.toFile())) {
                for (long i = 1; i <= rows; i++) {
                    Customer c = customer(i);
                    writer.write(c);
                    cents[0] += cents(c.balance());
                }
            }
        });
        return new Totals(rows, cents[0]);
    }

    static Totals readJson(ObjectMapper mapper, Path file) throws Exception {
        long count = 0, cents = 0;
        try (MappingIterator<Customer> it = mapper.readerFor(Customer.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                count++;
                cents += cents(it.next().balance());
            }
        }
        return new Totals(count, cents);
    }

    static Totals writeXml(Path file, int rows) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        doc.setXmlStandalone(true);
        Element root = doc.createElement("customers");
        doc.appendChild(root);
        long cents = 0;
        for (long i = 1; i <= rows; i++) {
            Customer c = customer(i);
            Element customer = doc.createElement("customer");
            customer.setAttribute("id", Long.toString(c.id()));
            for (var field : List.of(List.of("name", c.name()), List.of("email", c.email()),
                    List.of("balance", Double.toString(c.balance())))) {
                Element child = doc.createElement(field.get(0));
                child.setTextContent(field.get(1));
                customer.appendChild(child);
            }
            root.appendChild(customer);
            cents += cents(c.balance());
        }
        var transformers = TransformerFactory.newInstance();
        transformers.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        transformers.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        var transformer = transformers.newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        DataFiles.writeAtomically(file, temp -> transformer.transform(new DOMSource(doc), new StreamResult(temp.toFile())));
        return new Totals(rows, cents);
    }

    static Totals readXml(Path file) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        var builder = factory.newDocumentBuilder();
        builder.setErrorHandler(new DefaultHandler());
        NodeList customers = builder.parse(file.toFile()).getDocumentElement().getElementsByTagName("customer");
        long cents = 0;
        for (int i = 0; i < customers.getLength(); i++) {
            Element customer = (Element) customers.item(i);
            cents += cents(Double.parseDouble(customer.getElementsByTagName("balance").item(0).getTextContent()));
        }
        return new Totals(customers.getLength(), cents);
    }
}
