package io.tokenmark.netty.testing;

import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.RequestRecorder;
import io.tokenmark.core.workload.RequestSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StreamListener} for tests: feeds core's {@link RequestRecorder} and checks the
 * listener contract on the way (one thread for all callbacks, {@code onRequestSent} first, exactly
 * one terminal callback, nothing after it). {@link #await} returns the record and fails on any
 * contract violation.
 */
public final class RecordingListener implements StreamListener {
    private final RequestRecorder recorder;
    private final CompletableFuture<RequestRecord> record = new CompletableFuture<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> callbacks = new ArrayList<>();
    private volatile RequestFailure failure;
    private volatile long sendNanos = -1;
    private Thread thread;
    private int terminals;

    public RecordingListener(RequestSpec spec) {
        long now = System.nanoTime();
        this.recorder = new RequestRecorder(0, false, spec, now, now, record::complete);
    }

    /** Waits for the record and fails when it does not arrive in time or the contract broke. */
    public RequestRecord await(long timeoutMillis) throws Exception {
        RequestRecord result = record.get(timeoutMillis, TimeUnit.MILLISECONDS);
        assertContractHeld();
        return result;
    }

    /** Fails if any callback so far broke the listener contract. */
    public void assertContractHeld() {
        synchronized (this) {
            if (!violations.isEmpty()) {
                throw new AssertionError("listener contract broken: " + violations
                        + "; callbacks " + callbacks);
            }
        }
    }

    /** Returns the time passed to {@code onRequestSent}, or {@code -1} before it. */
    public long sendNanos() {
        return sendNanos;
    }

    /** Returns the failure passed to {@code onFailure}, or {@code null}. */
    public RequestFailure failure() {
        return failure;
    }

    /** Names of the callbacks received, in order. */
    public synchronized List<String> callbacks() {
        return new ArrayList<>(callbacks);
    }

    private synchronized void check(String callback, boolean terminal) {
        callbacks.add(callback);
        if (thread == null) {
            thread = Thread.currentThread();
        } else if (thread != Thread.currentThread()) {
            violations.add(callback + " on thread " + Thread.currentThread().getName()
                    + " after earlier callbacks on " + thread.getName());
        }
        if (terminals > 0) {
            violations.add(callback + " after the terminal callback");
        }
        if (terminal) {
            terminals++;
        }
    }

    @Override
    public void onRequestSent(long sendNanos) {
        check("onRequestSent", false);
        if (callbacks().size() != 1) {
            synchronized (this) {
                violations.add("onRequestSent was not the first callback");
            }
        }
        this.sendNanos = sendNanos;
        recorder.onRequestSent(sendNanos);
    }

    @Override
    public void onResponseHeaders(int httpStatus, long arrivalNanos) {
        check("onResponseHeaders", false);
        recorder.onResponseHeaders(httpStatus, arrivalNanos);
    }

    @Override
    public void onTokenEvent(TokenEvent event) {
        check("onTokenEvent", false);
        recorder.onTokenEvent(event);
    }

    @Override
    public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
        check("onUsage", false);
        recorder.onUsage(arrivalNanos, promptTokens, completionTokens);
    }

    @Override
    public void onFinishReason(String finishReason) {
        check("onFinishReason", false);
        recorder.onFinishReason(finishReason);
    }

    @Override
    public void onComplete(long endNanos) {
        check("onComplete", true);
        recorder.onComplete(endNanos);
    }

    @Override
    public void onFailure(RequestFailure failure) {
        check("onFailure", true);
        this.failure = failure;
        recorder.onFailure(failure);
    }
}
