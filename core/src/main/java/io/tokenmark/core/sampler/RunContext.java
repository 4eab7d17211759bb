package io.tokenmark.core.sampler;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The state that the load points of one run share: the run id, the seed of every arrival schedule, and the
 * request id counter that keeps ids unique across the run's points.
 *
 * <p>Points of one run execute one at a time: {@link PointExecution#start()} throws
 * {@link IllegalStateException} while another point of the same run is still running. Each point
 * takes a block of consecutive request ids starting at {@link #nextRequestId()}: request
 * {@code k} of the point (warm-up included, counted from 0) gets id {@code first + k}, so ids
 * follow the order in which the point claimed its workload sequence numbers.
 *
 * <p>Thread-safe.
 */
public final class RunContext {
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String runId;
    private final long seed;
    private long nextRequestId;
    private String runningPoint;

    private RunContext(String runId, long seed, long firstRequestId) {
        this.runId = runId;
        this.seed = seed;
        this.nextRequestId = firstRequestId;
    }

    /**
     * Creates a context whose request ids start at 0.
     *
     * @param runId a short id of 1 to 64 letters, digits, {@code .}, {@code _} or {@code -},
     *     sent in every {@code X-Request-Id} header
     * @param seed seed of every arrival schedule in the run
     * @throws IllegalArgumentException if the run id is empty, too long or has other characters
     */
    public static RunContext create(String runId, long seed) {
        return resume(runId, seed, 0);
    }

    /**
     * Creates a context whose request ids start at {@code firstRequestId}, to continue a run whose
     * earlier points used lower ids.
     *
     * @throws IllegalArgumentException if the run id is invalid or {@code firstRequestId < 0}
     */
    public static RunContext resume(String runId, long seed, long firstRequestId) {
        Objects.requireNonNull(runId, "runId");
        if (!RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("invalid run id '" + runId
                    + "': use 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (firstRequestId < 0) {
            throw new IllegalArgumentException(
                    "invalid first request id " + firstRequestId + ": must be at least 0");
        }
        return new RunContext(runId, seed, firstRequestId);
    }

    public String runId() {
        return runId;
    }

    /** Returns the seed of every arrival schedule in the run; each point's schedule uses it. */
    public long seed() {
        return seed;
    }

    /** Returns the id the next point's first request gets. */
    public synchronized long nextRequestId() {
        return nextRequestId;
    }

    /**
     * Returns the {@code X-Request-Id} header value of a request:
     * {@code tm-<run id>-<request id>}.
     */
    public String headerRequestId(long requestId) {
        return "tm-" + runId + "-" + requestId;
    }

    /** Marks a point as running and returns its first request id. */
    synchronized long beginPoint(String label) {
        if (runningPoint != null) {
            throw new IllegalStateException("cannot start point " + label + " of run " + runId
                    + ": point " + runningPoint + " is still running; await it first");
        }
        runningPoint = label;
        return nextRequestId;
    }

    /** Marks the running point as finished after it used {@code requestIds} ids. */
    synchronized void endPoint(long requestIds) {
        nextRequestId += requestIds;
        runningPoint = null;
    }

    @Override
    public String toString() {
        return "RunContext[" + runId + ", seed " + seed + "]";
    }
}
