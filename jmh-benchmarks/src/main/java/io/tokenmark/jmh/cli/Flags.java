package io.tokenmark.jmh.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses flag values with errors that name the flag, the value and what is allowed, so that every
 * command reports bad input the same way. Each method throws {@link UsageException}.
 */
final class Flags {
    private static final Pattern DURATION =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

    /** Duration syntax for help texts and errors. */
    static final String DURATION_SYNTAX =
            "a number with a unit (ms, s, m or h), such as 500ms, 30s or 5m";

    private Flags() {
    }

    /** Parses an integer from {@code min} to {@code max}. */
    static int parseInt(String flag, String value, int min, int max) {
        long parsed;
        try {
            parsed = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw UsageException.invalid(flag, value, "give an integer from " + min + " to " + max);
        }
        if (parsed < min || parsed > max) {
            throw UsageException.invalid(flag, value, "must be from " + min + " to " + max);
        }
        return (int) parsed;
    }

    /** Parses any 64-bit integer. */
    static long parseLong(String flag, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw UsageException.invalid(flag, value, "give an integer from " + Long.MIN_VALUE
                    + " to " + Long.MAX_VALUE);
        }
    }

    /**
     * Parses comma-separated integers from {@code min} to {@code max}, such as {@code 1,10,50}.
     *
     * @param distinct whether a repeated value is an error
     */
    static int[] parseIntList(String flag, String value, int min, int max, boolean distinct) {
        List<String> items = splitList(flag, value,
                "integers from " + min + " to " + max + " separated by commas, such as 1,10,50");
        int[] parsed = new int[items.size()];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < parsed.length; i++) {
            String item = items.get(i);
            try {
                parsed[i] = parseInt(flag, item, min, max);
            } catch (UsageException e) {
                throw UsageException.invalid(flag, value, "'" + item + "' is not an integer from "
                        + min + " to " + max + "; separate values with commas, such as 1,10,50");
            }
            if (distinct && !seen.add(parsed[i])) {
                throw UsageException.invalid(flag, value,
                        parsed[i] + " appears twice; give each value once");
            }
        }
        return parsed;
    }

    /**
     * Parses a finite number within bounds.
     *
     * @param min the lower bound
     * @param minInclusive whether {@code min} itself is allowed
     * @param max the upper bound, or {@code Double.POSITIVE_INFINITY} for none
     * @param maxInclusive whether {@code max} itself is allowed
     * @param allowed the accepted range in words, such as {@code a number above 0}
     */
    static double parseDouble(String flag, String value, double min, boolean minInclusive,
            double max, boolean maxInclusive, String allowed) {
        double parsed;
        try {
            parsed = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw UsageException.invalid(flag, value, "give " + allowed);
        }
        boolean aboveMin = minInclusive ? parsed >= min : parsed > min;
        boolean belowMax = maxInclusive ? parsed <= max : parsed < max;
        if (!Double.isFinite(parsed) || !aboveMin || !belowMax) {
            throw UsageException.invalid(flag, value, "must be " + allowed);
        }
        return parsed;
    }

    /**
     * Parses comma-separated request rates in requests per second, each above 0 or {@code inf}
     * for all requests at once.
     */
    static double[] parseRates(String flag, String value) {
        String allowed = "request rates in requests per second above 0, or inf to send every"
                + " request at once, separated by commas, such as 1,2.5,inf";
        List<String> items = splitList(flag, value, allowed);
        double[] rates = new double[items.size()];
        Set<Double> seen = new HashSet<>();
        for (int i = 0; i < rates.length; i++) {
            String item = items.get(i);
            if (item.equalsIgnoreCase("inf")) {
                rates[i] = Double.POSITIVE_INFINITY;
            } else {
                try {
                    rates[i] = Double.parseDouble(item);
                } catch (NumberFormatException e) {
                    rates[i] = Double.NaN;
                }
                if (!(rates[i] > 0) || Double.isInfinite(rates[i])) {
                    throw UsageException.invalid(flag, value, "'" + item + "' is not a rate: give "
                            + allowed);
                }
            }
            if (!seen.add(rates[i])) {
                throw UsageException.invalid(flag, value,
                        item + " appears twice; give each rate once");
            }
        }
        return rates;
    }

    /**
     * Parses a duration such as {@code 500ms}, {@code 30s}, {@code 1.5m}, {@code 2h} or the
     * ISO-8601 form {@code PT30S}. A plain {@code 0} is zero.
     *
     * @param allowZero whether zero is valid, as for timeouts where 0 means none
     */
    static Duration parseDuration(String flag, String value, boolean allowZero) {
        String text = value.strip();
        Duration parsed = null;
        if (text.equals("0")) {
            parsed = Duration.ZERO;
        } else {
            Matcher m = DURATION.matcher(text);
            if (m.matches()) {
                parsed = fromAmount(new BigDecimal(m.group(1)), m.group(2).toLowerCase(Locale.ROOT));
            } else if (text.toUpperCase(Locale.ROOT).startsWith("PT")) {
                try {
                    parsed = Duration.parse(text);
                } catch (DateTimeParseException e) {
                    parsed = null;
                }
            }
        }
        if (parsed == null) {
            throw UsageException.invalid(flag, value, "give " + DURATION_SYNTAX);
        }
        if (parsed.isNegative() || (!allowZero && parsed.isZero())) {
            throw UsageException.invalid(flag, value, allowZero
                    ? "must be 0 or longer" : "must be longer than 0");
        }
        return parsed;
    }

    /** Formats a duration the way {@link #parseDuration} reads it back, such as {@code 1500ms}. */
    static String formatDuration(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0";
        }
        if (nanos % 3_600_000_000_000L == 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + "ms";
    }

    /** Formats a number without a trailing {@code .0}: {@code 2.5}, {@code 10}, {@code inf}. */
    static String formatNumber(double value) {
        if (Double.isInfinite(value)) {
            return "inf";
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** Formats integers as a comma-separated list. */
    static String formatList(int[] values) {
        StringBuilder text = new StringBuilder();
        for (int value : values) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(value);
        }
        return text.toString();
    }

    /** Formats rates as a comma-separated list, {@code inf} for an infinite rate. */
    static String formatList(double[] values) {
        StringBuilder text = new StringBuilder();
        for (double value : values) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(formatNumber(value));
        }
        return text.toString();
    }

    /** Parses {@code true} or {@code false}, as recorded in {@code run.json}. */
    static boolean parseBoolean(String flag, String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw UsageException.invalid(flag, value, "use true or false");
    }

    private static Duration fromAmount(BigDecimal amount, String unit) {
        BigDecimal nanosPerUnit;
        switch (unit) {
            case "ms":
                nanosPerUnit = BigDecimal.valueOf(1_000_000L);
                break;
            case "s":
                nanosPerUnit = BigDecimal.valueOf(1_000_000_000L);
                break;
            case "m":
                nanosPerUnit = BigDecimal.valueOf(60_000_000_000L);
                break;
            default:
                nanosPerUnit = BigDecimal.valueOf(3_600_000_000_000L);
                break;
        }
        BigDecimal nanos = amount.multiply(nanosPerUnit);
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return null;
        }
        return Duration.ofNanos(nanos.longValue());
    }

    private static List<String> splitList(String flag, String value, String allowed) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                throw UsageException.invalid(flag, value, "give " + allowed);
            }
            items.add(trimmed);
        }
        return items;
    }
}
