///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "Excel Files": fastexcel reads one sheet, lists the sheets and reads them all, then writes a Customers sheet and a Customers + Orders workbook (.xlsx).
//DEPS org.dhatim:fastexcel:0.20.2
//DEPS org.dhatim:fastexcel-reader:0.20.2
// the versions the tests run with (ClasspathParityTest)
//DEPS commons-io:commons-io:2.20.0 org.codehaus.woodstox:stax2-api:4.2.2 org.apache.commons:commons-lang3:3.20.0
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

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

/**
 * Usage: files-excel [input.xlsx] [output.xlsx] [sheet-name] [--verbose]
 * Defaults: the sample customers.xlsx; work/output.xlsx, and customers-and-orders.xlsx beside it; the sheet Customers.
 */
class files_excel {

    static final Options OPTIONS = Options.usage("files-excel [input.xlsx] [output.xlsx]")
            .argument("input.xlsx", "the workbook to read (default: the sample customers.xlsx)")
            .argument("output.xlsx", "the workbook to write (default: work/output.xlsx)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(files_excel::lesson));
    }

    static void lesson(List<String> args) throws Exception {
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
    }

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
}
