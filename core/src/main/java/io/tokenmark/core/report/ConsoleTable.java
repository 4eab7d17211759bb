package io.tokenmark.core.report;

import io.tokenmark.core.metric.ClientHealth;
import io.tokenmark.core.metric.DistributionStats;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Formats a summary for the console in the layout of evalscope perf's summary table: one row per
 * evalscope key, in evalscope's order, then a percentile table and failures by error. The notes
 * that follow are the client's own health (schedule lag, achieved against requested rate,
 * event-loop busy share), the client-bound warning and the caveats. The caller prints the
 * returned text.
 *
 * <p>Counts are integers; every other value has four decimals, as evalscope rounds them;
 * percentiles are in milliseconds with three decimals. A value that does not exist prints as
 * {@code n/a}. Thread-safe: stateless.
 */
public final class ConsoleTable {
    private static final String NOT_AVAILABLE = "n/a";

    private static final Metric[] PERCENTILE_ROWS = {
        Metric.TTFT, Metric.TTFO, Metric.TPOT, Metric.ITL, Metric.ICL, Metric.E2EL
    };

    private ConsoleTable() {
    }

    /** Returns the full console text for one point, ending with a line break. */
    public static String format(Summary summary) {
        StringBuilder text = new StringBuilder();
        text.append("Benchmarking summary: ").append(summary.load().label())
                .append(summary.complete() ? "" : " (stopped early)").append('\n');
        text.append(summaryTable(summary));
        text.append("Percentiles (ms): ").append(summary.load().label()).append('\n');
        text.append(percentileTable(summary));
        appendNotes(summary, text);
        return text.toString();
    }

    /** Returns the two-column table of the evalscope keys and their values. */
    public static String summaryTable(Summary summary) {
        List<String[]> rows = new ArrayList<>();
        for (Map.Entry<String, Object> entry : EvalscopeView.of(summary).entrySet()) {
            rows.add(new String[] {entry.getKey(), formatValue(entry.getValue())});
        }
        return grid(new String[] {"Key", "Value"}, rows, false);
    }

    /** Returns the table of mean and percentiles, in milliseconds, of the latency metrics. */
    public static String percentileTable(Summary summary) {
        List<String[]> rows = new ArrayList<>();
        for (Metric metric : PERCENTILE_ROWS) {
            DistributionStats stats = summary.stats(metric);
            rows.add(new String[] {
                metric.key().toUpperCase(Locale.ROOT), Long.toString(stats.count()),
                millis(stats.mean()), millis(stats.p50()), millis(stats.p90()),
                millis(stats.p99()), millis(stats.max())
            });
        }
        return grid(new String[] {"Metric", "Count", "Mean", "P50", "P90", "P99", "Max"}, rows,
                true);
    }

    private static void appendNotes(Summary summary, StringBuilder text) {
        if (!summary.failuresByError().isEmpty()) {
            text.append("Failed requests by error: ")
                    .append(summary.failuresByError().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(", ")))
                    .append('\n');
        }
        if (!summary.slo().isEmpty()) {
            text.append(String.format(Locale.ROOT,
                    "Goodput: %s req/s (SLO %s, attainment %s)%n",
                    formatValue(summary.goodput()), summary.slo(),
                    percent(summary.sloAttainment())));
        }
        text.append(clientHealthLine(summary)).append('\n');
        ClientHealth health = summary.clientHealth();
        if (health.clientBound()) {
            for (String reason : health.clientBoundReasons()) {
                text.append("WARNING: client-bound: ").append(reason).append('\n');
            }
        }
        for (String caveat : summary.caveats()) {
            text.append("Note: ").append(caveat).append('\n');
        }
    }

    /**
     * Returns the line that reports the client's own health, such as {@code Client: schedule lag
     * p99 0.042 ms, achieved 99.87 of 100.00 req/s requested, event-loop busy share 0.12}. A
     * closed-loop point has no requested rate, and a client that does not measure its busy share
     * prints {@code n/a}.
     */
    public static String clientHealthLine(Summary summary) {
        ClientHealth health = summary.clientHealth();
        double lagP99Millis = summary.stats(Metric.SCHEDULE_LAG).p99();
        String rate = Double.isNaN(health.requestedRatePerSecond())
                ? "achieved " + twoDecimals(health.achievedRatePerSecond()) + " req/s"
                : "achieved " + twoDecimals(health.achievedRatePerSecond()) + " of "
                        + twoDecimals(health.requestedRatePerSecond()) + " req/s requested";
        return "Client: schedule lag p99 " + millis(lagP99Millis) + " ms, " + rate
                + ", event-loop busy share " + twoDecimals(health.eventLoopBusyShare());
    }

    private static String twoDecimals(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : NOT_AVAILABLE;
    }

    private static String formatValue(Object value) {
        if (value == null) {
            return NOT_AVAILABLE;
        }
        if (value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        double number = ((Number) value).doubleValue();
        if (!Double.isFinite(number)) {
            return NOT_AVAILABLE;
        }
        return String.format(Locale.ROOT, "%.4f", number);
    }

    private static String millis(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : NOT_AVAILABLE;
    }

    private static String percent(double share) {
        return Double.isFinite(share)
                ? String.format(Locale.ROOT, "%.1f %%", share * 100) : NOT_AVAILABLE;
    }

    /**
     * Draws a grid like Python's {@code tabulate} with {@code tablefmt="grid"}, which evalscope
     * prints its summary with: a double rule under the header and a rule under every row.
     */
    private static String grid(String[] header, List<String[]> rows, boolean alignRight) {
        int[] widths = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            widths[c] = header[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }

        StringBuilder text = new StringBuilder();
        String rule = rule(widths, '-');
        text.append(rule);
        text.append(line(header, widths, false));
        text.append(rule(widths, '='));
        for (String[] row : rows) {
            text.append(line(row, widths, alignRight));
            text.append(rule);
        }
        return text.toString();
    }

    private static String rule(int[] widths, char fill) {
        StringBuilder rule = new StringBuilder("+");
        for (int width : widths) {
            rule.append(String.valueOf(fill).repeat(width + 2)).append('+');
        }
        return rule.append('\n').toString();
    }

    /** Left-aligns the first column; aligns the others right when {@code alignRight}. */
    private static String line(String[] cells, int[] widths, boolean alignRight) {
        StringBuilder line = new StringBuilder("|");
        for (int c = 0; c < cells.length; c++) {
            String padding = " ".repeat(widths[c] - cells[c].length());
            boolean right = alignRight && c > 0;
            line.append(' ')
                    .append(right ? padding + cells[c] : cells[c] + padding)
                    .append(" |");
        }
        return line.append('\n').toString();
    }
}
