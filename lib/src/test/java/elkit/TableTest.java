package elkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableTest {

    static Map<String, Object> row(Object id, Object name, Object balance) {
        var row = new LinkedHashMap<String, Object>();
        row.put("id", id);
        row.put("name", name);
        row.put("balance", balance);
        return row;
    }

    @Test
    void textAlignsColumnsAndRightAlignsNumbers() {
        var text = Table.text(List.of(row(101, "Alice Johnson", 5420.5), row(7, "Bob", null)));

        assertThat(text).isEqualTo("""
                id  | name          | balance
                ----+---------------+--------
                101 | Alice Johnson |  5420.5
                  7 | Bob           | NULL
                (2 rows)
                """);
    }

    @Test
    void numbersPrintWithoutExponents() {
        assertThat(Table.format(1.0E7)).isEqualTo("10000000");
        assertThat(Table.format(0.0)).isEqualTo("0.0");
        assertThat(Table.format(new BigDecimal("1234.50"))).isEqualTo("1234.50");
    }

    @Test
    void longTablesAreCutButTheTotalIsTold() {
        var rows = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < 120; i++) rows.add(row(i, "c" + i, 1.5));

        var text = Table.text(rows);

        assertThat(text.lines().count()).isEqualTo(2 + Table.MAX_ROWS + 1);
        assertThat(text).endsWith("(120 rows), first 50 shown\n");
    }

    @Test
    void htmlEscapesValues() {
        var html = Table.html(List.of(row(1, "<b>Robert</b> & co", 0.5)));

        assertThat(html).contains("<th>id</th><th>name</th><th>balance</th>")
                .contains("<td>&lt;b&gt;Robert&lt;/b&gt; &amp; co</td>")
                .contains("<p>(1 row)</p>")
                .doesNotContain("<b>Robert");
    }

    @Test
    void outsideTheKernelPrintGoesToStandardOut() {
        var out = new java.io.ByteArrayOutputStream();
        var original = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            Table.print(List.of(row(1, "Alice", 2.5)));
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString()).isEqualTo(Table.text(List.of(row(1, "Alice", 2.5))));
    }
}
