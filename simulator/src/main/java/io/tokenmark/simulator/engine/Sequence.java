package io.tokenmark.simulator.engine;

import java.util.Objects;

/**
 * One request inside an {@link EngineModel}: its prompt length, the number of tokens it will
 * generate, and the engine's progress on it.
 *
 * <p>The caller decides the output length before submitting (from {@code max_tokens},
 * {@code min_tokens}, {@code ignore_eos} and the seeded end-of-sequence position), so the engine
 * only schedules and times the work. A sequence belongs to one engine and is submitted once.
 *
 * <p><b>Threading:</b> not thread-safe. The engine and its listener run on one thread; read the
 * progress getters only from that thread.
 */
public final class Sequence {
    private final int promptTokens;
    private final int outputTokens;
    private final SequenceListener listener;

    // Engine state, written by the engine that owns the sequence.
    State state = State.NEW;
    long arrivalNanos = -1;
    int prefilledTokens;
    int generatedTokens;
    int reservedKvTokens;
    int scheduledPrefillTokens;
    boolean scheduledDecode;
    long nextTokenNanos;
    long submitOrder;

    /** The life-cycle state of a sequence. */
    public enum State {
        /** Created, not yet submitted. */
        NEW,
        /** Submitted, waiting for admission (also while its admission delay runs). */
        WAITING,
        /** Admitted: prefilling or decoding. */
        RUNNING,
        /** Generated all its output tokens. */
        FINISHED,
        /** Removed by {@link EngineModel#abort} before it finished. */
        ABORTED
    }

    /**
     * @param promptTokens prompt length in tokens, at least 1
     * @param outputTokens tokens to generate, at least 1
     * @param listener receives the tokens as steps complete
     * @throws IllegalArgumentException if a length is below 1
     */
    public Sequence(int promptTokens, int outputTokens, SequenceListener listener) {
        if (promptTokens < 1) {
            throw new IllegalArgumentException(
                    "invalid prompt length " + promptTokens + " tokens: must be at least 1");
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException(
                    "invalid output length " + outputTokens + " tokens: must be at least 1");
        }
        this.promptTokens = promptTokens;
        this.outputTokens = outputTokens;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public int promptTokens() {
        return promptTokens;
    }

    /** Returns the number of tokens this sequence generates before it finishes. */
    public int outputTokens() {
        return outputTokens;
    }

    /** Tokens generated so far. */
    public int generatedTokens() {
        return generatedTokens;
    }

    /** Engine time at which the sequence was submitted, or {@code -1} before. */
    public long arrivalNanos() {
        return arrivalNanos;
    }

    public State state() {
        return state;
    }

    /** Returns whether every output token has been generated. */
    public boolean isFinished() {
        return state == State.FINISHED;
    }

    SequenceListener listener() {
        return listener;
    }

    /** Tokens held in the KV cache: the prompt processed so far plus the generated tokens. */
    int contextTokens() {
        return prefilledTokens + generatedTokens;
    }

    @Override
    public String toString() {
        return "Sequence[" + state + ", prompt=" + promptTokens + ", prefilled=" + prefilledTokens
                + ", generated=" + generatedTokens + "/" + outputTokens + "]";
    }
}
