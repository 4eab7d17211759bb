package io.tokenmark.simulator.truth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's record of what it did for recent requests, looked up by request id: the
 * {@code X-Request-Id} request header when present, else the response's completion id.
 *
 * <p>A request's {@link RequestTruth} is published when the simulator is done with it: once the
 * last token event of a stream has been flushed and before {@code [DONE]} is written, once the
 * body of a non-streamed response has been flushed, when a fault ends the response, or when the
 * client disconnects. Requests still in progress are not visible. A client on another thread
 * may finish reading a response a moment before its truth is published, so tests should look
 * it up with {@link #await}.
 *
 * <p><b>Memory:</b> at most {@code capacity} requests are kept; publishing one more evicts the
 * oldest published. Each entry uses 12 bytes per token event, so the default capacity of 4,096
 * with 1,024-token streams takes about 50 MB. A capacity of 0 keeps nothing. A request id that is
 * used twice keeps only the later request.
 *
 * <p><b>Threading:</b> thread-safe. The server publishes from its event loop; any thread may
 * read.
 */
public final class GroundTruth {
    /** Default number of requests kept. */
    public static final int DEFAULT_CAPACITY = 4096;

    private final int capacity;
    private final Map<String, RequestTruth> entries;
    private long published;

    /**
     * @param capacity the number of requests kept, at least 0
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public GroundTruth(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException(
                    "invalid ground-truth capacity " + capacity + ": must be at least 0");
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RequestTruth> eldest) {
                return size() > GroundTruth.this.capacity;
            }
        };
    }

    /** Returns the maximum number of requests kept. */
    public int capacity() {
        return capacity;
    }

    /** Returns the truth of a request, or empty when it is unknown, unfinished or evicted. */
    public synchronized Optional<RequestTruth> get(String requestId) {
        return Optional.ofNullable(entries.get(requestId));
    }

    /**
     * Waits until the truth of a request is published.
     *
     * @return the truth, or empty if it did not appear within {@code timeout}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public synchronized Optional<RequestTruth> await(String requestId, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RequestTruth truth;
        while ((truth = entries.get(requestId)) == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return Optional.of(truth);
    }

    /** Returns the number of requests currently kept. */
    public synchronized int size() {
        return entries.size();
    }

    /** Returns the number of requests published since the simulator started, evicted included. */
    public synchronized long publishedCount() {
        return published;
    }

    /** Stores a request's truth, evicting the oldest entry when full. */
    public synchronized void publish(RequestTruth truth) {
        published++;
        if (capacity > 0) {
            entries.put(truth.requestId(), truth);
        }
        notifyAll();
    }
}
