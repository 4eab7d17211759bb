package io.tokenmark.jmh.report;

import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.Summary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs side by side, point by point: for every load point (matched by label, such as
 * {@code c10} or {@code r2.5}) and every {@link ComparedMetric}, each run's value, the better run,
 * by how much it beats the next best, and whether that difference exceeds the runs' own noise by
 * {@link WelchTest} at the {@value WelchTest#ALPHA} level.
 *
 * <p>Points are ordered by load: closed loops by concurrency, then open loops by rate and
 * maximum concurrency. A run that lacks a point shows no value there. Immutable.
 */
public final class RunComparison {
    /** The noise test's verdict on a row's difference. */
    public enum Verdict {
        /** The better run's advantage is larger than the runs' noise. */
        BEYOND_NOISE,
        /** The difference is within the runs' noise. */
        WITHIN_NOISE,
        /** Not tested: a percentile, a count, or too few samples. */
        NOT_TESTED
    }

    /**
     * One metric of one point across the runs.
     *
     * @param metric the metric
     * @param values each run's value, in run order; {@code NaN} where a run has none
     * @param best index of the better run, or -1 when fewer than two runs have a value
     * @param betterBy the better run's advantage over the next best, relative to the next best
     *     (0.048 for 4.8 %), or {@code NaN}
     * @param verdict whether the advantage exceeds the noise
     * @param pValue the test's two-sided p-value, or {@code NaN} when not tested
     */
    public record Row(ComparedMetric metric, List<Double> values, int best, double betterBy,
            Verdict verdict, double pValue) {
        public Row {
            values = List.copyOf(values);
        }
    }

    /**
     * One load point across the runs.
     *
     * @param label the point label, such as {@code c10}
     * @param load the load as the first run that has the point describes it
     * @param summaries each run's summary of the point, in run order; {@code null} where a run
     *     lacks it
     * @param rows one row per metric that at least one run has
     */
    public record Point(String label, LoadDescription load, List<Summary> summaries,
            List<Row> rows) {
        public Point {
            summaries = Collections.unmodifiableList(new ArrayList<>(summaries));
            rows = List.copyOf(rows);
        }

        /** Returns the row of {@code metric}, or {@code null} when no run has it. */
        public Row row(ComparedMetric metric) {
            for (Row row : rows) {
                if (row.metric() == metric) {
                    return row;
                }
            }
            return null;
        }
    }

    private final List<String> labels;
    private final List<Point> points;

    private RunComparison(List<String> labels, List<Point> points) {
        this.labels = List.copyOf(labels);
        this.points = List.copyOf(points);
    }

    /**
     * Compares the runs.
     *
     * @throws IllegalArgumentException if no run is given
     */
    public static RunComparison of(List<RunData> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no run to compare: give at least one run folder");
        }
        List<String> labels = displayLabels(runs);

        Map<String, LoadDescription> loads = new LinkedHashMap<>();
        for (RunData run : runs) {
            for (Summary summary : run.points()) {
                loads.putIfAbsent(summary.load().label(), summary.load());
            }
        }
        List<LoadDescription> ordered = new ArrayList<>(loads.values());
        ordered.sort(LOAD_ORDER);

        List<Point> points = new ArrayList<>();
        for (LoadDescription load : ordered) {
            List<Summary> summaries = new ArrayList<>();
            for (RunData run : runs) {
                summaries.add(run.point(load.label()));
            }
            points.add(new Point(load.label(), load, summaries, rows(summaries)));
        }
        return new RunComparison(labels, points);
    }

    /**
     * Returns the run labels, with {@code #2}, {@code #3}, ... appended to a label that repeats,
     * as when the same label was used in two output folders.
     */
    public static List<String> displayLabels(List<RunData> runs) {
        List<String> labels = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (RunData run : runs) {
            int occurrence = seen.merge(run.label(), 1, Integer::sum);
            labels.add(occurrence == 1 ? run.label() : run.label() + "#" + occurrence);
        }
        return labels;
    }

    /** Returns the run labels of {@link #displayLabels}, in the order given. */
    public List<String> labels() {
        return labels;
    }

    /** Returns the points, ordered by load. */
    public List<Point> points() {
        return points;
    }

    /** Returns the point labelled {@code label}, or {@code null}. */
    public Point point(String label) {
        for (Point point : points) {
            if (point.label().equals(label)) {
                return point;
            }
        }
        return null;
    }

    /** Closed loops by concurrency, then open loops by rate (infinite last) and cap. */
    static final Comparator<LoadDescription> LOAD_ORDER = Comparator
            .comparing((LoadDescription load) -> load.mode() == LoadDescription.Mode.OPEN_LOOP)
            .thenComparingInt(load -> load.concurrency() == null ? 0 : load.concurrency())
            .thenComparingDouble(load -> load.ratePerSecond() == null ? 0 : load.ratePerSecond())
            .thenComparingInt(load -> load.maxConcurrency() == null ? Integer.MAX_VALUE
                    : load.maxConcurrency())
            .thenComparing(LoadDescription::label);

    private static List<Row> rows(List<Summary> summaries) {
        List<Row> rows = new ArrayList<>();
        for (ComparedMetric metric : ComparedMetric.values()) {
            List<Double> values = new ArrayList<>();
            boolean any = false;
            for (Summary summary : summaries) {
                double value = summary == null ? Double.NaN : metric.valueOf(summary);
                values.add(value);
                any |= Double.isFinite(value);
            }
            if (any) {
                rows.add(row(metric, summaries, values));
            }
        }
        return rows;
    }

    private static Row row(ComparedMetric metric, List<Summary> summaries, List<Double> values) {
        List<Integer> ranked = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (Double.isFinite(values.get(i))) {
                ranked.add(i);
            }
        }
        Comparator<Integer> better = Comparator.comparingDouble(values::get);
        ranked.sort(metric.higherIsBetter() ? better.reversed() : better);
        if (ranked.size() < 2) {
            return new Row(metric, values, -1, Double.NaN, Verdict.NOT_TESTED, Double.NaN);
        }

        int best = ranked.get(0);
        int next = ranked.get(1);
        double bestValue = values.get(best);
        double nextValue = values.get(next);
        if (bestValue == nextValue) {
            best = -1;
        }
        double betterBy = nextValue == 0 ? Double.NaN
                : Math.abs(bestValue - nextValue) / Math.abs(nextValue);

        WelchTest.Estimate bestEstimate = metric.estimate(summaries.get(ranked.get(0)));
        WelchTest.Estimate nextEstimate = metric.estimate(summaries.get(next));
        if (bestEstimate == null || nextEstimate == null) {
            return new Row(metric, values, best, betterBy, Verdict.NOT_TESTED, Double.NaN);
        }
        double p = WelchTest.pValue(bestEstimate, nextEstimate);
        Verdict verdict = best >= 0 && p < WelchTest.ALPHA
                ? Verdict.BEYOND_NOISE : Verdict.WITHIN_NOISE;
        return new Row(metric, values, best, betterBy, verdict, p);
    }

    @Override
    public String toString() {
        return "RunComparison[" + String.join(", ", labels) + "; " + points.size() + " points]";
    }
}
