package io.tokenmark.jmh.perf;

import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.client.IoThreadUsage;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.RequestHandle;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.core.workload.RequestSpec;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps an {@link InferenceClient} and counts the streams open now: requests whose response
 * headers arrived and that have not ended. Requests waiting for a connection or for their
 * headers do not count, so the count is the number of concurrent streams a server serves.
 *
 * <p>Passes {@link IoThreadUsage} through when the wrapped client implements it, so a run's
 * busy share is still measured. Thread-safe.
 */
final class StreamCountingClient implements InferenceClient, IoThreadUsage {
    private final InferenceClient client;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    StreamCountingClient(InferenceClient client) {
        this.client = client;
    }

    /** Returns the number of streams open now. */
    int openStreams() {
        return open.get();
    }

    /** Returns the most streams that were open at once. */
    int peakOpenStreams() {
        return peak.get();
    }

    @Override
    public RequestHandle send(String requestId, RequestSpec spec, StreamListener listener) {
        return client.send(requestId, spec, new Counting(listener));
    }

    @Override
    public long busyNanos() {
        return client instanceof IoThreadUsage usage ? usage.busyNanos() : 0;
    }

    @Override
    public int ioThreads() {
        return client instanceof IoThreadUsage usage ? usage.ioThreads() : 0;
    }

    @Override
    public void close() {
        client.close();
    }

    /** Forwards every callback and counts the stream from its headers to its end. */
    private final class Counting implements StreamListener {
        private final StreamListener listener;
        private boolean counted;

        Counting(StreamListener listener) {
            this.listener = listener;
        }

        @Override
        public void onRequestSent(long sendNanos) {
            listener.onRequestSent(sendNanos);
        }

        @Override
        public void onResponseHeaders(int httpStatus, long arrivalNanos) {
            if (!counted) {
                counted = true;
                peak.accumulateAndGet(open.incrementAndGet(), Math::max);
            }
            listener.onResponseHeaders(httpStatus, arrivalNanos);
        }

        @Override
        public void onTokenEvent(TokenEvent event) {
            listener.onTokenEvent(event);
        }

        @Override
        public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
            listener.onUsage(arrivalNanos, promptTokens, completionTokens);
        }

        @Override
        public void onFinishReason(String finishReason) {
            listener.onFinishReason(finishReason);
        }

        @Override
        public void onComplete(long endNanos) {
            ended();
            listener.onComplete(endNanos);
        }

        @Override
        public void onFailure(RequestFailure failure) {
            ended();
            listener.onFailure(failure);
        }

        private void ended() {
            if (counted) {
                counted = false;
                open.decrementAndGet();
            }
        }
    }
}
