package io.tokenmark.jmh;

import io.tokenmark.core.metric.Summary;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands the summary of the iteration that just ended from the benchmark state to
 * {@link TokenMarkProfiler}. Both run in the same JVM (the forked one, or the host with no
 * forks), and JMH calls the state's iteration teardown before the profiler's
 * {@code afterIteration}, so one slot is enough.
 *
 * <p>Thread-safe.
 */
final class IterationHandoff {
    private static final AtomicReference<Summary> FINISHED = new AtomicReference<>();

    private IterationHandoff() {
    }

    /** Offers the summary of the iteration that just ended, replacing one that was not taken. */
    static void publish(Summary summary) {
        FINISHED.set(summary);
    }

    /** Takes the summary of the iteration that just ended, or returns {@code null} if none. */
    static Summary take() {
        return FINISHED.getAndSet(null);
    }

    /** Drops a summary left by an earlier benchmark. */
    static void clear() {
        FINISHED.set(null);
    }
}
