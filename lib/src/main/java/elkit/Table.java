package elkit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Prints rows (column → value maps) as a table: aligned text in a terminal, HTML in a Jupyter
 * notebook on the rapaio Java kernel. The counterpart of printing a pandas DataFrame.
 */
public final class Table {
    private Table() {}

    /** Rows shown before the table is cut; the total is always printed. */
    public static final int MAX_ROWS = 50;

    private static final String KERNEL_GLOBAL = "org.rapaio.jupyter.kernel.global.Global";

    /** Shows {@code rows}: as HTML when running in the notebook kernel, else as aligned text. */
    public static void print(List<? extends Map<String, ?>> rows) {
        if (!displayInNotebook(html(rows))) System.out.print(text(rows));
    }

    /** Aligned text, numbers right-aligned, with a {@code (n rows)} footer like psql's. */
    public static String text(List<? extends Map<String, ?>> rows) {
        var columns = columns(rows);
        var shown = rows.subList(0, Math.min(rows.size(), MAX_ROWS));
        var cells = new ArrayList<List<String>>();
        int[] width = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) width[c] = columns.get(c).length();
        for (var row : shown) {
            var line = new ArrayList<String>();
            for (int c = 0; c < columns.size(); c++) {
                String cell = format(row.get(columns.get(c)));
                width[c] = Math.max(width[c], cell.length());
                line.add(cell);
            }
            cells.add(line);
        }
        var out = new StringBuilder();
        var rule = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            if (c > 0) { out.append(" | "); rule.append("-+-"); }
            out.append(pad(columns.get(c), width[c], false));
            rule.append("-".repeat(width[c]));
        }
        out.append('\n').append(rule).append('\n');
        for (int r = 0; r < shown.size(); r++) {
            for (int c = 0; c < columns.size(); c++) {
                if (c > 0) out.append(" | ");
                out.append(pad(cells.get(r).get(c), width[c], isNumber(shown.get(r).get(columns.get(c)))));
            }
            out.append('\n');
        }
        out.append(footer(rows.size(), shown.size())).append('\n');
        return out.toString().replaceAll("(?m) +$", "");
    }

    /** The same table as an HTML {@code <table>}, values escaped. */
    public static String html(List<? extends Map<String, ?>> rows) {
        var columns = columns(rows);
        var shown = rows.subList(0, Math.min(rows.size(), MAX_ROWS));
        var out = new StringBuilder("<table>\n<thead><tr>");
        for (var column : columns) out.append("<th>").append(escape(column)).append("</th>");
        out.append("</tr></thead>\n<tbody>\n");
        for (var row : shown) {
            out.append("<tr>");
            for (var column : columns) {
                Object value = row.get(column);
                out.append(isNumber(value) ? "<td style=\"text-align:right\">" : "<td>")
                        .append(escape(format(value))).append("</td>");
            }
            out.append("</tr>\n");
        }
        return out.append("</tbody>\n</table>\n<p>").append(footer(rows.size(), shown.size()))
                .append("</p>\n").toString();
    }

    private static List<String> columns(List<? extends Map<String, ?>> rows) {
        var columns = new LinkedHashSet<String>();
        for (var row : rows) columns.addAll(row.keySet());
        return List.copyOf(columns);
    }

    private static String footer(int total, int shown) {
        String count = "(" + total + (total == 1 ? " row)" : " rows)");
        return shown < total ? count + ", first " + shown + " shown" : count;
    }

    static String format(Object value) {
        if (value == null) return "NULL";
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            boolean plain = d == 0 || (Math.abs(d) >= 1e-3 && Math.abs(d) < 1e7);
            return plain ? value.toString() : new BigDecimal(value.toString()).toPlainString();
        }
        if (value instanceof BigDecimal d) return d.toPlainString();
        return value.toString();
    }

    private static boolean isNumber(Object value) {
        return value instanceof Number;
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(width - s.length());
        return right ? spaces + s : s + spaces;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Inside the rapaio kernel, {@code Global.display} renders HTML in the notebook. */
    private static boolean displayInNotebook(String html) {
        try {
            var loader = Thread.currentThread().getContextClassLoader();
            var global = Class.forName(KERNEL_GLOBAL, true, loader != null ? loader : Table.class.getClassLoader());
            if (global.getMethod("displaySystem").invoke(null) == null) return false;
            global.getMethod("display", String.class, Object.class).invoke(null, "text/html", html);
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notInKernel) {
            return false;
        }
    }
}
