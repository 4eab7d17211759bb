package io.tokenmark.core.sampler;

/**
 * Decides when a {@link PointExecution} dispatches its requests. The execution owns accounting,
 * records and stopping; a sampler only calls {@link PointExecution#dispatch} at the right moments.
 */
interface Sampler {
    /**
     * Begins dispatching, on the thread that called {@link PointExecution#start()}. The sampler
     * must call {@link PointExecution#releaseStartReservation()} exactly once, when it will
     * dispatch nothing more except from {@link #requestEnded}.
     *
     * @param startNanos the point's start, {@code System.nanoTime()}
     */
    void start(long startNanos);

    /**
     * Called once per ended request, after its record reached the sink, on the thread that ended
     * it (usually an I/O thread). Must not block.
     *
     * @param freedAtNanos when the request ended, at most the current {@code System.nanoTime()}
     */
    void requestEnded(long freedAtNanos);

    /** Wakes a waiting dispatcher so that it stops dispatching; called from any thread. */
    void stopDispatching();

    /**
     * Returns whether the sampler dispatched all the load the point planned: every request of a
     * count-bounded point, or load until the end of a duration-bounded point's window.
     */
    boolean dispatchedAll();
}
