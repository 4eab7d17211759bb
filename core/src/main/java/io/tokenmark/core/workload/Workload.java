package io.tokenmark.core.workload;

/**
 * An ordered, deterministic source of {@link RequestSpec}s: the same workload built with the same
 * seed yields the same specs in the same order, so runs against two deployments send identical
 * requests.
 *
 * <p><b>Threading:</b> {@link #get} may be called concurrently from any thread, including I/O
 * threads, and must not block; implementations prepare their specs before the run starts.
 */
public interface Workload {
    /** Returns a one-line description for reports, such as {@code random: 1024 in, 1024 out}. */
    String description();

    /** Returns the number of distinct specs, at least 1. */
    int size();

    /**
     * Returns the spec for the {@code sequence}-th request of a run, counted from 0. Sequences
     * past {@link #size()} wrap around.
     */
    RequestSpec get(long sequence);
}
