package io.tokenmark.core.client;

/**
 * Implemented by an {@link InferenceClient} that can tell how busy its I/O threads are, so a run
 * can report when the client, not the server, limits the measurement.
 *
 * <p>The busy share over a window is {@code Δ busyNanos() / (Δ wall time × ioThreads())}.
 *
 * <p><b>Threading:</b> both methods may be called from any thread at any time and never block.
 */
public interface IoThreadUsage {
    /**
     * Returns the nanoseconds the client's I/O threads have spent handling I/O events since the
     * client started, summed over all threads. Monotonic.
     */
    long busyNanos();

    /** Returns the number of I/O threads whose time {@link #busyNanos()} sums. */
    int ioThreads();
}
