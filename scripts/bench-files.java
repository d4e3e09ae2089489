///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// One thread writes and reads, allocating a few short-lived strings per row: the serial collector does the least
// work per object there. On 2 cores the JVM's default (G1) spent a third of CSV's time in its barriers and threads.
//RUNTIME_OPTIONS -XX:+UseSerialGC
//DESCRIPTION Benchmark for "4. File Formats": CSV and JSON write+read of N customer rows (default 1,000,000), XML of N/5, in rows/s next to the chapter's Python; row counts and balance sums checked.
//DEPS org.apache.commons:commons-csv:1.14.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../lib/src/main/java/elkit/Bench.java
//SOURCES ../lib/src/main/java/elkit/Charts.java
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java
//SOURCES ../lib/src/main/java/elkit/Progress.java

import elkit.Options;

import elkit.Bench;
import elkit.Charts;
import elkit.Cli;
import elkit.DataFiles;
import elkit.Env;
import elkit.Progress;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.helpers.DefaultHandler;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Usage: bench-files [rows] [--verbose]   (default 1,000,000; XML gets rows/5)
 * Writes and reads work/bench/customers.{csv,json,xml} the way a loader would (commons-csv with a
 * header, Jackson's streaming generator and databind reader, the JDK's XML as StAX and as DOM), checks
 * that what is read back has the same count and the same balance sum as what was written, then runs
 * the chapter's Python (csv, json, xml.etree) on the same rows in the same run, and deletes the files.
 * One run, wall-clock time, JIT warm-up included: indicative figures.
 */
class bench_files {

    record Customer(long id, String name, String email, double balance) {}

    /** What a read or write saw: rows and the balance sum in cents (exact, no float drift). */
    record Totals(long rows, long cents) {}

    /** A buffer well above the JDK's 8 KiB default: fewer system calls for files of 50-100 MB. */
    static final int BUFFER = 1 << 16;

    /** The chapter's way in Python, same rows, same checks: prints "format rows write_s read_s cents". */
    static final String PYTHON = """
            import csv, json, sys, time, xml.etree.ElementTree as ET
            n, xml_n, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
            def customers(n):
                for i in range(1, n + 1):
                    yield {"id": i, "name": f"Customer {i}", "email": f"customer{i}@example.com", "balance": (i % 1000000) / 100}
            path = folder + "/python.csv"
            t0 = time.perf_counter()
            with open(path, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=["id", "name", "email", "balance"])
                writer.writeheader()
                for row in customers(n):
                    writer.writerow(row)
            t1 = time.perf_counter()
            with open(path, newline="", encoding="utf-8") as f:
                rows = cents = 0
                for row in csv.DictReader(f):
                    rows += 1; cents += round(float(row["balance"]) * 100)
            print("CSV", rows, t1 - t0, time.perf_counter() - t1, cents)
            path = folder + "/python.json"
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                json.dump(list(customers(n)), f)
            t1 = time.perf_counter()
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            print("JSON", len(data), t1 - t0, time.perf_counter() - t1, sum(round(c["balance"] * 100) for c in data))
            del data
            path = folder + "/python.xml"
            t0 = time.perf_counter()
            root = ET.Element("customers")
            for c in customers(xml_n):
                e = ET.SubElement(root, "customer", id=str(c["id"]))
                ET.SubElement(e, "name").text = c["name"]
                ET.SubElement(e, "email").text = c["email"]
                ET.SubElement(e, "balance").text = str(c["balance"])
            ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
            t1 = time.perf_counter()
            found = ET.parse(path).getroot().iter("customer")
            rows = cents = 0
            for e in found:
                rows += 1; cents += round(float(e.find("balance").text) * 100)
            print("XML", rows, t1 - t0, time.perf_counter() - t1, cents)
            """;

    static final Options OPTIONS = Options.usage("bench-files [rows]")
            .argument("rows", "rows per format (default: 1,000,000; XML gets rows/5)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(bench_files::bench));
    }

