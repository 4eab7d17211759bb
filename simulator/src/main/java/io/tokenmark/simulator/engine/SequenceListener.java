package io.tokenmark.simulator.engine;

/**
 * Receives the tokens an {@link EngineModel} generates for one {@link Sequence}.
 *
 * <p><b>Threading:</b> called on the thread that runs {@link EngineModel#advanceTo}, once per
 * step in which the sequence produced tokens. It must not block. It may submit or abort other
 * sequences of the same engine, which take effect from the next step.
 */
@FunctionalInterface
public interface SequenceListener {
    /**
     * Tokens were generated.
     *
     * @param sequence the sequence; {@link Sequence#isFinished()} is already true on the call that
     *     delivers its last tokens
     * @param newTokens tokens generated in this step, at least 1 (more than 1 only when the
     *     engine emits several tokens per step, as speculative decoding does)
     * @param timeNanos engine time at which the step ended
     */
    void onTokens(Sequence sequence, int newTokens, long timeNanos);
}
