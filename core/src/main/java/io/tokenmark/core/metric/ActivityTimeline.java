package io.tokenmark.core.metric;

import java.util.Arrays;

/**
 * Output tokens over time and request intervals of one sweep point, for the peak output-token
 * rate and the peak concurrency that {@code vllm bench serve} reports.
 *
 * <p>Token arrivals are counted in bins of {@value #INITIAL_BIN_NANOS} ns: 4 bytes per 10 ms of
 * run, about 1.4 MB per hour. Past {@value #MAX_BINS} bins (5.8 hours) adjacent bins merge and
 * the width doubles, so memory stays bounded and only the alignment of seconds coarsens. Request
 * intervals are kept as two {@code long}s each, so that the peak concurrency is exact. Not
 * thread-safe: {@link MetricsRecorder} calls it under its lock.
 */
final class ActivityTimeline {
    /** Width of a token bin until the run outgrows {@link #MAX_BINS}: 10 ms. */
    static final long INITIAL_BIN_NANOS = 10_000_000L;
    /** Most token bins kept: 2²¹ ints, 8 MiB. */
    static final int MAX_BINS = 1 << 21;
    private static final long SECOND_NANOS = 1_000_000_000L;

    private final long originNanos;
    private long binNanos = INITIAL_BIN_NANOS;

    private int[] tokenBins = new int[0];
    private long firstBin;

    private long[] starts = new long[64];
    private long[] ends = new long[64];
    private int intervals;
    private long firstStart = Long.MAX_VALUE;

    /** @param originNanos a {@code System.nanoTime()} value near the point's start */
    ActivityTimeline(long originNanos) {
        this.originNanos = originNanos;
    }

    /** Adds a successful request that was in flight from {@code start} to {@code end}. */
    void addRequest(long startNanos, long endNanos) {
        if (intervals == starts.length) {
            starts = Arrays.copyOf(starts, intervals * 2);
            ends = Arrays.copyOf(ends, intervals * 2);
        }
        starts[intervals] = startNanos;
        ends[intervals] = Math.max(startNanos, endNanos);
        intervals++;
        firstStart = Math.min(firstStart, startNanos);
    }

    /** Adds {@code tokens} output tokens that arrived at {@code arrivalNanos}. */
    void addTokens(long arrivalNanos, int tokens) {
        long bin = Math.floorDiv(arrivalNanos - originNanos, binNanos);
        if (tokenBins.length == 0) {
            tokenBins = new int[64];
            firstBin = bin;
        }
        while (Math.max(firstBin + tokenBins.length, bin + 1) - Math.min(firstBin, bin) > MAX_BINS) {
            coarsen();
            bin = Math.floorDiv(arrivalNanos - originNanos, binNanos);
        }
        ensureBin(bin);
        tokenBins[(int) (bin - firstBin)] += tokens;
    }

    /** Grows the bin array to hold {@code bin}, which keeps the span within MAX_BINS. */
    private void ensureBin(long bin) {
        if (bin < firstBin) {
            long grow = Math.max(firstBin - bin, tokenBins.length);
            grow = Math.min(grow, MAX_BINS - tokenBins.length);
            int[] grown = new int[tokenBins.length + (int) grow];
            System.arraycopy(tokenBins, 0, grown, (int) grow, tokenBins.length);
            tokenBins = grown;
            firstBin -= grow;
        } else if (bin >= firstBin + tokenBins.length) {
            long needed = bin - firstBin + 1;
            long size = Math.min(MAX_BINS, Math.max(needed, 2L * tokenBins.length));
            tokenBins = Arrays.copyOf(tokenBins, (int) size);
        }
    }

    /** Merges pairs of adjacent bins and doubles the bin width. */
    private void coarsen() {
        long newFirst = Math.floorDiv(firstBin, 2);
        long newLast = Math.floorDiv(firstBin + tokenBins.length - 1, 2);
        int[] merged = new int[(int) (newLast - newFirst + 1)];
        for (int i = 0; i < tokenBins.length; i++) {
            merged[(int) (Math.floorDiv(firstBin + i, 2) - newFirst)] += tokenBins[i];
        }
        tokenBins = merged;
        firstBin = newFirst;
        binNanos *= 2;
    }

    /**
     * Returns the most tokens counted in one second, with seconds counted from the first
     * request's start as vLLM does, or {@code NaN} when no token or request was added. A bin
     * belongs to the second in which it starts, so second boundaries are exact to one bin
     * width.
     */
    double peakTokensPerSecond() {
        if (intervals == 0 || tokenBins.length == 0) {
            return Double.NaN;
        }
        // Bins are in time order, so each second's bins are adjacent: one running sum suffices.
        long currentSecond = Long.MIN_VALUE;
        long tokensInSecond = 0;
        long peak = 0;
        for (int i = 0; i < tokenBins.length; i++) {
            if (tokenBins[i] == 0) {
                continue;
            }
            long binStart = originNanos + (firstBin + i) * binNanos;
            // A bin that starts just before the first send contains tokens that arrived after it.
            long second = Math.max(0, Math.floorDiv(binStart - firstStart, SECOND_NANOS));
            if (second != currentSecond) {
                currentSecond = second;
                tokensInSecond = 0;
            }
            tokensInSecond += tokenBins[i];
            peak = Math.max(peak, tokensInSecond);
        }
        return peak;
    }

    /**
     * Returns the most requests in flight at one instant. Intervals are half-open, so a request
     * that ends when another starts does not overlap it.
     */
    long peakConcurrency() {
        long[] sortedStarts = Arrays.copyOf(starts, intervals);
        long[] sortedEnds = Arrays.copyOf(ends, intervals);
        Arrays.sort(sortedStarts);
        Arrays.sort(sortedEnds);

        long current = 0;
        long peak = 0;
        int e = 0;
        for (long start : sortedStarts) {
            while (e < intervals && sortedEnds[e] <= start) {
                current--;
                e++;
            }
            current++;
            peak = Math.max(peak, current);
        }
        return peak;
    }
}
