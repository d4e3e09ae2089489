///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "JSON Files": Jackson reads a file, writes and pretty-prints a list of customers built in code, parses a string, and handles nested JSON as a tree and as Java records.
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

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

/** Usage: files-json [input.json] [output.json] [--verbose]   (defaults: the sample customers.json, work/output.json) */
class files_json {

    // The customers list of "Writing JSON": one record per dict, written in component order
    record CustomerBalance(int id, String name, double balance) {}

    // The nested document as Java types: Jackson binds JSON objects to records by component name
    record Profile(String name, String email) {}
    record Order(@JsonProperty("order_id") int orderId, double total) {}
    record Customer(int id, Profile profile, List<Order> orders) {}
    record NestedData(Customer customer) {}

    static final Options OPTIONS = Options.usage("files-json [input.json] [output.json]")
            .argument("input.json", "the file to read (default: the sample customers.json)")
            .argument("output.json", "the file to write (default: work/output.json)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(files_json::lesson));
    }

    static void lesson(List<String> args) throws Exception {
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
    }

    /** Jackson's message ends with "at [Source: ...; line: 3, column: 5]": say file, line and column first. */
    static Cli.Failure malformed(Path file, JsonProcessingException e) {
        var where = e.getLocation();
        return where == null
                ? Cli.fail("%s is not valid JSON: %s", file, e.getOriginalMessage())
                : Cli.fail("%s line %d, column %d: %s", file, where.getLineNr(), where.getColumnNr(), e.getOriginalMessage());
    }
}
