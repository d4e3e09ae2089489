//DEPS org.jfree:jfreechart:1.5.6
//DEPS org.jfree:org.jfree.svg:5.0.6
package elkit;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.NumberFormat;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * A benchmark's table drawn as a bar chart (JFreeChart), written as SVG and PNG beside the table.
 * One horizontal bar per table row, labelled as the row is, with the very figure the table prints at
 * its end; the colour says who ran it (Java, Python), so the chapter's Python sits next to the Java
 * it is compared with. In the rapaio Jupyter kernel the PNG is also shown in the notebook.
 */
public final class Charts {
    private Charts() {}

    /** One bar: the row's label as the table prints it, who ran it, and the figure as the table prints it. */
    public record Bar(String label, String series, String figure) {
        /** The figure as a number: "1,234,567" and "12.50" alike. */
        public double value() {
            return Double.parseDouble(figure.replace(",", "").replaceAll("[^0-9.eE+-]", ""));
        }
    }

    /** Where a chart went. {@link #line()} is the line a benchmark prints last. */
    public record Chart(Path svg, Path png) {
        public String line() {
            return "Chart: " + svg + " and " + png.getFileName();
        }
    }

    /** A bar per table row; {@code unit} names the axis (the table's column: "rows/s", "MB/s", "seconds"). */
    public record Spec(String name, String title, String machine, String unit, List<Bar> bars, boolean logScale) {
        public Spec {
            bars = List.copyOf(bars);
            if (bars.isEmpty()) throw new IllegalArgumentException("a chart needs at least one bar");
        }
    }

    public static final Color JAVA = new Color(0xE7, 0x6F, 0x00);   // Java's orange
    public static final Color PYTHON = new Color(0x30, 0x69, 0x98);  // Python's blue
    private static final Color[] OTHERS = {new Color(0x59, 0x8C, 0x3B), new Color(0x8E, 0x5A, 0xA8), Color.GRAY};

    static final int WIDTH = 1000;

    /** Writes {@code folder/<name>.svg} and {@code .png} (each through a temp file, never half written). */
    public static Chart draw(Path folder, Spec spec) throws IOException {
        System.setProperty("java.awt.headless", "true"); // no window, no dock icon: files only
        JFreeChart chart = chart(spec);
        int height = 170 + 30 * spec.bars().size();
        Files.createDirectories(folder);
        Path svg = folder.resolve(spec.name() + ".svg"), png = folder.resolve(spec.name() + ".png");

        var g2 = new SVGGraphics2D(WIDTH, height);
        chart.draw(g2, new Rectangle(WIDTH, height));
        // the SVG element without a DOCTYPE: no external DTD for a reader to fetch or refuse
        String svgText = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g2.getSVGElement() + "\n";
        BufferedImage image = chart.createBufferedImage(WIDTH, height);

        Path svgTemp = folder.resolve(spec.name() + ".svg.part"), pngTemp = folder.resolve(spec.name() + ".png.part");
        try {
            Files.writeString(svgTemp, svgText, StandardCharsets.UTF_8);
            if (!ImageIO.write(image, "png", pngTemp.toFile())) throw new IOException("no PNG writer in this JDK");
            Files.move(svgTemp, svg, StandardCopyOption.REPLACE_EXISTING);
            Files.move(pngTemp, png, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(svgTemp);
            Files.deleteIfExists(pngTemp);
        }
        displayInNotebook(image);
        return new Chart(svg, png);
    }

    /** The chart itself: bars in table order, top to bottom. */
    static JFreeChart chart(Spec spec) {
        var data = new DefaultCategoryDataset();
        var series = new LinkedHashSet<String>();
        for (Bar bar : spec.bars()) series.add(bar.series());
        // one bar per category, full width; its colour says who ran it (a legend entry per runner)
        for (Bar bar : spec.bars()) data.addValue(bar.value(), "figures", bar.label());
        ValueAxis values;
        if (spec.logScale()) {
            var log = new LogAxis(spec.unit() + " (log scale)");
            log.setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.US));
            log.setTickUnit(new NumberTickUnit(1.0)); // a tick per power of ten
            values = log;
        } else {
            var linear = new NumberAxis(spec.unit());
            linear.setNumberFormatOverride(NumberFormat.getNumberInstance(Locale.US));
            values = linear;
        }
        double max = spec.bars().stream().mapToDouble(Bar::value).max().orElse(1);
        double min = spec.bars().stream().mapToDouble(Bar::value).filter(v -> v > 0).min().orElse(1);
        // room for the figure at the bar's end
        if (spec.logScale()) values.setRange(Math.max(1e-3, min / 2), Math.max(max, 1) * 8);
        else values.setUpperBound(Math.max(max, 1e-9) * 1.25);
        var categories = new CategoryAxis();
        categories.setMaximumCategoryLabelWidthRatio(0.45f);
        categories.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

        var renderer = new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return paint(spec.bars().get(column).series());
            }
        };
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setMaximumBarWidth(0.8);
        renderer.setMinimumBarLength(3); // a figure far below the others still shows as a bar
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator() {
            @Override
            public String generateLabel(CategoryDataset dataset, int row, int column) {
                return spec.bars().get(column).figure(); // the figure exactly as the table prints it
            }
        });
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        renderer.setPositiveItemLabelPositionFallback(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));

        var plot = new CategoryPlot(data, categories, values, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT); // the scale under the bars
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlineStroke(new BasicStroke(0.5f));

        var legend = new LegendItemCollection();
        for (String s : series) legend.add(new LegendItem(s, paint(s)));
        plot.setFixedLegendItems(legend);
        var chart = new JFreeChart(spec.title(), new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, series.size() > 1);
        chart.setBackgroundPaint(Color.WHITE);
        // the machine line the table printed, on two lines: the machine and load, then the JVM
        var subtitles = new ArrayList<String>();
        for (String part : spec.machine().split("\\. (?=JVM:)")) subtitles.add(part);
        subtitles.add("Run on " + LocalDate.now());
        for (String line : subtitles) {
            var subtitle = new TextTitle(line, new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            subtitle.setPosition(RectangleEdge.TOP);
            chart.addSubtitle(subtitle);
        }
        if (chart.getLegend() != null) chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return chart;
    }

    private static Paint paint(String series) {
        if (series.startsWith("Java")) return JAVA;
        if (series.startsWith("Python")) return PYTHON;
        return OTHERS[Math.floorMod(series.hashCode(), OTHERS.length)];
    }

    /** Inside the rapaio kernel, {@code Global.display} shows the picture under the cell. */
    private static void displayInNotebook(BufferedImage image) {
        try {
            var loader = Thread.currentThread().getContextClassLoader();
            var global = Class.forName("org.rapaio.jupyter.kernel.global.Global", true,
                    loader != null ? loader : Charts.class.getClassLoader());
            if (global.getMethod("displaySystem").invoke(null) == null) return;
            global.getMethod("display", String.class, Object.class).invoke(null, "image/png", image);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notInKernel) {
            // not in a notebook: the files are the chart
        }
    }
}
