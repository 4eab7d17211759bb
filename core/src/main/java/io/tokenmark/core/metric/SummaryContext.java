package io.tokenmark.core.metric;

import java.util.Objects;

/**
 * What the harness observed about a sweep point beyond its requests, passed to
 * {@link MetricsRecorder#summarize(SummaryContext)}. Immutable; start with {@link #of} and
 * change one value at a time with the {@code with…} methods.
 *
 * @param load the load the point applied
 * @param complete {@code false} when the point was stopped before it finished
 * @param eventLoopBusyShare share of time the client's I/O threads were busy, from 0 to 1, or
 *     {@code NaN} when not measured
 * @param targetSharesHost whether the server ran on the client's host, such as the embedded
 *     simulator, so that both competed for the same cores
 */
public record SummaryContext(
        LoadDescription load, boolean complete, double eventLoopBusyShare, boolean targetSharesHost) {

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException if the busy share is outside [0, 1] and not {@code NaN}
     */
    public SummaryContext {
        Objects.requireNonNull(load, "load");
        if (!Double.isNaN(eventLoopBusyShare)
                && !(eventLoopBusyShare >= 0 && eventLoopBusyShare <= 1)) {
            throw new IllegalArgumentException("invalid event-loop busy share "
                    + eventLoopBusyShare + ": must be from 0 to 1, or NaN when not measured");
        }
    }

    /** Returns a context for a finished point on a separate host, without a busy share. */
    public static SummaryContext of(LoadDescription load) {
        return new SummaryContext(load, true, Double.NaN, false);
    }

    public SummaryContext withComplete(boolean isComplete) {
        return new SummaryContext(load, isComplete, eventLoopBusyShare, targetSharesHost);
    }

    public SummaryContext withEventLoopBusyShare(double share) {
        return new SummaryContext(load, complete, share, targetSharesHost);
    }

    public SummaryContext withTargetSharesHost(boolean sharesHost) {
        return new SummaryContext(load, complete, eventLoopBusyShare, sharesHost);
    }
}
