package io.tokenmark.core.sampler;

/** The end state of a {@link PointExecution}. */
public enum PointOutcome {
    /** The point sent its planned requests (or ran its duration) and every one of them ended. */
    COMPLETED,
    /**
     * {@link PointExecution#stop} ended the point early: it kept planned requests from being
     * dispatched or cancelled requests in flight. The records are valid but cover less load than
     * planned, so reports should mark the point incomplete. A stop that came after the last
     * dispatch and let every request finish within the grace period leaves the point
     * {@link #COMPLETED}.
     */
    STOPPED,
    /**
     * The workload or the client threw while a request was being dispatched (for example a
     * client that was already closed), so dispatching stopped; see
     * {@link PointExecution#failure()}.
     */
    FAILED
}
