package dev.holdfast.local.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a benchmark run measured, collected from every bench as it prints (one process, one run):
 * each figure with its unit and, where one exists, its baseline; and latency samples for the plot.
 * {@link #write} turns it into {@code report.json}, {@code report.md} and {@code order-latency.png}.
 */
public final class BenchRecord {
    private BenchRecord() {}

    /** One measured figure. */
    public record Figure(String bench, String name, double value, String unit, Double baseline, String baselineName,
                         String note) {}

    private static final List<Figure> FIGURES = Collections.synchronizedList(new ArrayList<>());
    private static final Map<String, List<Long>> LATENCIES = Collections.synchronizedMap(new LinkedHashMap<>());

    public static void figure(String bench, String name, double value, String unit) {
        FIGURES.add(new Figure(bench, name, value, unit, null, null, null));
    }

    public static void figure(String bench, String name, double value, String unit, double baseline, String baselineName) {
        FIGURES.add(new Figure(bench, name, value, unit, baseline, baselineName, null));
    }

    public static void note(String bench, String name, double value, String unit, String note) {
        FIGURES.add(new Figure(bench, name, value, unit, null, null, note));
    }

    /** Latency samples (nanoseconds) of one series, e.g. one order path. */
    public static void latencies(String series, List<Long> nanos) {
        LATENCIES.put(series, List.copyOf(nanos));
    }

    public static List<Figure> figures() {
        return List.copyOf(FIGURES);
    }

    /** Writes the report files into {@code dir}; returns the Markdown. */
    public static String write(Path dir, Map<String, String> environment) throws IOException {
        Files.createDirectories(dir);
        ObjectNode json = Json.object();
        json.put("at", Instant.now().toString());
        ObjectNode env = json.putObject("environment");
        environment.forEach(env::put);
        ArrayNode list = json.putArray("figures");
        StringBuilder md = new StringBuilder("| bench | figure | value | baseline | ratio |\n| --- | --- | --- | --- | --- |\n");
        for (Figure f : figures()) {
            ObjectNode n = list.addObject();
            n.put("bench", f.bench());
            n.put("figure", f.name());
            n.put("value", round(f.value()));
            n.put("unit", f.unit());
            String base = "";
            String ratio = "";
            if (f.baseline() != null) {
                n.put("baseline", round(f.baseline()));
                n.put("baselineName", f.baselineName());
                n.put("ratio", round(f.value() / f.baseline()));
                base = fmt(f.baseline()) + " " + f.unit() + " (" + f.baselineName() + ")";
                ratio = String.format(Locale.ROOT, "%.2f", f.value() / f.baseline());
            }
            if (f.note() != null) {
                n.put("note", f.note());
            }
            md.append("| ").append(f.bench()).append(" | ").append(f.name()).append(f.note() == null ? "" : " (" + f.note() + ")")
                    .append(" | ").append(fmt(f.value())).append(' ').append(f.unit()).append(" | ").append(base)
                    .append(" | ").append(ratio).append(" |\n");
        }
        Files.writeString(dir.resolve("report.json"), Json.write(json));
        Files.writeString(dir.resolve("report.md"), md.toString());
        if (!LATENCIES.isEmpty()) {
            plot(dir.resolve("order-latency.png"));
        }
        return md.toString();
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Cumulative latency distribution of every series, log-scaled milliseconds on x. */
    private static void plot(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 900;
        int h = 520;
        int left = 70;
        int right = 30;
        int top = 50;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double minMs = Double.MAX_VALUE;
        double maxMs = 0;
        Map<String, double[]> sorted = new LinkedHashMap<>();
        synchronized (LATENCIES) {
            for (Map.Entry<String, List<Long>> e : LATENCIES.entrySet()) {
                double[] ms = e.getValue().stream().mapToDouble(n -> n / 1e6).sorted().toArray();
                if (ms.length == 0) {
                    continue;
                }
                sorted.put(e.getKey(), ms);
                minMs = Math.min(minMs, ms[0]);
                maxMs = Math.max(maxMs, ms[ms.length - 1]);
            }
        }
        double lo = Math.log10(Math.max(0.1, minMs));
        double hi = Math.log10(Math.max(minMs * 1.1, maxMs));
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Order latency, cumulative distribution (in-process, DynamoDB Local)", left, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(left, h - bottom, w - right, h - bottom);
        g.drawLine(left, top, left, h - bottom);
        for (int p = 0; p <= 100; p += 25) {
            int y = h - bottom - (int) ((h - top - bottom) * p / 100.0);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, y, w - right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(p + "%", left - 40, y + 4);
        }
        for (double d = Math.floor(lo); d <= Math.ceil(hi); d++) {
            for (int m : new int[]{1, 2, 5}) {
                double v = m * Math.pow(10, d);
                double lv = Math.log10(v);
                if (lv < lo || lv > hi) {
                    continue;
                }
                int x = left + (int) ((w - left - right) * (lv - lo) / (hi - lo));
                g.setColor(new Color(230, 230, 230));
                g.drawLine(x, top, x, h - bottom - 1);
                g.setColor(Color.DARK_GRAY);
                g.drawString(v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v), x - 8, h - bottom + 18);
            }
        }
        g.drawString("milliseconds (log scale)", w / 2 - 60, h - 15);
        Color[] colors = {new Color(0, 102, 204), new Color(220, 80, 30), new Color(40, 160, 60), new Color(140, 60, 170)};
        int i = 0;
        for (Map.Entry<String, double[]> e : sorted.entrySet()) {
            double[] ms = e.getValue();
            Color c = colors[i % colors.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2.2f));
            int px = -1;
            int py = -1;
            for (int k = 0; k < ms.length; k++) {
                int x = left + (int) ((w - left - right) * (Math.log10(Math.max(0.1, ms[k])) - lo) / (hi - lo));
                int y = h - bottom - (int) ((h - top - bottom) * (k + 1.0) / ms.length);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            Latencies l = Latencies.ofMillis(java.util.Arrays.stream(ms).boxed().toList());
            double p50 = l.p50();
            double p99 = l.p99();
            g.fillRect(left + 20, top + 10 + i * 20, 14, 10);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%s: n=%d, p50 %.1f ms, p99 %.1f ms", e.getKey(), ms.length, p50, p99),
                    left + 40, top + 20 + i * 20);
            i++;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
