package elkit.tests.lessons.files;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Python;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fastexcel writes the workbooks; Python's zipfile + ElementTree read the OOXML parts back. */
class FilesExcelTest {

    @TempDir
    Path dir;

    /** An independent .xlsx reader: the OOXML parts by hand. Prints {sheet name: rows} as JSON. */
    static final String PY_XLSX = """
            import json, sys, zipfile, xml.etree.ElementTree as ET
            M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
            R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
            z = zipfile.ZipFile(sys.argv[1])
            names = z.namelist()
            assert '[Content_Types].xml' in names and '_rels/.rels' in names, names
            assert z.testzip() is None
            shared = []
            if 'xl/sharedStrings.xml' in names:
                shared = [''.join(t.text or '' for t in si.iter(M + 't'))
                          for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall(M + 'si')]
            rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
            out = {}
            for sheet in ET.fromstring(z.read('xl/workbook.xml')).find(M + 'sheets'):
                target = rels[sheet.get(R + 'id')]
                part = target.lstrip('/') if target.startswith('/') else 'xl/' + target
                rows = []
                for row in ET.fromstring(z.read(part)).iter(M + 'row'):
                    cells = []
                    for c in row.findall(M + 'c'):
                        t, v = c.get('t'), c.find(M + 'v')
                        if t == 's': cells.append(shared[int(v.text)])
                        elif t == 'inlineStr': cells.append(''.join(x.text or '' for x in c.iter(M + 't')))
                        elif t == 'b': cells.append(v.text == '1')
                        elif v is not None: cells.append(float(v.text))
                        else: cells.append(None)
                    rows.append(cells)
                out[sheet.get('name')] = rows
            print(json.dumps(out))
            """;

    /** Another tool's workbook: the minimal OOXML parts written by Python, inline strings, no styles. */
    static final String PY_WRITE_XLSX = """
            import sys, zipfile
            parts = {
              '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
              '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
              'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Inventory" sheetId="1" r:id="rId1"/></sheets></workbook>',
              'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
              'xl/worksheets/sheet1.xml': '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                '<row r="1"><c r="A1" t="inlineStr"><is><t>sku</t></is></c><c r="B1" t="inlineStr"><is><t>qty</t></is></c></row>'
                '<row r="2"><c r="A2" t="inlineStr"><is><t>A-1</t></is></c><c r="B2"><v>5</v></c></row>'
                '<row r="3"><c r="A3" t="inlineStr"><is><t>B-2</t></is></c><c r="B3"><v>7.5</v></c></row>'
                '</sheetData></worksheet>',
            }
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                for name, text in parts.items():
                    z.writestr(name, text)
            """;

    @Test
    void withoutArgumentsItReadsTheSampleAndWritesWorkbooksThatAnotherReaderReads() throws Exception {
        Path work = dir.resolve("work");
        var run = ScriptRun.run("files-excel", Repo.root(), Map.of("ELKIT_WORK", work.toString()));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .contains("Sheet 'Customers':")
                .contains("        101 | Alice Johnson | alice@example.com |  5420.5")
                .contains("sheet_names: [Customers, Orders]")
                .contains("  Customers: 3 rows, columns [customer_id, name, email, balance]")
                .contains("  Orders: 4 rows, columns [order_id, customer_id, total]")
                .contains("Wrote 3 rows to " + work.resolve("output.xlsx"))
                .contains("with sheets Customers (3 rows) and Orders (3 rows)");

        String customers = """
                [["customer_id", "name", "email", "balance"], \
                [101.0, "Alice Johnson", "alice@example.com", 5420.5], \
                [102.0, "Bob Smith", "bob@example.com", 3210.0], \
                [103.0, "Carol Lee", "carol@example.com", 8750.25]]""";
        assertThat(Python.run(dir, PY_XLSX, work.resolve("output.xlsx").toString()))
                .isEqualTo("{\"Customers\": " + customers + "}\n");
        assertThat(Python.run(dir, PY_XLSX, work.resolve("customers-and-orders.xlsx").toString()))
                .isEqualTo("{\"Customers\": " + customers + ", \"Orders\": [[\"order_id\", \"customer_id\", \"total\"], "
                        + "[1.0, 101.0, 99.99], [2.0, 101.0, 149.99], [3.0, 102.0, 20.0]]}\n");
        try (var files = Files.list(work)) {
            assertThat(files).containsExactlyInAnyOrder(work.resolve("output.xlsx"), work.resolve("customers-and-orders.xlsx"));
        }
    }

