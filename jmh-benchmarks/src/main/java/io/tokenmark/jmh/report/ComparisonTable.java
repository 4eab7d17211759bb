package io.tokenmark.jmh.report;

import io.tokenmark.core.metric.Caveats;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Formats a {@link RunComparison} for the console: per point, a line with each run's request
 * counts, then a table with one column per run and the columns {@code Better} (the better run's
 * label), {@code Better by} (its advantage over the next best, in percent) and
 * {@code Beyond noise} ({@code yes} or {@code no} with the p-value, {@code n/a} when not
 * tested). A value that does not exist prints as {@code n/a}; an equal value gives
 * {@code tie}. Thread-safe: stateless.
 */
public final class ComparisonTable {
    /** Text of a value that does not exist. */
    static final String NOT_AVAILABLE = "n/a";

    /** The sentence that explains the noise column. */
    public static final String NOISE_NOTE = "Beyond noise: Welch's t-test (two-sided, 5 % level)"
            + " of the better run against the next best, from each run's own spread: means use"
            + " the standard error of the per-request values (one sample per request for ITL);"
            + " throughputs use the spread of the per-request stream time and output length, as"
            + " Little's law relates them for a closed loop. Percentiles and counts are not tested.";

    private ComparisonTable() {
    }

    /** Returns the tables of every point, then the notes, each line ending with a line break. */
    public static String format(RunComparison comparison) {
        StringBuilder text = new StringBuilder();
        for (RunComparison.Point point : comparison.points()) {
            text.append(pointHeader(comparison, point)).append('\n');
            text.append(table(comparison, point)).append('\n');
        }
        text.append("Note: ").append(NOISE_NOTE).append('\n');
        text.append("Note: ").append(Caveats.MEASURED_AT_CLIENT).append('\n');
        return text.toString();
    }

    /** Returns the point's title line, such as {@code c10: closed loop, concurrency 10 (...)}. */
    static String pointHeader(RunComparison comparison, RunComparison.Point point) {
        StringBuilder text = new StringBuilder(point.label()).append(": ")
                .append(describe(point.load())).append(" (");
        for (int i = 0; i < comparison.labels().size(); i++) {
            if (i > 0) {
                text.append("; ");
            }
            Summary summary = point.summaries().get(i);
            text.append(comparison.labels().get(i)).append(": ");
            if (summary == null) {
                text.append("not run");
            } else {
                text.append(summary.totalRequests()).append(" requests, ")
                        .append(summary.failedRequests()).append(" failed");
                if (!summary.complete()) {
                    text.append(", stopped early");
                }
            }
        }
        return text.append(')').toString();
    }

    /** Returns one point's table. */
    static String table(RunComparison comparison, RunComparison.Point point) {
        List<String> labels = comparison.labels();
        String[] header = new String[labels.size() + 4];
        header[0] = "Metric";
        for (int i = 0; i < labels.size(); i++) {
            header[i + 1] = labels.get(i);
        }
        header[labels.size() + 1] = "Better";
        header[labels.size() + 2] = "Better by";
        header[labels.size() + 3] = "Beyond noise";

        List<String[]> rows = new ArrayList<>();
        for (RunComparison.Row row : point.rows()) {
            String[] cells = new String[header.length];
            cells[0] = row.metric().displayName();
            for (int i = 0; i < labels.size(); i++) {
                cells[i + 1] = number(row.values().get(i));
            }
            cells[labels.size() + 1] = better(row, labels);
            cells[labels.size() + 2] = row.best() < 0 ? NOT_AVAILABLE : percent(row.betterBy());
            cells[labels.size() + 3] = noise(row);
            rows.add(cells);
        }
        return TextGrid.format(header, rows);
    }

    /** Describes a load, such as {@code closed loop, concurrency 10}. */
    static String describe(LoadDescription load) {
        if (load.mode() == LoadDescription.Mode.CLOSED_LOOP) {
            return "closed loop, concurrency " + load.concurrency();
        }
        double rate = load.ratePerSecond();
        String text = "open loop, " + (Double.isInfinite(rate) ? "every request at once"
                : number(rate) + " req/s");
        return load.maxConcurrency() == null ? text
                : text + ", max concurrency " + load.maxConcurrency();
    }

    private static String better(RunComparison.Row row, List<String> labels) {
        if (row.best() >= 0) {
            return labels.get(row.best());
        }
        long present = row.values().stream().filter(Double::isFinite).count();
        return present >= 2 ? "tie" : NOT_AVAILABLE;
    }

    static String noise(RunComparison.Row row) {
        switch (row.verdict()) {
            case BEYOND_NOISE:
                return "yes (" + pValue(row.pValue()) + ")";
            case WITHIN_NOISE:
                return "no (" + pValue(row.pValue()) + ")";
            default:
                return NOT_AVAILABLE;
        }
    }

    static String pValue(double p) {
        return p < 0.001 ? "p < 0.001" : String.format(Locale.ROOT, "p = %.3f", p);
    }

    static String number(double value) {
        if (!Double.isFinite(value)) {
            return NOT_AVAILABLE;
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }

    static String percent(double share) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%.1f %%", share * 100)
                : NOT_AVAILABLE;
    }
}
