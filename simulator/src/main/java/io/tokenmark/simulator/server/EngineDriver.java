package io.tokenmark.simulator.server;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.tokenmark.simulator.engine.EngineModel;
import io.tokenmark.simulator.engine.Sequence;
import java.util.concurrent.TimeUnit;

/**
 * Drives an {@link EngineModel} in real time on a Netty event loop: engine time is
 * {@code System.nanoTime()}, and one scheduled task wakes the engine at its next event.
 *
 * <p>Every connection of the server is registered on the same event loop, so the engine's
 * listeners write to their channels directly, without hand-offs between threads. On Linux the
 * epoll transport times short waits with a timerfd, precise to microseconds; Java NIO rounds
 * waits up to whole milliseconds. The engines keep their nominal timeline when the timer fires
 * a little late, so these errors delay single events but do not add up.
 *
 * <p><b>Threading:</b> every method must be called on {@code loop}.
 */
final class EngineDriver {
    private final EventExecutor loop;
    private final EngineModel engine;
    private final Runnable tick = this::tick;

    private ScheduledFuture<?> timer;
    private long timerNanos = Long.MAX_VALUE;

    EngineDriver(EventExecutor loop, EngineModel engine) {
        this.loop = loop;
        this.engine = engine;
    }

    /** Submits a sequence that arrives now. */
    void submit(Sequence sequence) {
        engine.submit(sequence, System.nanoTime());
        reschedule();
    }

    /** Removes a sequence; it gets no more tokens. */
    void abort(Sequence sequence) {
        engine.abort(sequence);
    }

    /** Sequences admitted and running, for logs and tests. */
    int runningSequences() {
        return engine.runningSequences();
    }

    /** Sequences waiting for admission. */
    int waitingSequences() {
        return engine.waitingSequences();
    }

    /** Cancels the pending wake-up; called when the server stops. */
    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void tick() {
        timer = null;
        timerNanos = Long.MAX_VALUE;
        engine.advanceTo(System.nanoTime());
        reschedule();
    }

    private void reschedule() {
        long next = engine.nextEventNanos();
        if (next == Long.MAX_VALUE || (timer != null && timerNanos <= next)) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerNanos = next;
        timer = loop.schedule(tick, Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