    @Test
    void itReadsAWorkbookWrittenByAnotherToolAndWritesWhereItIsTold() throws Exception {
        Path mine = dir.resolve("inventory.xlsx");
        Python.run(dir, PY_WRITE_XLSX, mine.toString());
        Path out = dir.resolve("report.xlsx");

        // sheet_name='Inventory': a sheet is read by its name, as pd.read_excel does
        var run = ScriptRun.run("files-excel", dir, Map.of(), mine.toString(), out.toString(), "Inventory");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("# Read Excel: sheet 'Inventory' of " + mine + "\nSheet 'Inventory':", "A-1 |   5", "B-2 | 7.5", "sheet_names: [Inventory]")
                .contains("Wrote 2 rows to " + out);
        assertThat(Python.run(dir, PY_XLSX, out.toString()))
                .isEqualTo("{\"Customers\": [[\"sku\", \"qty\"], [\"A-1\", 5.0], [\"B-2\", 7.5]]}\n");
        assertThat(dir.resolve("customers-and-orders.xlsx")).isRegularFile();
    }

    @Test
    void aSheetIsReadByItsNameAndOneThatIsNotThereIsOneClearLine() throws Exception {
        String sample = Repo.path("chapters/05-extract-load/data/files/customers.xlsx").toString();
        Path out = dir.resolve("out.xlsx");

        var orders = ScriptRun.run("files-excel", dir, Map.of(), sample, out.toString(), "Orders");
        var sheet1 = ScriptRun.run("files-excel", dir, Map.of(), sample, dir.resolve("other.xlsx").toString(), "Sheet1");

        assertThat(orders.exitCode()).as(orders.toString()).isZero();
        // the second sheet, found by its name: not the first one
        assertThat(orders.out()).contains("# Read Excel: sheet 'Orders' of " + sample + "\nSheet 'Orders':\norder_id | customer_id | total");
        assertThat(sheet1.exitCode()).isEqualTo(1);
        assertThat(sheet1.err().lines().toList()).containsExactly("files-excel: " + sample
                + " has no sheet named 'Sheet1' (its sheets: [Customers, Orders]): name one as the third argument");
        assertThat(dir.resolve("other.xlsx")).doesNotExist();
    }

    @Test
    void aFileThatIsNotAWorkbookIsOneClearLine() throws Exception {
        Path text = dir.resolve("customers.xlsx");
        Files.writeString(text, "customer_id,name\n101,Alice\n");
        Path out = dir.resolve("out.xlsx");

        var run = ScriptRun.run("files-excel", dir, Map.of(), text.toString(), out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly(
                "files-excel: " + text + " is not an Excel workbook (.xlsx): it does not start like a zip file");
        assertThat(run.out()).isEmpty();
        assertThat(out).doesNotExist();
    }

    @Test
    void aZipThatIsNotAWorkbookAndAnOldXlsFileAreOneClearLineEach() throws Exception {
        Path zip = dir.resolve("archive.xlsx");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            z.write("not a workbook".getBytes());
        }
        Path xls = dir.resolve("old.xls");
        byte[] ole2 = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1, 0, 0, 0, 0};
        Files.write(xls, ole2);

        var zipRun = ScriptRun.run("files-excel", dir, Map.of(), zip.toString());
        var xlsRun = ScriptRun.run("files-excel", dir, Map.of(), xls.toString());

        assertThat(zipRun.exitCode()).isEqualTo(1);
        assertThat(zipRun.err().lines().toList()).containsExactly(
                "files-excel: " + zip + " is not a readable .xlsx workbook: [Content_Types].xml not found");
        assertThat(xlsRun.exitCode()).isEqualTo(1);
        assertThat(xlsRun.err().lines().toList()).containsExactly(
                "files-excel: " + xls + " is an Excel 97-2003 .xls file; this lesson reads .xlsx: save it as .xlsx");
    }

    @Test
    void aMissingInputFileIsOneClearLine() {
        Path missing = dir.resolve("nope.xlsx");

        var run = ScriptRun.run("files-excel", dir, Map.of(), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-excel: input file " + missing + " does not exist");
    }
}
