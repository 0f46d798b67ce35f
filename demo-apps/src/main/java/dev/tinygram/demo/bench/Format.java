package dev.tinygram.demo.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How the report prints figures; Locale.ROOT throughout, so the tables read the same on every machine. */
final class Format {
    private Format() {
    }

    /** A figure with thousands separators and {@code decimals} places, or n/a for NaN (not measured). */
    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** A ratio as {@code 1.23x}; small ones with two significant digits ({@code 0.00057x}). */
    static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) return "n/a";
        if (r >= 100) return String.format(Locale.ROOT, "%,.0fx", r);
        if (r >= 0.1) return String.format(Locale.ROOT, "%.2fx", r);
        return new BigDecimal(r).round(new MathContext(2)).toPlainString() + "x";
    }

    /** A size in B, KiB or MiB. */
    static String bytes(double b) {
        if (Double.isNaN(b)) return "n/a";
        if (Math.abs(b) >= 1 << 20) return String.format(Locale.ROOT, "%.2f MiB", b / (1 << 20));
        if (Math.abs(b) >= 1 << 10) return String.format(Locale.ROOT, "%.1f KiB", b / (1 << 10));
        return String.format(Locale.ROOT, "%.0f B", b);
    }
}
