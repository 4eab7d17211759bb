package io.tokenmark.core.sampler;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed loop: N users, each dispatching its next request when its previous one ends.
 *
 * <p>{@link #start} dispatches one request per user on the caller's thread, each scheduled at the
 * point's start. After that, a user's next request is dispatched from the terminal callback of
 * its previous one, on the client's I/O thread, and is scheduled at the moment the previous one
 * ended. Its schedule lag is therefore the client's own delay between a stream's end and the next
 * send. {@code InferenceClient.send} never blocks, so dispatching from the I/O thread is safe.
 *
 * <p>The point stops dispatching when its warm-up and measured request count have been claimed,
 * when its duration has passed since the first measured dispatch, or when it is stopped.
 *
 * <p><b>Re-entrancy:</b> a client may end a request inside {@code send} itself (a request
 * rejected at once, say). Dispatching the successor right there would recurse once per request
 * and could overflow the stack, so a thread already dispatching queues the successor and its
 * outer loop sends it.
 */
final class ClosedLoopSampler implements Sampler {
    private final PointExecution execution;
    private final int users;
    private final int warmupRequests;
    private final long sequenceLimit;
    private final long durationNanos;

    private final AtomicLong nextSequence = new AtomicLong();
    /** End of the measured window; {@code Long.MAX_VALUE} until it opens or without a duration. */
    private volatile long deadlineNanos = Long.MAX_VALUE;
    private volatile boolean windowOpen;

    private final ThreadLocal<PendingDispatches> pending =
            ThreadLocal.withInitial(PendingDispatches::new);

    ClosedLoopSampler(PointExecution execution, LoadPoint point) {
        this.execution = execution;
        this.users = point.users();
        this.warmupRequests = point.warmupRequests();
        this.sequenceLimit = point.boundedByCount()
                ? (long) point.warmupRequests() + point.requests() : Long.MAX_VALUE;
        this.durationNanos = point.boundedByCount() ? 0 : point.duration().toNanos();
    }

    @Override
    public void start(long startNanos) {
        try {
            for (int i = 0; i < users; i++) {
                if (!dispatchNext(startNanos)) {
                    break;
                }
            }
        } catch (RuntimeException | Error e) {
            execution.fail("dispatching the users' first requests threw", e);
            throw e;
        } finally {
            execution.releaseStartReservation();
        }
    }

    @Override
    public void requestEnded(long freedAtNanos) {
        PendingDispatches queue = pending.get();
        if (queue.draining) {
            queue.add(freedAtNanos);
            return;
        }
        queue.draining = true;
        try {
            dispatchNext(freedAtNanos);
            while (!queue.isEmpty()) {
                dispatchNext(queue.poll());
            }
        } finally {
            queue.draining = false;
        }
    }

    @Override
    public void stopDispatching() {
        // Nothing to wake: every claim checks dispatchAllowed() first.
    }

    @Override
    public boolean dispatchedAll() {
        if (durationNanos == 0) {
            return nextSequence.get() >= sequenceLimit;
        }
        return windowOpen && System.nanoTime() - deadlineNanos >= 0;
    }

    /** Claims the next sequence number and dispatches it; returns false when none is left. */
    private boolean dispatchNext(long scheduledNanos) {
        long sequence = claimSequence();
        if (sequence < 0) {
            return false;
        }
        return execution.dispatch(sequence, scheduledNanos);
    }

    private long claimSequence() {
        if (!execution.dispatchAllowed()) {
            return -1;
        }
        if (durationNanos > 0 && windowOpen && System.nanoTime() - deadlineNanos >= 0) {
            return -1;
        }
        while (true) {
            long sequence = nextSequence.get();
            if (sequence >= sequenceLimit) {
                return -1;
            }
            if (nextSequence.compareAndSet(sequence, sequence + 1)) {
                if (sequence == warmupRequests && durationNanos > 0) {
                    // The first measured request opens the window; warm-up time does not count.
                    deadlineNanos = System.nanoTime() + durationNanos;
                    windowOpen = true;
                }
                return sequence;
            }
        }
    }

    /** Successor dispatches queued by a re-entrant {@link #requestEnded} on one thread. */
    private static final class PendingDispatches extends ArrayDeque<Long> {
        private static final long serialVersionUID = 1L;
        boolean draining;
    }
}
