package io.tokenmark.core.metric;

import io.tokenmark.core.client.ErrorKind;

/**
 * Builds {@link RequestRecord}s with chosen TTFT, TPOT and token counts for metric tests. Times
 * are given in milliseconds after {@link #ORIGIN_NANOS}, which stands for the run start.
 */
public final class Requests {
    public static final long ORIGIN_NANOS = 5_000_000_000L;

    private Requests() {
    }

    public static long at(double millis) {
        return ORIGIN_NANOS + Math.round(millis * 1e6);
    }

    /**
     * A successful request sent (and scheduled) at {@code sendMillis} whose {@code outputTokens}
     * tokens arrive one per event, the first after {@code ttftMillis} and then every
     * {@code tpotMillis}; the stream ends {@code tailMillis} after the last token.
     */
    public static RequestRecord.Builder success(long id, double sendMillis, double ttftMillis,
            double tpotMillis, int outputTokens, int inputTokens, double tailMillis) {
        long[] events = new long[outputTokens];
        for (int i = 0; i < outputTokens; i++) {
            events[i] = at(sendMillis + ttftMillis + i * tpotMillis);
        }
        long last = outputTokens == 0 ? -1 : events[outputTokens - 1];
        return RequestRecord.builder()
                .requestId(id)
                .scheduledNanos(at(sendMillis))
                .dispatchNanos(at(sendMillis))
                .sendNanos(at(sendMillis))
                .httpStatus(200)
                .firstTokenNanos(outputTokens == 0 ? -1 : events[0])
                .firstTokenEventIndex(outputTokens == 0 ? -1 : 1)
                .firstAnswerNanos(outputTokens == 0 ? -1 : events[0])
                .lastTokenNanos(last)
                .endNanos(outputTokens == 0 ? at(sendMillis + ttftMillis)
                        : last + Math.round(tailMillis * 1e6))
                .tokenEventNanos(events)
                .inputTokens(inputTokens, TokenCountSource.USAGE)
                .outputTokens(outputTokens, TokenCountSource.USAGE)
                .finishReason("length");
    }

    /** A request that failed with {@code kind} at {@code endMillis}, without any token. */
    public static RequestRecord.Builder failure(long id, double sendMillis, double endMillis,
            ErrorKind kind, int httpStatus) {
        return RequestRecord.builder()
                .requestId(id)
                .scheduledNanos(at(sendMillis))
                .dispatchNanos(at(sendMillis))
                .sendNanos(at(sendMillis))
                .httpStatus(httpStatus)
                .endNanos(at(endMillis))
                .error(kind, kind.label(httpStatus) + " from the test server", null);
    }
}
