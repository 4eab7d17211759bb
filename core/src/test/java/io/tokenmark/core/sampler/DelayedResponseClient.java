package io.tokenmark.core.sampler;

import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.RequestHandle;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.core.workload.RequestSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * An in-process {@link InferenceClient} for sampler tests: each request streams a few token
 * events and completes after a configurable delay, on one of a few single-thread "I/O" executors.
 *
 * <p>It follows the listener contract: all callbacks of a request run on the same executor
 * thread, in order ({@code onRequestSent}, {@code onResponseHeaders}, token events, usage,
 * finish reason), then exactly one terminal callback. {@code send} never blocks and never calls
 * the listener itself. A cancel ends the request with {@link ErrorKind#CANCELLED} unless it
 * already ended, or unless {@link #ignoreCancel} breaks the contract on purpose.
 *
 * <p>It counts requests in flight as the server would see them: from {@code send} until just
 * before the terminal callback, so a successor sent from that callback does not overlap.
 */
public final class DelayedResponseClient implements InferenceClient {
    static final int TOKENS_PER_RESPONSE = 4;

    private final ScheduledExecutorService[] loops;
    private final LongFunction<Duration> delayBySendIndex;
    private final AtomicLong sendCount = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final List<SentRequest> sent = new ArrayList<>();
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean ignoreCancel;
    private volatile boolean closed;

    /** One request as {@code send} received it. */
    record SentRequest(String requestId, RequestSpec spec, long sendIndex) {
    }

    /**
     * @param delayBySendIndex response time of the n-th request sent, from 0; {@code null} means
     *     the request never ends unless cancelled
     */
    DelayedResponseClient(int ioThreads, LongFunction<Duration> delayBySendIndex) {
        this.delayBySendIndex = delayBySendIndex;
        this.loops = new ScheduledExecutorService[ioThreads];
        for (int i = 0; i < ioThreads; i++) {
            int index = i;
            loops[i] = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "test-io-" + index);
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** Returns a client whose every request takes {@code delay}. */
    public static DelayedResponseClient withDelay(Duration delay) {
        return new DelayedResponseClient(2, index -> delay);
    }

    /** Returns a client whose requests never end unless cancelled. */
    public static DelayedResponseClient neverResponding() {
        return new DelayedResponseClient(2, index -> null);
    }

    /** Makes every later cancel a no-op, breaking the listener contract on purpose. */
    void ignoreCancel() {
        ignoreCancel = true;
    }

    @Override
    public RequestHandle send(String requestId, RequestSpec spec, StreamListener listener) {
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
        long index = sendCount.getAndIncrement();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        synchronized (sent) {
            sent.add(new SentRequest(requestId, spec, index));
        }

        ScheduledExecutorService loop = loops[(int) (index % loops.length)];
        Stream stream = new Stream(listener, loop);
        open.add(stream);
        loop.execute(stream::begin);
        Duration delay = delayBySendIndex.apply(index);
        if (delay != null) {
            stream.completion = loop.schedule(stream::complete, delay.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        return stream;
    }

    /** Returns how many requests {@code send} accepted. */
    long requestsSent() {
        return sendCount.get();
    }

    /** Returns the maximum number of requests that were in flight at once. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Returns the requests in flight now. */
    int inFlight() {
        return inFlight.get();
    }

    /** Returns a copy of every request accepted, in send order. */
    List<SentRequest> sentRequests() {
        synchronized (sent) {
            return new ArrayList<>(sent);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Stream stream : open) {
            stream.cancel();
        }
        for (ScheduledExecutorService loop : loops) {
            loop.shutdown();
        }
        for (ScheduledExecutorService loop : loops) {
            try {
                if (!loop.awaitTermination(5, TimeUnit.SECONDS)) {
                    loop.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                loop.shutdownNow();
            }
        }
    }

    /** One request's stream; every field but {@code completion} is confined to its loop. */
    private final class Stream implements RequestHandle {
        private final StreamListener listener;
        private final ScheduledExecutorService loop;
        private volatile ScheduledFuture<?> completion;
        private boolean ended;

        Stream(StreamListener listener, ScheduledExecutorService loop) {
            this.listener = listener;
            this.loop = loop;
        }

        void begin() {
            long now = System.nanoTime();
            listener.onRequestSent(now);
            listener.onResponseHeaders(200, System.nanoTime());
        }

        void complete() {
            if (ended) {
                return;
            }
            SimpleTokenEvent event = new SimpleTokenEvent();
            for (int i = 0; i < TOKENS_PER_RESPONSE; i++) {
                event.arrivalNanos = System.nanoTime();
                event.eventIndex = i + 1;
                listener.onTokenEvent(event);
            }
            listener.onUsage(System.nanoTime(), 10, TOKENS_PER_RESPONSE);
            listener.onFinishReason("stop");
            end();
            listener.onComplete(System.nanoTime());
        }

        @Override
        public void cancel() {
            try {
                loop.execute(() -> {
                    if (ended || ignoreCancel) {
                        return;
                    }
                    ScheduledFuture<?> pending = completion;
                    if (pending != null) {
                        pending.cancel(false);
                    }
                    end();
                    listener.onFailure(new RequestFailure(ErrorKind.CANCELLED, 0,
                            "cancelled by the caller", null, System.nanoTime()));
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The client is closing; close() has already cancelled every open stream.
            }
        }

        private void end() {
            ended = true;
            open.remove(this);
            inFlight.decrementAndGet();
        }
    }

    /** A reusable token event, valid only during the callback, as the contract allows. */
    private static final class SimpleTokenEvent implements TokenEvent {
        long arrivalNanos;
        int eventIndex;

        @Override
        public long arrivalNanos() {
            return arrivalNanos;
        }

        @Override
        public int eventIndex() {
            return eventIndex;
        }

        @Override
        public boolean hasReasoning() {
            return false;
        }

        @Override
        public boolean hasAnswer() {
            return true;
        }

        @Override
        public int cumulativeCompletionTokens() {
            return -1;
        }

        @Override
        public CharSequence reasoningText() {
            return null;
        }

        @Override
        public CharSequence answerText() {
            return null;
        }
    }
}
