package io.tokenmark.simulator.engine;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The engine of {@link FixedTimingProfile}: each sequence has its own timeline, first token at
 * arrival + TTFT, then one token event every ITL, carrying {@code tokensPerStep} tokens (the
 * first event carries one).
 *
 * <p>Sequences wait in a priority queue ordered by their next token time, so each token event
 * costs O(log n) and no allocation. Token times follow the nominal timeline, so a timer that
 * fires late does not shift later tokens. A sequence more than 10 ms behind is re-anchored at
 * the actual time instead of catching up in a burst.
 *
 * <p><b>Threading:</b> not thread-safe; see {@link EngineModel}.
 */
final class FixedTimingEngine implements EngineModel {
    private static final Comparator<Sequence> BY_NEXT_TOKEN =
            Comparator.<Sequence>comparingLong(s -> s.nextTokenNanos)
                    .thenComparingLong(s -> s.submitOrder);

    private final long ttftNanos;
    private final long itlNanos;
    private final int tokensPerStep;
    private final PriorityQueue<Sequence> queue = new PriorityQueue<>(BY_NEXT_TOKEN);
    private long submitted;
    private int running;

    FixedTimingEngine(long ttftNanos, long itlNanos, int tokensPerStep) {
        this.ttftNanos = ttftNanos;
        this.itlNanos = itlNanos;
        this.tokensPerStep = tokensPerStep;
    }

    @Override
    public void submit(Sequence sequence, long nowNanos) {
        if (sequence.state != Sequence.State.NEW) {
            throw new IllegalStateException("sequence was already submitted: " + sequence);
        }
        sequence.state = Sequence.State.RUNNING;
        sequence.arrivalNanos = nowNanos;
        sequence.submitOrder = submitted++;
        sequence.prefilledTokens = sequence.promptTokens();
        sequence.nextTokenNanos = nowNanos + ttftNanos;
        queue.add(sequence);
        running++;
    }

    @Override
    public void abort(Sequence sequence) {
        if (sequence.state == Sequence.State.RUNNING) {
            // Left in the queue and skipped when it comes up; removing it would cost O(n).
            sequence.state = Sequence.State.ABORTED;
            running--;
        }
    }

    @Override
    public long nextEventNanos() {
        Sequence head = peekLive();
        return head == null ? Long.MAX_VALUE : head.nextTokenNanos;
    }

    @Override
    public void advanceTo(long nowNanos) {
        Sequence head;
        while ((head = peekLive()) != null && head.nextTokenNanos <= nowNanos) {
            queue.poll();
            long tokenNanos = head.nextTokenNanos;
            int emitted = head.generatedTokens == 0
                    ? 1 : Math.min(tokensPerStep, head.outputTokens() - head.generatedTokens);
            head.generatedTokens += emitted;
            if (head.generatedTokens >= head.outputTokens()) {
                head.state = Sequence.State.FINISHED;
                running--;
            } else {
                long next = tokenNanos + itlNanos;
                head.nextTokenNanos = nowNanos - next > BatchingEngine.CATCH_UP_LIMIT_NANOS
                        ? nowNanos : next;
                queue.add(head);
            }
            head.listener().onTokens(head, emitted, tokenNanos);
        }
    }

    @Override
    public int runningSequences() {
        return running;
    }

    @Override
    public int waitingSequences() {
        return 0;
    }

    private Sequence peekLive() {
        Sequence head = queue.peek();
        while (head != null && head.state != Sequence.State.RUNNING) {
            queue.poll();
            head = queue.peek();
        }
        return head;
    }
}
