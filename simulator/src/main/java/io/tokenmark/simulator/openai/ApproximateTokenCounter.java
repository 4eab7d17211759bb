package io.tokenmark.simulator.openai;

import io.tokenmark.core.workload.ChatMessage;
import java.util.List;

/** The counter of {@link PromptTokenCounter#approximate()}. */
final class ApproximateTokenCounter implements PromptTokenCounter {
    static final ApproximateTokenCounter INSTANCE = new ApproximateTokenCounter();

    static final int CHARS_PER_TOKEN = 4;
    static final int TOKENS_PER_MESSAGE = 5;
    static final int GENERATION_PROMPT_TOKENS = 3;

    private ApproximateTokenCounter() {
    }

    @Override
    public int countChat(List<ChatMessage> messages) {
        long tokens = GENERATION_PROMPT_TOKENS;
        for (ChatMessage message : messages) {
            tokens += TOKENS_PER_MESSAGE + textTokens(message.content());
        }
        return (int) Math.min(Integer.MAX_VALUE, tokens);
    }

    @Override
    public int countPrompt(String prompt) {
        return Math.max(1, textTokens(prompt));
    }

    private static int textTokens(String text) {
        int codePoints = text.codePointCount(0, text.length());
        return (codePoints + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    @Override
    public String toString() {
        return "approximate (4 code points per token, ChatML template)";
    }
}
