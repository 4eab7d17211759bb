package io.tokenmark.simulator.engine;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A discrete-time continuous-batching scheduler, after vLLM's V1 scheduler without preemption.
 *
 * <p>Each step is planned when the previous one ends:
 * <ol>
 *   <li>Running sequences are scheduled in admission order under the token budget
 *       ({@code maxBatchedTokens}): a decoding sequence takes 1 token of budget, a sequence
 *       still prefilling takes the next chunk of its prompt, as much as the budget allows.</li>
 *   <li>While budget remains, waiting sequences are admitted first come, first served, up to
 *       {@code maxRunningSequences}, each with the first chunk of its prompt. Admission reserves
 *       the KV cache for the whole sequence (prompt plus output). When the head of the queue
 *       does not fit, it and every sequence behind it wait. Reserving up front means no sequence ever
 *       needs preempting; a real engine admits more eagerly and preempts when the cache runs
 *       out, which this model does not show.</li>
 *   <li>The step lasts {@link BatchingProfile#stepNanos} times the time scale and the jitter.
 *       When it ends, every decoding sequence emits {@code tokensPerStep} tokens (fewer if it
 *       reaches its length), and every sequence whose prompt is now complete emits its first
 *       token. Finished sequences leave the batch and free their KV-cache reservation.</li>
 * </ol>
 *
 * <p><b>Real time:</b> the next step starts where the previous one ended, so step times add up
 * exactly even when the driver's timer fires late; steps that ended meanwhile complete at once.
 * If the driver is more than 10 ms late (a pause of the whole process, for example), the next
 * step starts at the actual time instead, so the engine does not race through a long backlog.
 *
 * <p><b>Threading:</b> not thread-safe; see {@link EngineModel}.
 */
final class BatchingEngine implements EngineModel {
    /** How late a driver may be before the timeline is re-anchored at the actual time. */
    static final long CATCH_UP_LIMIT_NANOS = 10_000_000;

    private final BatchingProfile profile;
    private final double timeScale;
    private final int tokensPerStep;
    private final long admissionDelayNanos;
    private long jitterState;

    private final ArrayDeque<Sequence> arriving = new ArrayDeque<>();
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private Sequence[] running = new Sequence[16];
    private int runningCount;
    private long reservedKvTokens;
    private long submitted;

    private boolean stepActive;
    private long stepEndNanos;
    private long freeAtNanos = Long.MIN_VALUE;

    BatchingEngine(BatchingProfile profile, double timeScale, int tokensPerStep, long seed) {
        this.profile = profile;
        this.timeScale = timeScale;
        this.tokensPerStep = tokensPerStep;
        this.admissionDelayNanos = Math.round(profile.admissionDelayNanos() * timeScale);
        this.jitterState = seed;
    }

    @Override
    public void submit(Sequence sequence, long nowNanos) {
        if (sequence.state != Sequence.State.NEW) {
            throw new IllegalStateException("sequence was already submitted: " + sequence);
        }
        long need = (long) sequence.promptTokens() + sequence.outputTokens();
        if (need > profile.kvCacheTokens()) {
            throw new IllegalArgumentException("sequence of " + need + " tokens does not fit the"
                    + " KV cache of profile '" + profile.name() + "' (" + profile.kvCacheTokens()
                    + " tokens): shorten the prompt or the output");
        }
        sequence.state = Sequence.State.WAITING;
        sequence.arrivalNanos = nowNanos;
        sequence.submitOrder = submitted++;
        arriving.addLast(sequence);
    }

    @Override
    public void abort(Sequence sequence) {
        switch (sequence.state) {
            case WAITING -> {
                if (!arriving.remove(sequence)) {
                    waiting.remove(sequence);
                }
                sequence.state = Sequence.State.ABORTED;
            }
            case RUNNING -> {
                // Stays in the running array until the next step boundary drops it.
                sequence.state = Sequence.State.ABORTED;
                releaseKv(sequence);
            }
            default -> {
                // NEW, FINISHED or ABORTED: nothing to remove.
            }
        }
    }

    @Override
    public long nextEventNanos() {
        if (stepActive) {
            return stepEndNanos;
        }
        if (!arriving.isEmpty()) {
            return Math.max(readyNanos(arriving.peekFirst()), freeAtNanos);
        }
        return Long.MAX_VALUE;
    }

    @Override
    public void advanceTo(long nowNanos) {
        while (true) {
            if (stepActive) {
                if (stepEndNanos > nowNanos) {
                    return;
                }
                completeStep();
            }
            long start = nextStepStart(nowNanos);
            if (start == Long.MAX_VALUE || !planStep(start)) {
                return;
            }
        }
    }

    @Override
    public int runningSequences() {
        int count = 0;
        for (int i = 0; i < runningCount; i++) {
            if (running[i].state == Sequence.State.RUNNING) {
                count++;
            }
        }
        return count;
    }

    @Override
    public int waitingSequences() {
        return arriving.size() + waiting.size();
    }

    /** Returns when the next step can start, or {@code Long.MAX_VALUE} if not yet. */
    private long nextStepStart(long nowNanos) {
        long ready;
        if (runningCount > 0 || !waiting.isEmpty()) {
            ready = freeAtNanos;
        } else if (!arriving.isEmpty()) {
            ready = Math.max(readyNanos(arriving.peekFirst()), freeAtNanos);
        } else {
            return Long.MAX_VALUE;
        }
        if (ready > nowNanos) {
            return Long.MAX_VALUE;
        }
        return nowNanos - ready <= CATCH_UP_LIMIT_NANOS ? ready : nowNanos;
    }

    private long readyNanos(Sequence sequence) {
        return sequence.arrivalNanos + admissionDelayNanos;
    }

    /** Schedules the step that starts at {@code startNanos}; returns false if it has no work. */
    private boolean planStep(long startNanos) {
        while (!arriving.isEmpty() && readyNanos(arriving.peekFirst()) <= startNanos) {
            waiting.addLast(arriving.pollFirst());
        }
        dropAborted();

        int budget = profile.maxBatchedTokens();
        int decodeSequences = 0;
        long contextTokens = 0;
        int prefillTokens = 0;
        for (int i = 0; i < runningCount && budget > 0; i++) {
            Sequence sequence = running[i];
            int remainingPrompt = sequence.promptTokens() - sequence.prefilledTokens;
            if (remainingPrompt > 0) {
                int chunk = Math.min(remainingPrompt, budget);
                sequence.scheduledPrefillTokens = chunk;
                budget -= chunk;
                prefillTokens += chunk;
            } else {
                sequence.scheduledDecode = true;
                budget--;
                decodeSequences++;
                contextTokens += sequence.contextTokens();
            }
        }

        while (budget > 0 && runningCount < profile.maxRunningSequences() && !waiting.isEmpty()) {
            Sequence head = waiting.peekFirst();
            long need = (long) head.promptTokens() + head.outputTokens();
            if (reservedKvTokens + need > profile.kvCacheTokens()) {
                break;
            }
            waiting.pollFirst();
            head.state = Sequence.State.RUNNING;
            head.reservedKvTokens = (int) need;
            reservedKvTokens += need;
            addRunning(head);

            int chunk = Math.min(head.promptTokens(), budget);
            head.scheduledPrefillTokens = chunk;
            budget -= chunk;
            prefillTokens += chunk;
        }

        if (decodeSequences == 0 && prefillTokens == 0) {
            return false;
        }
        double nanos = profile.stepNanos(decodeSequences, contextTokens, prefillTokens)
                * timeScale * jitterFactor();
        stepEndNanos = startNanos + Math.max(1, Math.round(nanos));
        stepActive = true;
        return true;
    }

    private void completeStep() {
        stepActive = false;
        long endNanos = stepEndNanos;
        freeAtNanos = endNanos;

        // The batch is compacted in place while listeners run. A listener may submit or abort
        // sequences; submissions only touch the arrival queue, and aborts only mark a state.
        int kept = 0;
        int count = runningCount;
        for (int i = 0; i < count; i++) {
            Sequence sequence = running[i];
            int emitted = 0;
            if (sequence.state == Sequence.State.RUNNING) {
                emitted = applyScheduledWork(sequence);
            }
            sequence.scheduledPrefillTokens = 0;
            sequence.scheduledDecode = false;
            if (sequence.state == Sequence.State.RUNNING) {
                running[kept++] = sequence;
            }
            if (emitted > 0) {
                sequence.listener().onTokens(sequence, emitted, endNanos);
            }
        }
        Arrays.fill(running, kept, count, null);
        runningCount = kept;
    }

    /** Applies one step's work to a running sequence and returns the tokens it emitted. */
    private int applyScheduledWork(Sequence sequence) {
        int emitted = 0;
        if (sequence.scheduledPrefillTokens > 0) {
            sequence.prefilledTokens += sequence.scheduledPrefillTokens;
            if (sequence.prefilledTokens == sequence.promptTokens()) {
                emitted = 1;
            }
        } else if (sequence.scheduledDecode) {
            emitted = Math.min(tokensPerStep, sequence.outputTokens() - sequence.generatedTokens);
        }
        sequence.generatedTokens += emitted;
        if (sequence.generatedTokens >= sequence.outputTokens()) {
            sequence.state = Sequence.State.FINISHED;
            releaseKv(sequence);
        }
        return emitted;
    }

    private void dropAborted() {
        int kept = 0;
        for (int i = 0; i < runningCount; i++) {
            if (running[i].state == Sequence.State.RUNNING) {
                running[kept++] = running[i];
            }
        }
        Arrays.fill(running, kept, runningCount, null);
        runningCount = kept;
    }

    private void addRunning(Sequence sequence) {
        if (runningCount == running.length) {
            running = Arrays.copyOf(running, running.length * 2);
        }
        running[runningCount++] = sequence;
    }

    private void releaseKv(Sequence sequence) {
        reservedKvTokens -= sequence.reservedKvTokens;
        sequence.reservedKvTokens = 0;
    }

    /** Returns a seeded factor in [1 − jitter, 1 + jitter]. */
    private double jitterFactor() {
        double jitter = profile.jitter();
        if (jitter == 0) {
            return 1;
        }
        jitterState += SplitMix64.GOLDEN_GAMMA;
        return 1 + jitter * (2 * SplitMix64.unit(jitterState) - 1);
    }
}
