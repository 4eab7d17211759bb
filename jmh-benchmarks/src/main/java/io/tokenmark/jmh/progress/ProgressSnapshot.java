package io.tokenmark.jmh.progress;

/**
 * The live state of one sweep point, as the progress line shows it. Counts of measured requests
 * leave warm-up requests out.
 *
 * @param point the point's label, such as {@code c10}
 * @param warmupDone warm-up requests that ended
 * @param warmupTotal warm-up requests of the point, 0 for none
 * @param done measured requests that ended, failed ones included
 * @param total measured requests of the point, or 0 when a duration ends it
 * @param inFlight requests sent whose response has not ended, warm-up included
 * @param failed measured requests that failed
 * @param requestsPerSecond measured requests ending per second, recently; {@code NaN} when not
 *     yet known
 * @param outputTokensPerSecond output tokens of successful requests ending per second,
 *     recently; {@code NaN} when not yet known
 * @param elapsedNanos time since the point started
 * @param plannedNanos the duration that ends the point, or 0 when a request count ends it
 * @param etaNanos estimated time until the point ends, or -1 when unknown
 */
public record ProgressSnapshot(
        String point,
        long warmupDone,
        long warmupTotal,
        long done,
        long total,
        long inFlight,
        long failed,
        double requestsPerSecond,
        double outputTokensPerSecond,
        long elapsedNanos,
        long plannedNanos,
        long etaNanos) {

    /** Returns whether warm-up requests are still running and no measured one ended. */
    public boolean warmingUp() {
        return warmupDone < warmupTotal && done == 0;
    }
}
