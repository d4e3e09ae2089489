// JShell walkthrough of notebooks/04-file-formats.ipynb: its code cells in order, its markdown as comments.
// Made from the notebook by `./jbang to-jshell`: edit the notebook, then run that command.
//
// Run it whole, from the repository root:  ./jbang chapters/05-extract-load/jshell/04-file-formats.jsh
// Run it, then stay in JShell:            ./jbang -i chapters/05-extract-load/jshell/04-file-formats.jsh
// Or /open it in a JShell that has these classes, and step through it snippet by snippet.
//
// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.
//DEPS ../../../scripts/files-csv.java
//DEPS ../../../scripts/files-json.java
//DEPS ../../../scripts/files-parquet.java
//DEPS ../../../scripts/files-xml.java
//DEPS ../../../scripts/files-excel.java
//DEPS ../../../scripts/bench-files.java

// # 4. File Formats: reading and writing files
//
// Chapter 5, section 4 of *Python for Data Integration - Extract & Load*, in Java: CSV with commons-csv,
// JSON with Jackson, Parquet with DuckDB, XML with the JDK's own parser, Excel with fastexcel.
// The code cells are excerpts of the lesson scripts (`scripts/files-*.java`); the chapter page
// `chapters/05-extract-load/04-file-formats.md` explains the library choices.
//
// Run `mvn -pl notebooks -am package` once: it puts the libraries into `notebooks/target/classpath`.
// The lessons read the sample files in `chapters/05-extract-load/data/files/` and write to `work/` at the repository root, as the scripts do.

// notebook: load elkit and the lesson libraries (mvn -pl notebooks -am package builds the folder)
// %jar target/classpath   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// notebook: the scripts' command-line arguments; none, so each lesson uses its sample file and writes to work/
List<String> args = List.of();

// ## CSV files: commons-csv
//
// Python's `csv` module has no JDK counterpart. Apache Commons CSV follows RFC 4180: quoted fields with commas,
// doubled quotes and newlines inside quotes, CRLF or LF line ends. The sample is saved the way Excel saves
// "CSV UTF-8": a byte order mark, CRLF line ends, an address on two lines inside quotes.

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

// Two helpers of the script: the check that a file has the columns the chapter's code reads, and the one-line error for a malformed file (file and line).

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

// Reading CSV
Path dataLocation = DataFiles.input(args, 0, "customers.csv");
Path output = DataFiles.output(args, 1, "output.csv");
System.out.println("Reading " + dataLocation);

// Method 1, list of lists, the header row taken off first: `customer_id, name, email = row` reads the fields by position. The sample's fourth column (an address on two lines inside quotes) is left aside. `DataFiles.reader` skips the byte order mark, as Python's `encoding='utf-8-sig'` does.

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

// Method 2 is `DictReader`: `setHeader()` with no names means "the first record names the columns", and `row.get("name")` is `row['name']`.

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

// Writing is `DictWriter`: the format carries the header, and each value is looked up by its field name (the `Map.of` dicts keep no order). `printRecord` quotes only what needs quoting. The file is written to a temp file and moved into place when complete.

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

// ## JSON files: Jackson
//
// The tree model (`JsonNode`) is what `json.load` returns; data binding fills Java records.

import elkit.Cli;
import elkit.DataFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

// The nested customer document as records:

// The customers list of "Writing JSON": one record per dict, written in component order
record CustomerBalance(int id, String name, double balance) {}

// The nested document as Java types: Jackson binds JSON objects to records by component name
record Profile(String name, String email) {}
record Order(@JsonProperty("order_id") int orderId, double total) {}
record Customer(int id, Profile profile, List<Order> orders) {}
record NestedData(Customer customer) {}

static Cli.Failure malformed(Path file, JsonProcessingException e) {
    var where = e.getLocation();
    return where == null
            ? Cli.fail("%s is not valid JSON: %s", file, e.getOriginalMessage())
            : Cli.fail("%s line %d, column %d: %s", file, where.getLineNr(), where.getColumnNr(), e.getOriginalMessage());
}

