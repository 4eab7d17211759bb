package io.tokenmark.core.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the client, not the server, limited a sweep point. A client that sends late or whose
 * I/O threads are saturated shows the server less load than requested and adds its own delay to
 * every latency, so such a point is flagged {@link #clientBound()}.
 *
 * <p>The schedule-lag distribution itself is {@link Summary#distribution(Metric)} of
 * {@link Metric#SCHEDULE_LAG}.
 *
 * @param requestedRatePerSecond the open-loop rate asked for, or {@code NaN} for a closed loop or
 *     an infinite rate
 * @param achievedRatePerSecond (measured requests − 1) / (last send − first send), or
 *     {@code NaN} below two requests
 * @param eventLoopBusyShare share of time the client's I/O threads were busy, from 0 to 1, or
 *     {@code NaN} when not measured
 * @param clientBound whether a threshold was passed
 * @param clientBoundReasons one sentence per passed threshold
 */
public record ClientHealth(
        double requestedRatePerSecond,
        double achievedRatePerSecond,
        double eventLoopBusyShare,
        boolean clientBound,
        List<String> clientBoundReasons) {

    /**
     * Schedule lag p99 above which a point is client-bound, in milliseconds. A healthy client
     * sends within well under a millisecond of the schedule. 10 ms is ten times that budget and
     * already a few percent of a typical TTFT (hundreds of milliseconds). Beyond it, the
     * client's own delay is a visible part of the reported latencies and of the load the server
     * saw.
     */
    public static final double SCHEDULE_LAG_P99_LIMIT_MILLIS = 10.0;

    /**
     * I/O-thread busy share above which a point is client-bound. In a single-server queue that
     * is busy a share ρ of the time, a new arrival waits in proportion to ρ / (1 − ρ). At 0.8
     * that is four times the time to handle one read, so arrival timestamps start to lag the
     * network.
     */
    public static final double EVENT_LOOP_BUSY_SHARE_LIMIT = 0.8;

    public ClientHealth {
        clientBoundReasons = List.copyOf(clientBoundReasons);
    }

    /**
     * Judges a point against the thresholds.
     *
     * @param scheduleLag schedule-lag distribution in nanoseconds
     * @param requestedRatePerSecond the open-loop rate, or {@code NaN}
     * @param achievedRatePerSecond the achieved send rate, or {@code NaN}
     * @param eventLoopBusyShare the busy share, or {@code NaN}
     */
    public static ClientHealth assess(Distribution scheduleLag, double requestedRatePerSecond,
            double achievedRatePerSecond, double eventLoopBusyShare) {
        List<String> reasons = new ArrayList<>();

        double lagP99Millis = scheduleLag.percentile(99) / 1e6;
        if (lagP99Millis > SCHEDULE_LAG_P99_LIMIT_MILLIS) {
            reasons.add(String.format(Locale.ROOT,
                    "schedule lag p99 %.1f ms exceeds %.0f ms: requests left the client late, so"
                            + " the server saw less load than requested",
                    lagP99Millis, SCHEDULE_LAG_P99_LIMIT_MILLIS));
        }
        if (eventLoopBusyShare > EVENT_LOOP_BUSY_SHARE_LIMIT) {
            reasons.add(String.format(Locale.ROOT,
                    "event-loop busy share %.2f exceeds %.2f: reads waited in the client,"
                            + " which inflates TTFT and ITL",
                    eventLoopBusyShare, EVENT_LOOP_BUSY_SHARE_LIMIT));
        }
        return new ClientHealth(requestedRatePerSecond, achievedRatePerSecond, eventLoopBusyShare,
                !reasons.isEmpty(), reasons);
    }
}
