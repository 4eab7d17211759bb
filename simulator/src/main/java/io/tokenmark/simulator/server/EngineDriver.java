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
 * epoll transport times short waits (below 10 ms by default) with a timerfd, precise to
 * microseconds, and longer ones in whole milliseconds. So the driver wakes 1 ms before a long
 * wait ends and waits the rest precisely. Java NIO rounds every wait to whole milliseconds. The
 * engines keep their nominal timeline when the timer fires late, so these errors delay single
 * events but do not add up.
 *
 * <p><b>Threading:</b> every method must be called on {@code loop}.
 */
final class EngineDriver {
    /** The last part of a wait left to the precise timer. */
    private static final long PRECISE_WAIT_NANOS = 1_000_000;

    private final EventExecutor loop;
    private final EngineModel engine;
    private final Runnable tick = this::tick;

    private ScheduledFuture<?> timer;
    private long timerNanos = Long.MAX_VALUE;
    private long lastArrivalNanos = Long.MIN_VALUE;

    EngineDriver(EventExecutor loop, EngineModel engine) {
        this.loop = loop;
        this.engine = engine;
    }

    /**
     * Submits a sequence that arrived at {@code arrivalNanos}, a {@code System.nanoTime()} value
     * no later than now. Arrival times are kept in submission order: one earlier than the last
     * submitted counts as equal to it.
     */
    void submit(Sequence sequence, long arrivalNanos) {
        lastArrivalNanos = Math.max(lastArrivalNanos, arrivalNanos);
        engine.submit(sequence, lastArrivalNanos);
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
        long delay = next - System.nanoTime();
        // epoll_wait and NIO's select round a long wait to whole milliseconds. So the timer
        // fires 1 ms early, and the short remainder runs on the precise timerfd.
        if (delay > PRECISE_WAIT_NANOS) {
            delay -= PRECISE_WAIT_NANOS;
            timerNanos = next - PRECISE_WAIT_NANOS;
        }
        timer = loop.schedule(tick, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }
}
