package io.tokenmark.jmh.perf;

import java.util.Locale;
import java.util.Objects;

/**
 * One measured figure of a performance benchmark, with the target it is judged against.
 *
 * @param name what was measured, such as {@code timing error p99 at 1,000 streams}
 * @param value the measured value in {@code unit}; {@code NaN} when it could not be measured
 * @param unit the unit printed after the value, such as {@code µs} or {@code events/s}
 * @param target the bound the value must meet, or {@code null} for a figure without a target
 */
public record Figure(String name, double value, String unit, Target target) {

    /** A bound on a figure: at most or at least {@code bound}, in the figure's unit. */
    public record Target(boolean atMost, double bound) {
        /** Returns a target met by values less than or equal to {@code bound}. */
        public static Target atMost(double bound) {
            return new Target(true, bound);
        }

        /** Returns a target met by values greater than or equal to {@code bound}. */
        public static Target atLeast(double bound) {
            return new Target(false, bound);
        }

        /** Returns whether {@code value} meets the bound; {@code NaN} never does. */
        public boolean isMetBy(double value) {
            if (Double.isNaN(value)) {
                return false;
            }
            return atMost ? value <= bound : value >= bound;
        }
    }

    public Figure {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
    }

    /** Returns a figure without a target, printed for context. */
    public static Figure info(String name, double value, String unit) {
        return new Figure(name, value, unit, null);
    }

    /** Returns {@code PASS} or {@code MISS} against the target, or an empty string without one. */
    public String verdict() {
        if (target == null) {
            return "";
        }
        return target.isMetBy(value) ? "PASS" : "MISS";
    }

    /** Returns the value formatted with its unit, such as {@code 85.2 µs}. */
    public String formattedValue() {
        return unit.isEmpty() ? format(value) : format(value) + " " + unit;
    }

    /** Returns the target formatted as {@code <= 100 µs} or {@code >= 200,000 events/s}. */
    public String formattedTarget() {
        if (target == null) {
            return "";
        }
        String bound = (target.atMost() ? "<= " : ">= ") + format(target.bound());
        return unit.isEmpty() ? bound : bound + " " + unit;
    }

    /**
     * Formats a number with thousands separators: integers as integers, small values with up to
     * three significant decimals.
     */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1000 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
