package io.tokenmark.jmh.perf;

import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link StreamListener} that keeps the arrival time of each token event of one request, in
 * stream order, and counts down a latch when the request ends.
 *
 * <p>Callbacks run on one client I/O thread; read the results after the latch reached zero,
 * which makes them visible to the reading thread.
 */
final class TokenArrivals implements StreamListener {
    private final CountDownLatch ended;
    private long[] arrivals;
    private int count;
    private volatile String failure;

    /**
     * @param expectedEvents the number of token events to size the array for; it grows when more
     *     arrive
     * @param ended counted down once when the request completes or fails
     */
    TokenArrivals(int expectedEvents, CountDownLatch ended) {
        this.arrivals = new long[Math.max(1, expectedEvents)];
        this.ended = ended;
    }

    @Override
    public void onRequestSent(long sendNanos) {
    }

    @Override
    public void onResponseHeaders(int httpStatus, long arrivalNanos) {
    }

    @Override
    public void onTokenEvent(TokenEvent event) {
        if (count == arrivals.length) {
            arrivals = Arrays.copyOf(arrivals, count * 2);
        }
        arrivals[count++] = event.arrivalNanos();
    }

    @Override
    public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
    }

    @Override
    public void onFinishReason(String finishReason) {
    }

    @Override
    public void onComplete(long endNanos) {
        ended.countDown();
    }

    @Override
    public void onFailure(RequestFailure failure) {
        this.failure = failure.label() + ": " + failure.message();
        ended.countDown();
    }

    /** Returns the number of token events received. */
    int count() {
        return count;
    }

    /** Returns the arrival time of token event {@code i}, from 0, in {@code System.nanoTime()}. */
    long arrivalNanos(int i) {
        return arrivals[i];
    }

    /** Returns the failure label and message, or {@code null} when the request completed. */
    String failure() {
        return failure;
    }
}
