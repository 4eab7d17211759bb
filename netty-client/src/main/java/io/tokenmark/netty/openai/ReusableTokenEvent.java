package io.tokenmark.netty.openai;

import io.tokenmark.core.client.TokenEvent;

/** The one {@link TokenEvent} instance a stream reader refills for each token event. */
final class ReusableTokenEvent implements TokenEvent {
    private long arrivalNanos;
    private int eventIndex;
    private boolean hasReasoning;
    private boolean hasAnswer;
    private int cumulativeCompletionTokens;
    private CharSequence reasoningText;
    private CharSequence answerText;

    void set(long arrivalNanos, int eventIndex, boolean hasReasoning, boolean hasAnswer,
            int cumulativeCompletionTokens, CharSequence reasoningText, CharSequence answerText) {
        this.arrivalNanos = arrivalNanos;
        this.eventIndex = eventIndex;
        this.hasReasoning = hasReasoning;
        this.hasAnswer = hasAnswer;
        this.cumulativeCompletionTokens = cumulativeCompletionTokens;
        this.reasoningText = reasoningText;
        this.answerText = answerText;
    }

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
        return hasReasoning;
    }

    @Override
    public boolean hasAnswer() {
        return hasAnswer;
    }

    @Override
    public int cumulativeCompletionTokens() {
        return cumulativeCompletionTokens;
    }

    @Override
    public CharSequence reasoningText() {
        return reasoningText;
    }

    @Override
    public CharSequence answerText() {
        return answerText;
    }

    @Override
    public String toString() {
        return "TokenEvent[index=" + eventIndex + ", arrivalNanos=" + arrivalNanos
                + ", reasoning=" + hasReasoning + ", answer=" + hasAnswer + "]";
    }
}
