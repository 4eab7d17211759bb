package io.tokenmark.simulator.truth;

import java.util.Arrays;

/**
 * Collects one request's token-event times while it is served, then publishes them once as a
 * {@link RequestTruth}.
 *
 * <p><b>Threading:</b> not thread-safe; used on the server's event loop only. Recording an event
 * stores into preallocated arrays, which grow by doubling only when a response has more events
 * than expected.
 */
public final class TruthRecorder {
    private final GroundTruth store;
    private final String requestId;
    private final String completionId;
    private final long receivedNanos;
    private final String fault;

    private int promptTokens = -1;
    private long[] eventNanos;
    private int[] eventTokens;
    private int events;
    private int completionTokens;
    private boolean published;

    /**
     * @param store where to publish
     * @param requestId the lookup key
     * @param completionId the response id
     * @param receivedNanos when the request was received
     * @param fault the injected fault, in header syntax
     * @param expectedEvents the number of token events to size the arrays for
     */
    public TruthRecorder(GroundTruth store, String requestId, String completionId,
            long receivedNanos, String fault, int expectedEvents) {
        this.store = store;
        this.requestId = requestId;
        this.completionId = completionId;
        this.receivedNanos = receivedNanos;
        this.fault = fault;
        int size = Math.max(1, Math.min(expectedEvents, 1 << 16));
        this.eventNanos = new long[size];
        this.eventTokens = new int[size];
    }

    public void promptTokens(int promptTokens) {
        this.promptTokens = promptTokens;
    }

    /**
     * Reserves the slot of the next token event and returns its index; the time is set later
     * with {@link #setEventNanos} once the write is flushed.
     */
    public int addEvent(int tokens) {
        if (events == eventNanos.length) {
            eventNanos = Arrays.copyOf(eventNanos, events * 2);
            eventTokens = Arrays.copyOf(eventTokens, events * 2);
        }
        eventTokens[events] = tokens;
        eventNanos[events] = -1;
        completionTokens += tokens;
        return events++;
    }

    /** Sets the flush time of token event {@code index}. */
    public void setEventNanos(int index, long nanos) {
        eventNanos[index] = nanos;
    }

    /** Number of token events recorded. */
    public int events() {
        return events;
    }

    /** Returns whether the truth has been published. */
    public boolean isPublished() {
        return published;
    }

    /**
     * Publishes the truth; later calls do nothing. Events whose flush has not completed yet
     * keep the time {@code -1}.
     */
    public void publish(RequestTruth.Outcome outcome, long endNanos) {
        if (published) {
            return;
        }
        published = true;
        store.publish(new RequestTruth(requestId, completionId, receivedNanos, promptTokens,
                completionTokens, Arrays.copyOf(eventNanos, events),
                Arrays.copyOf(eventTokens, events), outcome, fault, endNanos));
    }
}