Path input = DataFiles.input(args, 0, "customers.json");
Path output = DataFiles.output(args, 1, "output.json");

// One ObjectMapper for the whole program: it is thread-safe and caches what it learns about types.
// Like json.load, refuse "[1] [2]": trailing content after the document is an error.
ObjectMapper mapper = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
// json.dump(indent=2) in Jackson: two spaces, one array element per line, "key": value
var indent = new DefaultIndenter("  ", "\n");
ObjectWriter pretty = mapper.writer(new DefaultPrettyPrinter()
        .withObjectIndenter(indent).withArrayIndenter(indent)
        .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withArrayEmptySeparator("").withObjectEmptySeparator(""))); // [] and {}, not [ ] and { }

// Reading a file (`json.load`), then writing the chapter's `customers`, a list built in code (records, written in component order, as `json.dump(customers, f, indent=2)` writes the dicts). A syntax error names the file, the line and the column.

// Reading JSON
Cli.step("Reading JSON: " + input);
JsonNode data;
try {
    data = mapper.readTree(input.toFile());
} catch (JsonProcessingException e) {
    throw malformed(input, e);
}
if (data.isMissingNode()) throw Cli.fail("%s is empty: no JSON document in it", input);
System.out.println("Read a JSON " + data.getNodeType().name().toLowerCase()
        + (data.isContainerNode() ? " of " + data.size() + " entries" : ""));

// Writing JSON: the customers list built in code, as json.dump(customers, f, indent=2)
// (a temp file, moved into place when complete)
Cli.step("Writing JSON: " + output);
List<CustomerBalance> customers = List.of(
        new CustomerBalance(101, "Alice", 5420.50),
        new CustomerBalance(102, "Bob", 3210.00));
DataFiles.writeAtomically(output, temp -> pretty.writeValue(temp.toFile(), customers));
System.out.println("Wrote " + customers.size() + " customers to " + output + " (" + Files.size(output) + " bytes)");

// Pretty printing: json.dumps(customers, indent=2)
Cli.step("Pretty printing");
System.out.println(pretty.writeValueAsString(customers));

// Parsing JSON string
Cli.step("Parsing a JSON string");
String jsonString = "{\"name\": \"Alice\", \"age\": 30}";
JsonNode person = mapper.readTree(jsonString);
System.out.println(person.get("name").asText() + " is " + person.get("age").asInt());

// Handle nested JSON: write the document, then read it back as a tree and bound to the records.

// Handle nested JSON
Cli.step("Handle nested JSON");
var nestedData = new NestedData(new Customer(101,
        new Profile("Alice", "alice@example.com"),
        List.of(new Order(1, 99.99), new Order(2, 149.99))));

Path nestedFile = output.resolveSibling("nested.json");
DataFiles.writeAtomically(nestedFile, temp -> pretty.writeValue(temp.toFile(), nestedData));
System.out.println("Wrote " + nestedFile + ":");
System.out.println(Files.readString(nestedFile));

// Read it back as a tree: path() walks the levels, a missing key gives a MissingNode, not null
JsonNode tree = mapper.readTree(nestedFile.toFile());
JsonNode profile = tree.path("customer").path("profile");
System.out.println("As a tree:    " + profile.path("name").asText() + " <" + profile.path("email").asText() + ">, "
        + tree.path("customer").path("orders").size() + " orders");
for (JsonNode order : tree.path("customer").path("orders")) {
    System.out.println("  order " + order.path("order_id").asInt() + ": " + order.path("total").asDouble());
}

// Or bound to the records: typed fields, checked while parsing
NestedData bound = mapper.readValue(nestedFile.toFile(), NestedData.class);
double total = bound.customer().orders().stream().mapToDouble(Order::total).sum();
System.out.println("As records:   " + bound.customer().profile().name() + " ordered "
        + bound.customer().orders().size() + " times, " + String.format("%.2f", total) + " in total");
System.out.println("Equal to what was written: " + bound.equals(nestedData));

