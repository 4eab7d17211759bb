package io.tokenmark.jmh.cli;

import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.RequestHandle;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.core.workload.RequestSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request sent before the sweep and left out of every result, as {@code vllm bench serve}
 * sends its initial test prompt. It shows early whether the endpoint responds, and it loads and
 * compiles the client's code, which would otherwise slow the first measured requests of a fresh
 * JVM by tens to hundreds of milliseconds.
 */
final class TestRequest {
    /** Maximum output tokens of the test request, to keep it short. */
    static final int MAX_TOKENS = 256;

    private TestRequest() {
    }

    /**
     * Sends {@code spec} (with at most {@value #MAX_TOKENS} output tokens) and waits for it to
     * end.
     *
     * @param timeout how long to wait before cancelling it
     * @return why it failed, such as {@code http_404: model not found}, or empty when it
     *     succeeded
     * @throws InterruptedException if interrupted while waiting; the request is cancelled
     */
    static Optional<String> send(InferenceClient client, RequestSpec spec, Duration timeout)
            throws InterruptedException {
        RequestSpec shortSpec = spec.maxTokens() > 0 && spec.maxTokens() <= MAX_TOKENS
                ? spec : spec.toBuilder().maxTokens(MAX_TOKENS).minTokens(-1).build();
        CompletableFuture<Optional<String>> outcome = new CompletableFuture<>();
        RequestHandle handle = client.send(null, shortSpec, new Listener(outcome));
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            handle.cancel();
            return Optional.of("no end within " + Flags.formatDuration(timeout));
        } catch (InterruptedException e) {
            handle.cancel();
            throw e;
        } catch (ExecutionException e) {
            return Optional.of(e.getCause().toString());
        }
    }

    /** Completes the outcome on the terminal callback; ignores everything else. */
    private static final class Listener implements StreamListener {
        private final CompletableFuture<Optional<String>> outcome;

        Listener(CompletableFuture<Optional<String>> outcome) {
            this.outcome = outcome;
        }

        @Override
        public void onRequestSent(long sendNanos) {
        }

        @Override
        public void onResponseHeaders(int httpStatus, long arrivalNanos) {
        }

        @Override
        public void onTokenEvent(TokenEvent event) {
        }

        @Override
        public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
        }

        @Override
        public void onFinishReason(String finishReason) {
        }

        @Override
        public void onComplete(long endNanos) {
            outcome.complete(Optional.empty());
        }

        @Override
        public void onFailure(RequestFailure failure) {
            outcome.complete(Optional.of(failure.label() + ": " + failure.message()));
        }
    }
}