    static void bench(List<String> args) throws Exception {
        int rows = Bench.rows("bench-files", args, 1_000_000);
        int xmlRows = Math.max(1, rows / 5);
        Path folder = Files.createDirectories(Env.workDir().resolve("bench"));
        String machine = Bench.machine();
        System.out.println(machine);
        System.out.printf(Locale.US, "Files in %s; CSV and JSON %,d rows, XML %,d rows%n", folder, rows, xmlRows);

        Totals expected = expected(rows);
        Path csvFile = folder.resolve("customers.csv");
        Path jsonFile = folder.resolve("customers.json");
        Path xmlFile = folder.resolve("customers.xml");
        var java = new LinkedHashMap<String, Double>();
        var bars = new ArrayList<Charts.Bar>(); // the chart: each write+read rows/s as printed, Python beside Java
        try {
            java.put("CSV", report("CSV", rows, expected, () -> writeCsv(csvFile, rows), () -> readCsv(csvFile), csvFile));
            ObjectMapper mapper = new ObjectMapper();
            java.put("JSON", report("JSON", rows, expected,
                    () -> writeJson(mapper, jsonFile, rows), () -> readJson(mapper, jsonFile), jsonFile));
            java.put("XML", report("XML", xmlRows, expected(xmlRows),
                    () -> writeXmlStax(xmlFile, xmlRows), () -> readXmlStax(xmlFile), xmlFile));
            java.put("XML DOM", report("XML DOM", xmlRows, expected(xmlRows), () -> writeXmlDom(xmlFile, xmlRows), () -> readXmlDom(xmlFile), xmlFile));

            Cli.step("The chapter's Python, same rows, same run (csv.DictWriter/DictReader, json.dump/load, xml.etree)");
            Bench.PythonRun python;
            try (var progress = Progress.start("Python csv, json, xml.etree", 0)) {
                python = Bench.python(PYTHON, Integer.toString(rows), Integer.toString(xmlRows), folder.toString());
            }
            var pythonRates = new LinkedHashMap<String, Double>();
            if (!python.ran()) System.out.println(python.problem());
            for (String line : python.ran() ? python.lines() : List.<String>of()) {
                String[] f = line.split(" ");
                long n = Long.parseLong(f[1]);
                double write = Double.parseDouble(f[2]), read = Double.parseDouble(f[3]);
                boolean same = new Totals(n, Long.parseLong(f[4])).equals(f[0].equals("XML") ? expected(xmlRows) : expected);
                double pythonRate = n / (write + read);
                pythonRates.put(f[0], pythonRate);
                System.out.printf(Locale.US, "%-4s %,10d rows  write %6.2f s  read %6.2f s  write+read %,10.0f rows/s  check %s"
                                + "  ->  Java is %.1fx Python%n", f[0], n, write, read, pythonRate, same ? "ok" : "FAILED",
                        java.get(f[0]) / pythonRate);
            }
            for (var format : java.keySet()) {
                bars.add(new Charts.Bar(format + ", Java", "Java", String.format(Locale.US, "%,.0f", java.get(format))));
                if (pythonRates.containsKey(format)) {
                    bars.add(new Charts.Bar(format + ", Python", "Python", String.format(Locale.US, "%,.0f", pythonRates.get(format))));
                }
            }
        } finally {
            Bench.cleanUp(folder, List.of(csvFile, jsonFile, xmlFile,
                    folder.resolve("python.csv"), folder.resolve("python.json"), folder.resolve("python.xml")));
        }
        var chart = Charts.draw(folder, new Charts.Spec("bench-files",
                String.format(Locale.US, "bench-files: write+read, rows/s (higher is better); CSV and JSON %,d rows, XML %,d rows", rows, xmlRows),
                machine, "write+read rows/s", bars, false));
        System.out.println(chart.line());
    }

    /** The i-th customer: generated, so nothing but the format is measured. */
    static Customer customer(long i) {
        return new Customer(i, "Customer " + i, "customer" + i + "@example.com", Bench.cents(i) / 100.0);
    }

    static Totals expected(long rows) {
        return new Totals(rows, Bench.expectedCents(rows));
    }

    static long cents(double balance) {
        return Math.round(balance * 100);
    }

    interface Step {
        Totals run() throws Exception;
    }

    /** Times the write and the read back, checks both against what was expected; returns write+read rows/s. */
    static double report(String format, int rows, Totals expected, Step write, Step read, Path file) throws Exception {
        long t0, t1, t2;
        Totals written, readBack;
        try (var progress = Progress.start(format + " write and read", 2)) {
            t0 = System.nanoTime();
            written = write.run();
            t1 = System.nanoTime();
            progress.step();
            readBack = read.run();
            t2 = System.nanoTime();
        }
        double writeSeconds = (t1 - t0) / 1e9, readSeconds = (t2 - t1) / 1e9;
        System.out.printf(Locale.US, "%-7s %,10d rows  %7.1f MB  write %6.2f s %,12.0f rows/s  read %6.2f s %,12.0f rows/s  write+read %,12.0f rows/s%n",
                format, rows, Files.size(file) / 1e6, writeSeconds, rows / writeSeconds, readSeconds, rows / readSeconds,
                rows / (writeSeconds + readSeconds));
        if (!written.equals(expected) || !readBack.equals(expected)) {
            throw Cli.fail("%s check failed: expected %s, wrote %s, read back %s", format, expected, written, readBack);
        }
        System.out.printf(Locale.US, "        check: %,d rows, balance sum %s, same as written%n", readBack.rows(),
                java.math.BigDecimal.valueOf(readBack.cents(), 2).toPlainString());
        return rows / (writeSeconds + readSeconds);
    }