// ## Parquet files: DuckDB
//
// DuckDB (already used by the database lessons) reads and writes Parquet with a vectorized C++ engine: `COPY ... TO
// (FORMAT parquet, COMPRESSION snappy)` is `df.to_parquet(..., compression='snappy')`, and `read_parquet` is
// `pd.read_parquet`. An in-memory table plays the DataFrame.

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

/** COPY ... TO takes the file name as a SQL literal, not a ? parameter: quote it. */
static String sqlString(Path path) {
    return "'" + path.toString().replace("'", "''") + "'";
}

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

// Read it back whole (`pd.read_parquet`), then with more control: `pq.read_table` gives an Arrow table that knows its schema and `to_pandas()` a DataFrame; here the file goes into a DuckDB table of its own, and its rows into Java maps. The footer (beyond the chapter) tells each column chunk's codec.

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

// Read specific columns, named as in the chapter's `columns=['customer_id', 'balance']`: only their column chunks are read from disk.

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

// Write with partitioning: one folder per date, in the hive layout `date=2024-01-01/`. The whole folder is written beside the target and moved into place.

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

// ## XML files: the JDK's DOM parser, made safe
//
// `javax.xml` ships with the JDK. One default must change: the JDK's parser resolves external entities, so a
// file could pull `/etc/passwd` into your data (XXE). The lesson refuses any DOCTYPE before anything is read.

import elkit.Cli;
import elkit.DataFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

Path input = DataFiles.input(args, 0, "customers.xml");
Path output = DataFiles.output(args, 1, "output.xml");

// A safe parser: refuse any DOCTYPE. That shuts out external entities (XXE: an entity that reads
// file:///etc/passwd into the document) and entity-expansion bombs. Data files have no use for one.
DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
factory.setXIncludeAware(false);
factory.setExpandEntityReferences(false);
DocumentBuilder builder = factory.newDocumentBuilder();
builder.setErrorHandler(new DefaultHandler()); // errors become exceptions, not "[Fatal Error]" on stderr

// Parse XML
Cli.step("Parse XML: " + input);
Document tree;
try {
    tree = builder.parse(input.toFile());
} catch (SAXParseException e) {
    String reason = e.getMessage().startsWith("DOCTYPE is disallowed")
            ? "refused: the file declares a DOCTYPE, which can read local files (external entities) or"
              + " expand entities without bound; data files have no use for one"
            : e.getMessage();
    throw Cli.fail("%s line %d, column %d: %s", input, e.getLineNumber(), e.getColumnNumber(), reason);
}
Element root = tree.getDocumentElement();
System.out.println("Root element: <" + root.getTagName() + ">");

// Iterate elements: XPath plays the part of findall / find
Cli.step("Iterate elements");
XPath xpath = XPathFactory.newInstance().newXPath();
NodeList customers = (NodeList) xpath.evaluate("customer", root, XPathConstants.NODESET);
for (int i = 0; i < customers.getLength(); i++) {
    Element customer = (Element) customers.item(i);
    String customerId = customer.getAttribute("id");
    String name = xpath.evaluate("name", customer); // text of the first <name> child, "" if none
    String email = xpath.evaluate("email", customer);
    System.out.println(customerId + ": " + name + " - " + email);
}
System.out.println("Found " + customers.getLength() + " <customer> elements");

// Create a document, then write it with an XML declaration.

// Create XML
Cli.step("Create XML");
Document doc = builder.newDocument();
doc.setXmlStandalone(true); // no standalone="no" in the declaration
Element newRoot = doc.createElement("customers");
doc.appendChild(newRoot);
Element newCustomer = doc.createElement("customer");
newCustomer.setAttribute("id", "101");
newRoot.appendChild(newCustomer);
Element newName = doc.createElement("name");
newName.setTextContent("Alice");
newCustomer.appendChild(newName);
Element newEmail = doc.createElement("email");
newEmail.setTextContent("alice@example.com");
newCustomer.appendChild(newEmail);

