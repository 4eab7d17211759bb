package io.tokenmark.simulator.truth;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the simulator did for one request, with the server's own times, for comparing a
 * client's measurements with the truth.
 *
 * <p>Times are {@code System.nanoTime()} values of the simulator's JVM; they are comparable with
 * a client's times only when the client runs in the same JVM (the embedded simulator). A token
 * event's time is taken right after the write that carried it was flushed to the socket, that
 * is, when the kernel accepted the bytes. When the socket buffer was full, it is the later moment
 * at which the last byte was accepted. For the {@code trickle} fault it is when the event's last byte was
 * written. A non-streamed response has one event: the whole body.
 *
 * <p><b>Caveat:</b> the time stamp is taken after the flush returns, so a client on another core
 * can read the bytes a few microseconds before it, and longer when the server thread is
 * descheduled. Compare a client's times with these within a tolerance, not as an upper bound.
 *
 * <p>Immutable and thread-safe.
 *
 * @param requestId the {@code X-Request-Id} request header, or the completion id when absent
 * @param completionId the response's {@code id}, such as {@code chatcmpl-1f}
 * @param receivedNanos when the whole request had been read and decoded
 * @param promptTokens the reported {@code usage.prompt_tokens}, or {@code -1} if the request
 *     was rejected before counting
 * @param completionTokens tokens sent in token events (or in the body)
 * @param tokenEventNanos flush time of each token event, in stream order
 * @param tokensPerEvent tokens carried by each token event
 * @param outcome how the request ended
 * @param fault the injected fault in {@code X-TokenMark-Fault} syntax, or {@code none}
 * @param endNanos when the simulator finished with the request: the last write, the fault, or
 *     the client's disconnect
 */
public record RequestTruth(String requestId, String completionId, long receivedNanos,
        int promptTokens, int completionTokens, long[] tokenEventNanos, int[] tokensPerEvent,
        Outcome outcome, String fault, long endNanos) {

    /** The end state of a request, from the server's side. */
    public enum Outcome {
        /** Every token, the usage chunk if asked for, and {@code [DONE]} were sent. */
        COMPLETED,
        /** An injected fault ended or corrupted the response. */
        FAULT_INJECTED,
        /** The client closed the connection before the response was complete. */
        CLIENT_CLOSED,
        /** The request was invalid and got a 4xx response. */
        REJECTED,
        /** The server was closed while the request was in progress. */
        SERVER_CLOSED
    }

    public RequestTruth {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(outcome, "outcome");
        tokenEventNanos = tokenEventNanos.clone();
        tokensPerEvent = tokensPerEvent.clone();
        if (tokenEventNanos.length != tokensPerEvent.length) {
            throw new IllegalArgumentException("tokenEventNanos has " + tokenEventNanos.length
                    + " entries but tokensPerEvent has " + tokensPerEvent.length);
        }
    }

    /** Returns a copy of the flush times of the token events. */
    @Override
    public long[] tokenEventNanos() {
        return tokenEventNanos.clone();
    }

    /** Returns a copy of the tokens carried by each token event. */
    @Override
    public int[] tokensPerEvent() {
        return tokensPerEvent.clone();
    }

    /** Number of token events. */
    public int tokenEvents() {
        return tokenEventNanos.length;
    }

    /** Flush time of token event {@code i}, from 0. */
    public long tokenEventNanos(int i) {
        return tokenEventNanos[i];
    }

    /** Server-side time to first token: first token event − received, or {@code -1}. */
    public long ttftNanos() {
        return tokenEventNanos.length == 0 ? -1 : tokenEventNanos[0] - receivedNanos;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RequestTruth that
                && requestId.equals(that.requestId)
                && Objects.equals(completionId, that.completionId)
                && receivedNanos == that.receivedNanos
                && promptTokens == that.promptTokens
                && completionTokens == that.completionTokens
                && Arrays.equals(tokenEventNanos, that.tokenEventNanos)
                && Arrays.equals(tokensPerEvent, that.tokensPerEvent)
                && outcome == that.outcome
                && Objects.equals(fault, that.fault)
                && endNanos == that.endNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, completionId, receivedNanos, outcome)
                + 31 * Arrays.hashCode(tokenEventNanos);
    }

    @Override
    public String toString() {
        return "RequestTruth[" + requestId + ", " + outcome + ", fault=" + fault
                + ", tokenEvents=" + tokenEventNanos.length + ", completionTokens="
                + completionTokens + ", ttftNanos=" + ttftNanos() + "]";
    }
}
