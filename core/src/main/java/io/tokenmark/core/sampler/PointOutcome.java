package io.tokenmark.core.sampler;

/** How a {@link PointExecution} ended. */
public enum PointOutcome {
    /** The point sent its planned requests (or ran its duration) and every one of them ended. */
    COMPLETED,
    /**
     * {@link PointExecution#stop} ended the point early. Its records are valid but cover less
     * load than planned, so reports should mark the point incomplete.
     */
    STOPPED,
    /**
     * The workload or the client threw while a request was being dispatched (for example a
     * client that was already closed), so dispatching stopped; see
     * {@link PointExecution#failure()}.
     */
    FAILED
}
