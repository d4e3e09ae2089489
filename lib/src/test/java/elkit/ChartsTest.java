package elkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

class ChartsTest {

    @TempDir
    Path dir;

    static final String MACHINE = "Machine: Linux 6.1 amd64, 2 cores, 24 GiB RAM, load average 1.25. JVM: Debian 17.0.15, max heap 6028 MiB";

    @Test
    void writesAnSvgWithTheLabelsAndFiguresAsTextAndAPngOfTheSameChart() throws Exception {
        var chart = Charts.draw(dir.resolve("bench"), new Charts.Spec("bench-test", "bench-test: rows/s, 1,000 rows", MACHINE,
                "write+read rows/s", List.of(new Charts.Bar("CSV, Java", "Java", "1,234,567"),
                        new Charts.Bar("CSV, Python", "Python", "543,210"), new Charts.Bar("XML DOM, Java", "Java", "98,765")), false));

        assertThat(chart.svg()).isEqualTo(dir.resolve("bench/bench-test.svg"));
        assertThat(chart.line()).isEqualTo("Chart: " + dir.resolve("bench/bench-test.svg") + " and bench-test.png");
        var image = ImageIO.read(chart.png().toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(170 + 3 * 30);

        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var doc = factory.newDocumentBuilder().parse(chart.svg().toFile());
        var texts = doc.getElementsByTagName("text");
        var all = new StringBuilder();
        for (int i = 0; i < texts.getLength(); i++) all.append(((Element) texts.item(i)).getTextContent()).append('\n');
        assertThat(all.toString().lines().map(String::strip).toList())
                .contains("bench-test: rows/s, 1,000 rows", "CSV, Java", "CSV, Python", "XML DOM, Java",
                        "1,234,567", "543,210", "98,765", "Java", "Python", "write+read rows/s",
                        "Machine: Linux 6.1 amd64, 2 cores, 24 GiB RAM, load average 1.25", "JVM: Debian 17.0.15, max heap 6028 MiB");
        try (var files = Files.list(dir.resolve("bench"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("bench-test.png", "bench-test.svg");
        }
    }

    @Test
    void aLogScaleChartSpansThreeOrdersOfMagnitude() throws Exception {
        var chart = Charts.draw(dir, new Charts.Spec("log", "log", MACHINE, "rows/s",
                List.of(new Charts.Bar("row by row", "Java", "312"), new Charts.Bar("COPY", "Java", "1,500,000")), true));

        String svg = Files.readString(chart.svg());
        assertThat(svg).contains("rows/s (log scale)", "312", "1,500,000");
        // both bars drawn, the big one longer: widths of the Java-coloured rectangles taller than the legend's square
        var widths = java.util.regex.Pattern.compile("<rect x='[\\d.]+' y='[\\d.]+' width='([\\d.]+)' height='([\\d.]+)' style='fill:rgb\\(231,111,0\\)")
                .matcher(svg).results().filter(m -> Double.parseDouble(m.group(2)) > 12).map(m -> Double.parseDouble(m.group(1))).toList();
        assertThat(widths).hasSize(2);
        assertThat(widths.get(0)).isGreaterThan(10);
        assertThat(widths.get(1)).isGreaterThan(widths.get(0) * 3);
    }

    @Test
    void figuresAreReadAsTheTablePrintsThem() {
        assertThat(new Charts.Bar("a", "Java", "1,234,567").value()).isEqualTo(1_234_567);
        assertThat(new Charts.Bar("a", "Java", "12.50").value()).isEqualTo(12.5);
        assertThatThrownBy(() -> new Charts.Spec("x", "x", MACHINE, "s", List.of(), false))
                .hasMessage("a chart needs at least one bar");
    }
}
