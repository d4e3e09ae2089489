package elkit.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

/**
 * What every benchmark's chart must be: an SVG and a PNG in work/bench/, named on the last line the
 * benchmark printed; the PNG opens as an image of a sensible size; the SVG is XML whose text carries
 * the benchmark's name, the cores and load of the machine line it printed, and each table label with
 * the very figure the table printed for it.
 */
public final class BenchChart {
    private BenchChart() {}

    static final Pattern MACHINE = Pattern.compile("(?m)^Machine: .*?(\\d+ cores).*?(load average \\d+\\.\\d+)");

    /** Checks the chart of {@code bench} that {@code run} wrote under {@code dir}; returns the SVG's text. */
    public static String check(Path dir, String bench, ScriptRun run, Map<String, String> figureByLabel) throws Exception {
        Path folder = dir.resolve("work/bench");
        Path svg = folder.resolve(bench + ".svg"), png = folder.resolve(bench + ".png");
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(lines.size() - 1)).as("the last line names the chart")
                .isEqualTo("Chart: " + svg + " and " + bench + ".png");

        var image = ImageIO.read(png.toFile());
        assertThat(image).as(png + " opens as an image").isNotNull();
        assertThat(image.getWidth()).isBetween(800, 2000);
        assertThat(image.getHeight()).isBetween(250, 2000);
        assertThat(nonWhitePixels(image)).as("something is drawn").isGreaterThan(image.getWidth() * image.getHeight() / 50);

        String text = svgText(svg);
        assertThat(text).contains(bench);
        Matcher machine = MACHINE.matcher(run.out());
        assertThat(machine.find()).as("the run printed its machine line").isTrue();
        assertThat(text).contains(machine.group(1), machine.group(2));
        figureByLabel.forEach((label, figure) -> assertThat(text).contains(label).contains(figure));
        assertThat(bars(svg)).as("a bar drawn for each figure").isEqualTo(figureByLabel.size());
        try (var left = Files.list(folder)) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("the chart only, nothing half written").containsExactly(bench + ".png", bench + ".svg");
        }
        return text;
    }

    /** Every text element of the SVG (each line of a wrapped label is one), joined by spaces. */
    static String svgText(Path svg) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var doc = factory.newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        var texts = doc.getElementsByTagName("text");
        var parts = new ArrayList<String>();
        for (int i = 0; i < texts.getLength(); i++) parts.add(((Element) texts.item(i)).getTextContent().strip());
        assertThat(parts).as("the SVG keeps its text as text").isNotEmpty();
        return String.join(" ", parts);
    }

    /** The bars in the SVG: rectangles filled in Java's or Python's colour, bigger than a legend's square. */
    static long bars(Path svg) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var rects = factory.newDocumentBuilder().parse(svg.toFile()).getElementsByTagName("rect");
        long bars = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            var rect = (Element) rects.item(i);
            String style = rect.getAttribute("style");
            boolean coloured = style.contains("fill:rgb(231,111,0)") || style.contains("fill:rgb(48,105,152)");
            if (coloured && Double.parseDouble(rect.getAttribute("width")) > 0 && Double.parseDouble(rect.getAttribute("height")) > 12) bars++;
        }
        return bars;
    }

    private static long nonWhitePixels(java.awt.image.BufferedImage image) {
        long count = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) count += 4;
            }
        }
        return count;
    }

    /** The figures of a printed table's rows: label column(s) and the value column, by the table's header. */
    public static Map<String, String> tableFigures(String out, String valueColumn, String... labelColumns) throws IOException {
        var figures = new java.util.LinkedHashMap<String, String>();
        List<String> lines = out.lines().toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            List<String> header = cells(lines.get(i));
            if (!header.contains(valueColumn) || !lines.get(i + 1).matches("-[-+]*")) continue;
            for (int r = i + 2; r < lines.size() && lines.get(r).contains(" | "); r++) {
                List<String> row = cells(lines.get(r));
                var label = new ArrayList<String>();
                for (String column : labelColumns) label.add(row.get(header.indexOf(column)));
                figures.put(String.join(", ", label), row.get(header.indexOf(valueColumn)));
            }
            return figures;
        }
        throw new AssertionError("no table with a column " + valueColumn + " in:\n" + out);
    }

    private static List<String> cells(String line) {
        return List.of(line.split(" \\| ")).stream().map(String::strip).toList();
    }
}
