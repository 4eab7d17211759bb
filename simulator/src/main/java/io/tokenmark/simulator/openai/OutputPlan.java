package io.tokenmark.simulator.openai;

import io.tokenmark.simulator.engine.SplitMix64;

/**
 * How long a response is, why it ends, and which of its tokens are reasoning.
 *
 * <p>The simulated model would end its answer after a <em>natural length</em>, the seeded
 * position of its end-of-sequence token: {@code answerTokens} when {@code answerSpread} is 0,
 * else a length drawn uniformly from {@code answerTokens · [1 − spread, 1 + spread]} with the
 * text seed. The request then bounds it as vLLM does:
 * <ul>
 *   <li>the limit is {@code max_tokens}, or the context left after the prompt when it is
 *       absent;</li>
 *   <li>with {@code ignore_eos} the response has exactly the limit, finish reason
 *       {@code length};</li>
 *   <li>otherwise it has {@code max(natural length, min_tokens)} tokens, cut to the limit:
 *       finish reason {@code stop} when the end-of-sequence token came first, {@code length}
 *       when the limit did.</li>
 * </ul>
 * The first {@code ceil(reasoningShare · outputTokens)} tokens are reasoning (streamed as
 * {@code reasoning_content}), the rest answer content; a response with reasoning keeps at least
 * one answer token.
 *
 * @param outputTokens tokens the response carries, at least 1
 * @param reasoningTokens how many of them are reasoning, from the start
 * @param finishReason {@code stop} or {@code length}
 * @param textSeed seeds the response's words, see {@link TokenText}
 */
public record OutputPlan(int outputTokens, int reasoningTokens, String finishReason,
        long textSeed) {

    /**
     * Plans a response.
     *
     * @param promptTokens the prompt's token count
     * @param maxTokens {@code max_tokens}, or {@code -1} when absent
     * @param minTokens {@code min_tokens}, 0 when absent
     * @param ignoreEos the request's {@code ignore_eos}
     * @param maxModelTokens the profile's context length
     * @param answerTokens the mean natural answer length, at least 1
     * @param answerSpread the relative spread of natural lengths, in [0, 1)
     * @param reasoningShare the share of reasoning tokens, in [0, 1]
     * @param textSeed seeds the natural length and the words
     * @throws InvalidRequestException when the prompt and {@code max_tokens} exceed the context
     *     length, with the message vLLM gives
     */
    public static OutputPlan plan(int promptTokens, int maxTokens, int minTokens,
            boolean ignoreEos, int maxModelTokens, int answerTokens, double answerSpread,
            double reasoningShare, long textSeed) {
        int contextLeft = maxModelTokens - promptTokens;
        if (contextLeft < 1 || (maxTokens > 0 && maxTokens > contextLeft)) {
            int requested = maxTokens > 0 ? maxTokens : 1;
            throw InvalidRequestException.badField(maxTokens > 0 ? "max_tokens" : "messages",
                    "This model's maximum context length is " + maxModelTokens + " tokens."
                            + " However, you requested " + ((long) promptTokens + requested)
                            + " tokens (" + promptTokens + " in the messages, " + requested
                            + " in the completion). Please reduce the length of the messages"
                            + " or completion.");
        }
        int limit = maxTokens > 0 ? maxTokens : contextLeft;

        int outputTokens;
        String finishReason;
        if (ignoreEos) {
            outputTokens = limit;
            finishReason = "length";
        } else {
            int wanted = Math.max(naturalLength(answerTokens, answerSpread, textSeed), minTokens);
            outputTokens = Math.min(Math.max(1, wanted), limit);
            finishReason = wanted >= limit ? "length" : "stop";
        }

        int reasoningTokens = 0;
        if (reasoningShare > 0 && outputTokens > 1) {
            reasoningTokens = (int) Math.min(outputTokens - 1L,
                    (long) Math.ceil(reasoningShare * outputTokens));
        }
        return new OutputPlan(outputTokens, reasoningTokens, finishReason, textSeed);
    }

    /** Returns the seeded natural answer length: where the model emits end-of-sequence. */
    static int naturalLength(int answerTokens, double answerSpread, long textSeed) {
        if (answerSpread == 0) {
            return answerTokens;
        }
        double factor = 1 + answerSpread * (2 * SplitMix64.unit(textSeed ^ 0x5EEDL) - 1);
        return Math.max(1, (int) Math.round(answerTokens * factor));
    }
}
