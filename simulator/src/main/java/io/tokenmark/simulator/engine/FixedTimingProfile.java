package io.tokenmark.simulator.engine;

import java.util.Locale;
import java.util.Objects;

/**
 * A profile in which every request gets the same timing, whatever the load: its first token
 * {@code ttftNanos} after it arrives, then one token event every {@code itlNanos}.
 *
 * <p>There is no batching, no queue and no limit on concurrent requests, so measured latencies
 * should equal the configured ones; the differences are the client's and the network's share.
 * This makes it the profile for checking a client's timing, not for modelling a server.
 *
 * <p>Immutable and thread-safe.
 */
public final class FixedTimingProfile implements EngineProfile {
    private final String name;
    private final long ttftNanos;
    private final long itlNanos;
    private final int maxModelTokens;

    /**
     * @param name the profile name
     * @param ttftNanos time from a request's arrival to its first token, at least 0
     * @param itlNanos time between consecutive token events, at least 0
     * @param maxModelTokens the context length in tokens, at least 2
     * @throws IllegalArgumentException naming an out-of-range value
     */
    public FixedTimingProfile(String name, long ttftNanos, long itlNanos, int maxModelTokens) {
        this.name = Objects.requireNonNull(name, "name");
        if (ttftNanos < 0) {
            throw new IllegalArgumentException(
                    "invalid time to first token " + ttftNanos + " ns: must be at least 0");
        }
        if (itlNanos < 0) {
            throw new IllegalArgumentException(
                    "invalid time between tokens " + itlNanos + " ns: must be at least 0");
        }
        if (maxModelTokens < 2) {
            throw new IllegalArgumentException(
                    "invalid context length " + maxModelTokens + " tokens: must be at least 2");
        }
        this.ttftNanos = ttftNanos;
        this.itlNanos = itlNanos;
        this.maxModelTokens = maxModelTokens;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT,
                "fixed timing: first token after %.3f ms, then one token event every %.3f ms,"
                        + " no batching or queueing", ttftNanos / 1e6, itlNanos / 1e6);
    }

    @Override
    public int maxModelTokens() {
        return maxModelTokens;
    }

    /** Time from arrival to the first token, in nanoseconds. */
    public long ttftNanos() {
        return ttftNanos;
    }

    /** Time between token events, in nanoseconds. */
    public long itlNanos() {
        return itlNanos;
    }

    @Override
    public EngineModel newEngine(double timeScale, int tokensPerStep, long seed) {
        EngineProfile.checkEngineArguments(timeScale, tokensPerStep);
        return new FixedTimingEngine(Math.round(ttftNanos * timeScale),
                Math.round(itlNanos * timeScale), tokensPerStep);
    }

    @Override
    public String toString() {
        return "FixedTimingProfile[" + name + ": " + description() + "]";
    }
}
