package io.tokenmark.core.metric;

import java.util.Arrays;

/**
 * Output tokens over time and request intervals of one sweep point, for the peak output-token
 * rate and the peak concurrency that {@code vllm bench serve} reports.
 *
 * <p>Token arrivals are counted in bins of {@value #BIN_NANOS} ns, which bounds memory to a few
 * hundred kilobytes per hour of run; request intervals are kept as two {@code long}s each, so
 * that the peak concurrency is exact. Not thread-safe: {@link MetricsRecorder} calls it under
 * its lock.
 */
final class ActivityTimeline {
    /** Width of a token bin: 10 ms. */
    static final long BIN_NANOS = 10_000_000L;
    private static final long SECOND_NANOS = 1_000_000_000L;

    private final long originNanos;

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
        long bin = Math.floorDiv(arrivalNanos - originNanos, BIN_NANOS);
        ensureBin(bin);
        tokenBins[(int) (bin - firstBin)] += tokens;
    }

    private void ensureBin(long bin) {
        if (tokenBins.length == 0) {
            tokenBins = new int[64];
            firstBin = bin;
            return;
        }
        if (bin < firstBin) {
            int grow = (int) Math.max(firstBin - bin, tokenBins.length);
            int[] grown = new int[tokenBins.length + grow];
            System.arraycopy(tokenBins, 0, grown, grow, tokenBins.length);
            tokenBins = grown;
            firstBin -= grow;
        } else if (bin >= firstBin + tokenBins.length) {
            long needed = bin - firstBin + 1;
            tokenBins = Arrays.copyOf(tokenBins, (int) Math.max(needed, 2L * tokenBins.length));
        }
    }

    /**
     * Returns the most tokens counted in one second, with seconds counted from the first
     * request's start as vLLM does, or {@code NaN} when no token or request was added. A bin
     * belongs to the second in which it starts, so second boundaries are exact to one bin.
     */
    double peakTokensPerSecond() {
        if (intervals == 0 || tokenBins.length == 0) {
            return Double.NaN;
        }
        long lastBinStart = originNanos + (firstBin + tokenBins.length - 1) * BIN_NANOS;
        int seconds = (int) Math.max(1, Math.floorDiv(lastBinStart - firstStart, SECOND_NANOS) + 1);
        long[] perSecond = new long[seconds];
        for (int i = 0; i < tokenBins.length; i++) {
            if (tokenBins[i] == 0) {
                continue;
            }
            long binStart = originNanos + (firstBin + i) * BIN_NANOS;
            // A bin that starts just before the first send holds tokens that arrived after it.
            int second = (int) Math.max(0, Math.floorDiv(binStart - firstStart, SECOND_NANOS));
            perSecond[second] += tokenBins[i];
        }
        return Arrays.stream(perSecond).max().orElse(0);
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