    static Writer writer(Path file) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), BUFFER);
    }

    static Totals writeCsv(Path file, int rows) throws Exception {
        long[] cents = {0};
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader("id", "name", "email", "balance").get();
        DataFiles.writeAtomically(file, temp -> {
            try (var out = writer(temp); var printer = format.print(out)) {
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
        try (var in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), BUFFER);
                var parser = format.parse(in)) {
            for (CSVRecord record : parser) {
                count++;
                cents += cents(Double.parseDouble(record.get("balance")));
            }
        }
        return new Totals(count, cents);
    }

    /** Jackson's streaming generator: one object after another, no tree and no reflection per row. */
    static Totals writeJson(ObjectMapper mapper, Path file, int rows) throws Exception {
        long[] cents = {0};
        DataFiles.writeAtomically(file, temp -> {
            try (var out = new BufferedOutputStream(Files.newOutputStream(temp), BUFFER);
                    JsonGenerator json = mapper.getFactory().createGenerator(out)) {
                json.writeStartArray();
                for (long i = 1; i <= rows; i++) {
                    Customer c = customer(i);
                    json.writeStartObject();
                    json.writeNumberField("id", c.id());
                    json.writeStringField("name", c.name());
                    json.writeStringField("email", c.email());
                    json.writeNumberField("balance", c.balance());
                    json.writeEndObject();
                    cents[0] += cents(c.balance());
                }
                json.writeEndArray();
            }
        });
        return new Totals(rows, cents[0]);
    }

    /** Jackson databind, one record at a time: the whole array is never in memory. */
    static Totals readJson(ObjectMapper mapper, Path file) throws Exception {
        long count = 0, cents = 0;
        try (var in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
                MappingIterator<Customer> it = mapper.readerFor(Customer.class).readValues(in)) {
            while (it.hasNext()) {
                count++;
                cents += cents(it.next().balance());
            }
        }
        return new Totals(count, cents);
    }

    /** StAX, the JDK's streaming XML: element after element, nothing held in memory. */
    static Totals writeXmlStax(Path file, int rows) throws Exception {
        long[] cents = {0};
        DataFiles.writeAtomically(file, temp -> {
            try (var out = new BufferedOutputStream(Files.newOutputStream(temp), BUFFER)) {
                XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(out, "UTF-8");
                xml.writeStartDocument("UTF-8", "1.0");
                xml.writeStartElement("customers");
                for (long i = 1; i <= rows; i++) {
                    Customer c = customer(i);
                    xml.writeStartElement("customer");
                    xml.writeAttribute("id", Long.toString(c.id()));
                    for (String[] field : new String[][] {{"name", c.name()}, {"email", c.email()},
                            {"balance", Double.toString(c.balance())}}) {
                        xml.writeStartElement(field[0]);
                        xml.writeCharacters(field[1]);
                        xml.writeEndElement();
                    }
                    xml.writeEndElement();
                    cents[0] += cents(c.balance());
                }
                xml.writeEndElement();
                xml.writeEndDocument();
                xml.close();
            }
        });
        return new Totals(rows, cents[0]);
    }

    static Totals readXmlStax(Path file) throws Exception {
        var factory = XMLInputFactory.newInstance();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false); // safe by default, as the DOM reader below
        long count = 0, cents = 0;
        try (var in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            XMLStreamReader xml = factory.createXMLStreamReader(in);
            while (xml.hasNext()) {
                if (xml.next() != XMLStreamConstants.START_ELEMENT) continue;
                if (xml.getLocalName().equals("customer")) count++;
                else if (xml.getLocalName().equals("balance")) cents += cents(Double.parseDouble(xml.getElementText()));
            }
            xml.close();
        }
        return new Totals(count, cents);
    }

    /** The lesson's way: a DOM tree built in memory, then written by a Transformer. */
    static Totals writeXmlDom(Path file, int rows) throws Exception {
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
        DataFiles.writeAtomically(file, temp -> {
            try (var out = new BufferedOutputStream(Files.newOutputStream(temp), BUFFER)) {
                transformer.transform(new DOMSource(doc), new StreamResult(out));
            }
        });
        return new Totals(rows, cents);
    }

    static Totals readXmlDom(Path file) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        var builder = factory.newDocumentBuilder();
        builder.setErrorHandler(new DefaultHandler());
        NodeList customers;
        try (var in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            customers = builder.parse(in).getDocumentElement().getElementsByTagName("customer");
        }
        long cents = 0;
        for (int i = 0; i < customers.getLength(); i++) {
            Element customer = (Element) customers.item(i);
            cents += cents(Double.parseDouble(customer.getElementsByTagName("balance").item(0).getTextContent()));
        }
        return new Totals(customers.getLength(), cents);
    }
}