// Write it with an XML declaration, UTF-8, indented (temp file, moved into place when complete)
TransformerFactory transformers = TransformerFactory.newInstance();
transformers.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
transformers.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
Transformer transformer = transformers.newTransformer();
transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "no");
transformer.setOutputProperty(OutputKeys.INDENT, "yes");
transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
transformer.setOutputProperty("http://www.oracle.com/xml/is-standalone", "yes"); // JDK: newline after the declaration
DataFiles.writeAtomically(output, temp -> transformer.transform(new DOMSource(doc), new StreamResult(temp.toFile())));
System.out.println("Wrote " + output + ":");
System.out.print(Files.readString(output));

// ## Excel files: fastexcel
//
// fastexcel reads and writes `.xlsx` with about 3.5 MB of jars, against about 20 MB for Apache POI; POI is the
// choice when you need old `.xls` files, formulas or editing a workbook in place.

import elkit.Cli;
import elkit.DataFiles;
import elkit.Table;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.ExcelReaderException;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;

// The script's helpers: `readSheet` is `pd.read_excel` for one sheet (first row = column names), `writeSheet` is `df.to_excel(index=False)`.

/** One row of the orders sheet, its keys in column order. */
static Map<String, Object> order(int orderId, int customerId, double total) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("order_id", orderId);
    row.put("customer_id", customerId);
    row.put("total", total);
    return row;
}

/** pd.read_excel for one sheet: the first row names the columns, each next row becomes a map. */
static List<Map<String, Object>> readSheet(Sheet sheet) throws IOException {
    List<Row> rows = sheet.read();
    List<Map<String, Object>> result = new ArrayList<>();
    if (rows.isEmpty()) return result;
    List<String> header = new ArrayList<>();
    for (int c = 0; c < rows.get(0).getCellCount(); c++) {
        header.add(rows.get(0).getCellAsString(c).orElse("column" + (c + 1)));
    }
    for (Row row : rows.subList(1, rows.size())) {
        Map<String, Object> record = new LinkedHashMap<>();
        for (int c = 0; c < header.size(); c++) {
            Cell cell = c < row.getCellCount() ? row.getCell(c) : null;
            Object value = cell == null ? null : cell.getValue();
            // Excel stores every number as a double: show 101 as 101, not 101.0
            if (value instanceof BigDecimal number && number.stripTrailingZeros().scale() <= 0
                    && number.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                value = number.longValueExact();
            }
            record.put(header.get(c), value);
        }
        result.add(record);
    }
    return result;
}

/** df.to_excel(index=False): a header row, then one row per map. */
static void writeSheet(Worksheet sheet, List<Map<String, Object>> rows) {
    List<String> header = rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).keySet());
    for (int c = 0; c < header.size(); c++) {
        sheet.value(0, c, header.get(c));
        sheet.style(0, c).bold().set();
    }
    for (int r = 0; r < rows.size(); r++) {
        for (int c = 0; c < header.size(); c++) {
            Object value = rows.get(r).get(header.get(c));
            if (value instanceof Number number) sheet.value(r + 1, c, number);
            else if (value instanceof Boolean bool) sheet.value(r + 1, c, bool);
            else if (value != null) sheet.value(r + 1, c, value.toString());
        }
    }
}

Path input = DataFiles.input(args, 0, "customers.xlsx");
Path output = DataFiles.output(args, 1, "output.xlsx");
Path multiSheetOutput = output.resolveSibling("customers-and-orders.xlsx");
String sheetName = args.size() > 2 ? args.get(2) : "Customers"; // the sample's sheet; the chapter's is Sheet1

// .xlsx is a zip of XML parts. Say plainly what a file is when it is not one.
byte[] head;
try (InputStream in = Files.newInputStream(input)) {
    head = in.readNBytes(8);
}
if (head.length < 8) {
    throw Cli.fail("%s is not an Excel workbook (.xlsx): it is %s", input,
            head.length == 0 ? "empty (0 bytes)" : "only " + head.length + " bytes long");
}
if (ReadableWorkbook.isOLE2Header(head)) {
    throw Cli.fail("%s is an Excel 97-2003 .xls file; this lesson reads .xlsx: save it as .xlsx", input);
}
if (!ReadableWorkbook.isOOXMLZipHeader(head)) {
    throw Cli.fail("%s is not an Excel workbook (.xlsx): it does not start like a zip file", input);
}

