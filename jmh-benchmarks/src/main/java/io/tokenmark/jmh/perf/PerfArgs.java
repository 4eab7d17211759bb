package io.tokenmark.jmh.perf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} arguments of a benchmark's {@code main}, each read once with a
 * default and validated with a message that names the flag, the value and the valid range.
 */
final class PerfArgs {
    private final Map<String, String> values = new HashMap<>();

    /**
     * @param args the command-line arguments, pairs of {@code --name value}
     * @param known the flags this benchmark accepts
     * @throws IllegalArgumentException for an unknown flag or a flag without a value
     */
    PerfArgs(String[] args, Set<String> known) {
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (!known.contains(flag)) {
                throw new IllegalArgumentException("unknown option '" + flag + "': use one of "
                        + String.join(", ", known.stream().sorted().toList()));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + flag + " has no value: give one"
                        + " after it, for example " + flag + " 10");
            }
            values.put(flag, args[++i]);
        }
    }

    /** Returns a text option. */
    String text(String flag, String defaultValue) {
        return values.getOrDefault(flag, defaultValue);
    }

    /** Returns a positive integer option. */
    int positiveInt(String flag, int defaultValue) {
        String text = values.get(flag);
        if (text == null) {
            return defaultValue;
        }
        return parsePositiveInt(flag, text);
    }

    /** Returns a comma-separated list of positive integers, such as {@code 1,100,1000}. */
    List<Integer> positiveInts(String flag, List<Integer> defaultValue) {
        String text = values.get(flag);
        if (text == null) {
            return defaultValue;
        }
        List<Integer> list = new ArrayList<>();
        for (String part : text.split(",")) {
            list.add(parsePositiveInt(flag, part.strip()));
        }
        return list;
    }

    /** Returns a positive finite number option. */
    double positiveDouble(String flag, double defaultValue) {
        String text = values.get(flag);
        if (text == null) {
            return defaultValue;
        }
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("invalid " + flag + " '" + text
                    + "': must be a positive number, for example " + flag + " 20");
        }
        return value;
    }

    private static int parsePositiveInt(String flag, String text) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1) {
            throw new IllegalArgumentException("invalid " + flag + " '" + text
                    + "': must be an integer from 1 to " + Integer.MAX_VALUE);
        }
        return value;
    }
}
