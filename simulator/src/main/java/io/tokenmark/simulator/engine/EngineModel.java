package io.tokenmark.simulator.engine;

/**
 * A timing model of an inference engine, separated from any clock.
 *
 * <p>The model works in <em>engine time</em>: a {@code long} of nanoseconds that the driver
 * chooses. The server drives it with {@code System.nanoTime()} values on a Netty event loop
 * (real time); {@link VirtualClock} drives it with a counter that jumps from one event to the
 * next (virtual time), which is fast and deterministic for calibration and model tests. A
 * driver repeatedly calls {@link #nextEventNanos()} to learn when something will happen and
 * {@link #advanceTo} once that time has come.
 *
 * <p><b>Threading:</b> not thread-safe; one thread calls every method, and listeners run on it.
 */
public interface EngineModel {
    /**
     * Adds a sequence that arrives at {@code nowNanos}. It takes part in steps that start after
     * it arrives (plus the profile's admission delay).
     *
     * @throws IllegalStateException if the sequence was submitted before
     */
    void submit(Sequence sequence, long nowNanos);

    /**
     * Removes a sequence that has not finished, for example because its client disconnected.
     * It frees its batch slot and KV-cache space and receives no further tokens. Does nothing
     * for a finished or aborted sequence.
     */
    void abort(Sequence sequence);

    /**
     * Returns the engine time of the next moment at which {@link #advanceTo} has work to do,
     * or {@link Long#MAX_VALUE} when the engine is idle.
     */
    long nextEventNanos();

    /**
     * Runs the engine up to {@code nowNanos}: completes every step that ends at or before it,
     * delivering tokens to the sequences' listeners, and starts the next step when there is
     * work.
     */
    void advanceTo(long nowNanos);

    /** Sequences admitted and not yet finished or aborted. */
    int runningSequences();

    /** Sequences submitted and not yet admitted. */
    int waitingSequences();
}