// Read Excel: one sheet, by its name, as pd.read_excel('data.xlsx', sheet_name='Sheet1') does
Cli.step("Read Excel: sheet '" + sheetName + "' of " + input);
List<Map<String, Object>> df;
try (ReadableWorkbook workbook = new ReadableWorkbook(input.toFile())) {
    Sheet sheet = workbook.findSheet(sheetName).orElseThrow(() -> Cli.fail(
            "%s has no sheet named '%s' (its sheets: %s): name one as the third argument",
            input, sheetName, workbook.getSheets().map(Sheet::getName).toList()));
    System.out.println("Sheet '" + sheet.getName() + "':");
    df = readSheet(sheet);
} catch (IOException | ExcelReaderException e) {
    throw Cli.fail("%s is not a readable .xlsx workbook: %s", input, e.getMessage());
}
Table.print(df);

// Read multiple sheets: list their names, then read each into a map name -> rows
Cli.step("Read multiple sheets");
Map<String, List<Map<String, Object>>> sheets = new LinkedHashMap<>();
try (ReadableWorkbook workbook = new ReadableWorkbook(input.toFile())) {
    List<Sheet> sheetList = workbook.getSheets().toList();
    System.out.println("sheet_names: " + sheetList.stream().map(Sheet::getName).toList());
    for (Sheet sheet : sheetList) {
        sheets.put(sheet.getName(), readSheet(sheet));
    }
}
sheets.forEach((name, rows) -> System.out.println("  " + name + ": " + rows.size() + " rows, columns "
        + (rows.isEmpty() ? "[]" : rows.get(0).keySet())));

// Write Excel: the rows just read, in a sheet named Customers (temp file, moved into place when complete)
Cli.step("Write Excel: sheet Customers");
DataFiles.writeAtomically(output, temp -> {
    try (var out = Files.newOutputStream(temp); var workbook = new Workbook(out, "ELKit", "1.0")) {
        writeSheet(workbook.newWorksheet("Customers"), df);
    }
});
System.out.println("Wrote " + df.size() + " rows to " + output);

// Write multiple sheets: Customers and Orders in one workbook
Cli.step("Write multiple sheets: Customers and Orders");
List<Map<String, Object>> df2 = List.of(order(1, 101, 99.99), order(2, 101, 149.99), order(3, 102, 20.00));
DataFiles.writeAtomically(multiSheetOutput, temp -> {
    try (var out = Files.newOutputStream(temp); var workbook = new Workbook(out, "ELKit", "1.0")) {
        writeSheet(workbook.newWorksheet("Customers"), df);
        writeSheet(workbook.newWorksheet("Orders"), df2);
    }
});
System.out.println("Wrote " + multiSheetOutput + " with sheets Customers (" + df.size()
        + " rows) and Orders (" + df2.size() + " rows)");

// Read it back, to see what a spreadsheet program will see
try (ReadableWorkbook workbook = new ReadableWorkbook(multiSheetOutput.toFile())) {
    for (Sheet sheet : workbook.getSheets().toList()) {
        System.out.println("Sheet '" + sheet.getName() + "':");
        Table.print(readSheet(sheet));
    }
}

// ## Benchmark: Java next to the chapter's Python, as a chart
//
// `./jbang bench-files [rows]` (default 1,000,000) writes and reads customer rows as CSV, JSON and XML, checks what comes back, and runs the chapter's Python on the same rows in the same run. Here it runs with 2,000 rows, so the cell takes seconds: its lines, then its chart, the Python bar beside the Java bar (the same figures, also written to `work/bench/bench-files.svg` and `.png`). At this size, in a kernel that has just started, Java's code runs before the JIT has compiled it and pays its first-use costs, so the ratios here say little about speed: the cell shows the chart; the figures of a full run are on the chapter page.

// notebook: the benchmark script's own code, loaded whole (scripts/bench-files.java)
// the notebook's %load ../scripts/bench-files.java
/open scripts/bench-files.java

// notebook: a small run: 2,000 rows; its figures, then the chart, show under the cell
bench_files.bench(List.of("2,000"));
