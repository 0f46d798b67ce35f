package dev.tinygram.demo.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** A latency CDF as a plain SVG file: x = latency on a log scale from 1 µs to 100 ms, one step line per series. */
final class CdfSvg {
    private static final int W = 960;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 80;
    private static final int PH = 420;   // plot height; the legend goes below the x axis
    private static final double MIN_LOG = 3;   // 1 µs in ns
    private static final double MAX_LOG = 8;   // 100 ms in ns
    private static final int MAX_POINTS = 1500;
    private static final String[] COLORS = {"#d62728", "#ff7f0e", "#1f77b4", "#2ca02c", "#6a3d9a", "#8c564b"};
    private static final String[] DASHES = {"", "7,4", "", "", "2,3", ""};
    private static final String[] DECADES = {"1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms"};

    private CdfSvg() {
    }

    /** Writes the chart; {@code series} maps a legend label to latencies in nanoseconds (empty ones are skipped). */
    static void write(Path file, String title, String subtitle, Map<String, long[]> series) throws IOException {
        int legendTop = TOP + PH + 70;
        int h = legendTop + 20 * series.size() + 10;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"13\">%n", W, h, W, h));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, h));
        text(s, W / 2.0, 30, "middle", 18, "bold", title);
        text(s, W / 2.0, 52, "middle", 12, "normal", subtitle);
        int pw = W - LEFT - RIGHT;
        int ph = PH;
        for (int d = 0; d <= 5; d++) {   // decades, with minor lines at 2..9 x
            double x = x(Math.pow(10, MIN_LOG + d));
            line(s, x, TOP, x, TOP + ph, "#bbbbbb", 1);
            text(s, x, TOP + ph + 20, "middle", 13, "normal", DECADES[d]);
            for (int m = 2; m <= 9 && d < 5; m++) {
                double xm = x(m * Math.pow(10, MIN_LOG + d));
                line(s, xm, TOP, xm, TOP + ph, "#eeeeee", 1);
            }
        }
        for (int i = 0; i <= 10; i++) {
            double y = y(i / 10.0);
            line(s, LEFT, y, LEFT + pw, y, i % 5 == 0 ? "#bbbbbb" : "#eeeeee", 1);
            text(s, LEFT - 8, y + 4, "end", 13, "normal", String.format(Locale.ROOT, "%.1f", i / 10.0));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#333333\"/>%n", LEFT, TOP, pw, ph));
        text(s, LEFT + pw / 2.0, TOP + ph + 45, "middle", 14, "normal", "latency per request (log scale)");
        s.append(String.format(Locale.ROOT, "<text x=\"22\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"14\" "
                + "transform=\"rotate(-90 22 %.1f)\">fraction of requests at or below x</text>%n",
                TOP + ph / 2.0, TOP + ph / 2.0));

        int k = 0;
        boolean clamped = false;
        int legendRows = 0;
        StringBuilder legend = new StringBuilder();
        for (Map.Entry<String, long[]> e : series.entrySet()) {
            long[] v = e.getValue().clone();
            int c = k++;
            if (v.length == 0) continue;
            Arrays.sort(v);
            clamped |= v[0] < 1_000 || v[v.length - 1] > 100_000_000;
            int n = v.length;
            int step = Math.max(1, n / MAX_POINTS);
            StringBuilder d = new StringBuilder();
            d.append(String.format(Locale.ROOT, "M%.1f,%.1f", x(v[0]), y(0)));
            for (int i = 0; i < n; i += step) {   // the step up at v[i] ends at (i+1)/n
                int j = Math.min(n - 1, i + step - 1);
                d.append(String.format(Locale.ROOT, " L%.1f,%.1f L%.1f,%.1f", x(v[i]), y(i / (double) n),
                        x(v[j]), y((j + 1) / (double) n)));
            }
            d.append(String.format(Locale.ROOT, " L%.1f,%.1f", (double) LEFT + pw, y(1)));
            s.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\"%s/>%n",
                    d, COLORS[c % COLORS.length], dash(c)));
            double ly = legendTop + 14 + legendRows++ * 20;
            legend.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                    + "stroke-width=\"3\"%s/>%n", LEFT + 18, ly - 4, LEFT + 48, ly - 4, COLORS[c % COLORS.length], dash(c)));
            String label = String.format(Locale.ROOT, "%s: n=%d, p50 %s, p99 %s", e.getKey(), n,
                    human(v[(int) Math.ceil(0.50 * n) - 1]), human(v[(int) Math.ceil(0.99 * n) - 1]));
            text(legend, LEFT + 56, ly, "start", 13, "normal", label);
        }
        s.append(legend);
        if (clamped) {
            text(s, LEFT + pw - 6, TOP + ph - 8, "end", 11, "normal", "latencies outside 1 µs to 100 ms drawn at the edge");
        }
        s.append("</svg>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    private static String dash(int series) {
        String d = DASHES[series % DASHES.length];
        return d.isEmpty() ? "" : " stroke-dasharray=\"" + d + "\"";
    }

    private static double x(double nanos) {
        double l = Math.log10(Math.max(nanos, 1));
        l = Math.max(MIN_LOG, Math.min(MAX_LOG, l));
        return LEFT + (l - MIN_LOG) / (MAX_LOG - MIN_LOG) * (W - LEFT - RIGHT);
    }

    private static double y(double fraction) {
        return TOP + (1 - fraction) * PH;
    }

    static String human(long nanos) {
        if (nanos >= 1_000_000) return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }

    private static void line(StringBuilder s, double x1, double y1, double x2, double y2, String color, double width) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"%.1f\"/>%n", x1, y1, x2, y2, color, width));
    }

    private static void text(StringBuilder s, double x, double y, String anchor, int size, String weight, String t) {
        String esc = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" "
                + "font-weight=\"%s\">%s</text>%n", x, y, anchor, size, weight, esc));
    }
}
