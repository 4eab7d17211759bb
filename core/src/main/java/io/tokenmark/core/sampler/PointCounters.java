package io.tokenmark.core.sampler;

/**
 * A snapshot of a {@link PointExecution}'s progress. Counts of measured requests leave warm-up
 * requests out; those are counted apart.
 *
 * <p>Fields are read one by one while requests may be ending, so a snapshot of a running point
 * can be off by the requests that ended during the read. A snapshot taken after the point
 * finished is exact: {@code dispatched == completed}, {@code warmupDispatched ==
 * warmupCompleted} and {@code inFlight == 0}.
 *
 * @param warmupDispatched warm-up requests handed to the client
 * @param warmupCompleted warm-up requests whose record was delivered
 * @param dispatched measured requests handed to the client
 * @param completed measured requests whose record was delivered, failed ones included
 * @param failed measured requests whose record carries an error kind
 * @param inFlight requests dispatched whose record was not yet delivered, warm-up included
 * @param requestedRatePerSecond the open-loop rate ({@code +Infinity} for all at once), or
 *     {@code NaN} for closed loop
 * @param achievedRatePerSecond measured dispatches per second: {@code (dispatched − 1)} divided
 *     by the time from the first to the last measured dispatch; {@code NaN} before two dispatches
 * @param elapsedNanos time since {@link PointExecution#start()}, up to the point's end once it
 *     finished; 0 before it started
 */
public record PointCounters(
        long warmupDispatched,
        long warmupCompleted,
        long dispatched,
        long completed,
        long failed,
        long inFlight,
        double requestedRatePerSecond,
        double achievedRatePerSecond,
        long elapsedNanos) {
}
