package io.tokenmark.jmh.progress;

import java.util.ArrayDeque;

/**
 * The recent rate of a growing count, such as completed requests: the increase over a sliding
 * window of samples divided by the time between the window's first and last sample.
 *
 * <p>Not thread-safe; one progress thread samples it.
 */
final class RateMeter {
    private final long windowNanos;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    /** @param windowNanos how far back the rate looks, in nanoseconds; positive */
    RateMeter(long windowNanos) {
        if (windowNanos <= 0) {
            throw new IllegalArgumentException(
                    "invalid rate window " + windowNanos + " ns: must be positive");
        }
        this.windowNanos = windowNanos;
    }

    /** Adds a sample of the count at {@code nanos} ({@code System.nanoTime()} or any clock). */
    void sample(long nanos, long count) {
        samples.addLast(new long[] {nanos, count});
        // Keep one sample older than the window, so the rate spans the whole window.
        while (samples.size() > 2 && nanos - samples.peekFirst()[0] > windowNanos
                && nanos - secondOldest()[0] >= windowNanos) {
            samples.removeFirst();
        }
    }

    /** Returns the increase per second over the window, or {@code NaN} before two samples. */
    double perSecond() {
        if (samples.size() < 2) {
            return Double.NaN;
        }
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        long elapsed = last[0] - first[0];
        return elapsed <= 0 ? Double.NaN : (last[1] - first[1]) * 1e9 / elapsed;
    }

    /** Forgets every sample, as when a new point starts. */
    void reset() {
        samples.clear();
    }

    private long[] secondOldest() {
        var iterator = samples.iterator();
        iterator.next();
        return iterator.next();
    }
}
