package io.tokenmark.simulator.engine;

import java.util.Objects;

/**
 * Runs an {@link EngineModel} in virtual time: the clock jumps straight to the engine's next
 * event, so an hour of simulated serving takes milliseconds and every run with the same inputs
 * gives the same times.
 *
 * <p>Listeners may call {@link #submit} while the clock runs, for example to send a closed-loop
 * client's next request when its previous one finishes; the new sequence arrives at the current
 * virtual time.
 *
 * <p><b>Threading:</b> not thread-safe; use one thread.
 */
public final class VirtualClock {
    private final EngineModel engine;
    private long nowNanos;

    /**
     * @param engine the engine to drive; nothing else may drive it
     * @param startNanos the virtual time to start at
     */
    public VirtualClock(EngineModel engine, long startNanos) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.nowNanos = startNanos;
    }

    /** Returns the current virtual time in nanoseconds. */
    public long nowNanos() {
        return nowNanos;
    }

    /** Submits a sequence that arrives now. */
    public void submit(Sequence sequence) {
        engine.submit(sequence, nowNanos);
    }

    /**
     * Advances the clock from event to event until the engine is idle.
     *
     * @return the virtual time of the last event
     */
    public long runUntilIdle() {
        long next;
        while ((next = engine.nextEventNanos()) != Long.MAX_VALUE) {
            nowNanos = Math.max(nowNanos, next);
            engine.advanceTo(nowNanos);
        }
        return nowNanos;
    }

    /**
     * Advances the clock from event to event up to {@code endNanos}, or until the engine is
     * idle, and then sets it to {@code endNanos} if that is later.
     */
    public void runUntil(long endNanos) {
        long next;
        while ((next = engine.nextEventNanos()) <= endNanos) {
            nowNanos = Math.max(nowNanos, next);
            engine.advanceTo(nowNanos);
        }
        nowNanos = Math.max(nowNanos, endNanos);
    }
}
