package io.tokenmark.core.sampler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An ordered list of load points that run one after another, such as concurrency 1, 10, 50 and
 * 100. Every point sends the same workload specs in the same order (see {@link PointExecution}),
 * so points differ only in load. Immutable and thread-safe.
 */
public final class Sweep {
    private final List<LoadPoint> points;

    private Sweep(List<LoadPoint> points) {
        this.points = points;
    }

    /**
     * Creates a sweep of the given points, in order.
     *
     * @throws IllegalArgumentException if the list is empty or two points share a label
     */
    public static Sweep of(List<LoadPoint> points) {
        Objects.requireNonNull(points, "points");
        if (points.isEmpty()) {
            throw new IllegalArgumentException("sweep has no load points: give at least one");
        }
        Set<String> labels = new HashSet<>();
        for (LoadPoint point : points) {
            Objects.requireNonNull(point, "point");
            if (!labels.add(point.label())) {
                throw new IllegalArgumentException("sweep has two load points labelled '"
                        + point.label() + "': give each point a distinct label");
            }
        }
        return new Sweep(Collections.unmodifiableList(new ArrayList<>(points)));
    }

    /** Creates a sweep of the given points, in order; see {@link #of(List)}. */
    public static Sweep of(LoadPoint... points) {
        return of(List.of(points));
    }

    /**
     * Creates closed-loop points with each user count in turn, copying every other setting from
     * {@code template} ({@code c1}, {@code c10}, …).
     *
     * @throws IllegalArgumentException if the template is open loop, a count is invalid, or a
     *     count repeats
     */
    public static Sweep concurrencies(LoadPoint template, int... users) {
        if (template.mode() != LoadPoint.Mode.CLOSED_LOOP) {
            throw new IllegalArgumentException("concurrency sweep template " + template.label()
                    + " is open loop: use a closed-loop template, or maxConcurrencies");
        }
        List<LoadPoint> points = new ArrayList<>();
        for (int u : users) {
            points.add(template.withUsers(u));
        }
        return of(points);
    }

    /**
     * Creates open-loop points with each rate in turn, in requests per second, copying every
     * other setting from {@code template} ({@code r1}, {@code r2.5}, …).
     *
     * @throws IllegalArgumentException if the template is closed loop, a rate is invalid, or a
     *     rate repeats
     */
    public static Sweep rates(LoadPoint template, double... ratesPerSecond) {
        if (template.mode() != LoadPoint.Mode.OPEN_LOOP) {
            throw new IllegalArgumentException("rate sweep template " + template.label()
                    + " is closed loop: use an open-loop template");
        }
        List<LoadPoint> points = new ArrayList<>();
        for (double rate : ratesPerSecond) {
            points.add(template.withRate(rate));
        }
        return of(points);
    }

    /**
     * Creates open-loop points with each maximum concurrency in turn, copying every other setting
     * from {@code template}; with an infinite rate this is how {@code vllm bench serve
     * --max-concurrency} sweeps concurrency ({@code rinf-c1}, {@code rinf-c10}, …).
     *
     * @throws IllegalArgumentException if the template is closed loop, a value is invalid, or a
     *     value repeats
     */
    public static Sweep maxConcurrencies(LoadPoint template, int... maxConcurrencies) {
        if (template.mode() != LoadPoint.Mode.OPEN_LOOP) {
            throw new IllegalArgumentException("max concurrency sweep template " + template.label()
                    + " is closed loop: use concurrencies instead");
        }
        List<LoadPoint> points = new ArrayList<>();
        for (int max : maxConcurrencies) {
            points.add(template.withMaxConcurrency(max));
        }
        return of(points);
    }

    /** Returns the points in run order. */
    public List<LoadPoint> points() {
        return points;
    }

    /** Returns the points from the one labelled {@code label} on, to resume a sweep. */
    public Sweep from(String label) {
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).label().equals(label)) {
                return new Sweep(points.subList(i, points.size()));
            }
        }
        throw new IllegalArgumentException("sweep has no load point labelled '" + label
                + "': its labels are " + labels());
    }

    /** Returns the labels in run order. */
    public List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (LoadPoint point : points) {
            labels.add(point.label());
        }
        return labels;
    }

    @Override
    public String toString() {
        return "Sweep" + labels();
    }
}
