package io.tokenmark.core.workload;

import java.util.List;

/**
 * A workload that sends the same prompt as one user message with every request.
 *
 * <p>Useful for smoke tests and for servers whose prefix cache should be hit on purpose; for
 * comparing deployments, use prompts of a controlled token length instead.
 */
public final class FixedPromptWorkload implements Workload {
    private final RequestSpec spec;

    /**
     * @param prompt the user message
     * @param maxTokens {@code max_tokens} of every request, at least 1
     * @throws IllegalArgumentException if the prompt is empty or {@code maxTokens < 1}
     */
    public FixedPromptWorkload(String prompt, int maxTokens) {
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("fixed prompt is empty: give the text to send");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException(
                    "invalid max tokens " + maxTokens + " for the fixed prompt: must be at least 1");
        }
        this.spec = RequestSpec.builder()
                .messages(List.of(ChatMessage.user(prompt)))
                .prompt(prompt)
                .maxTokens(maxTokens)
                .build();
    }

    @Override
    public String description() {
        return "fixed prompt (" + spec.prompt().length() + " chars), max_tokens " + spec.maxTokens();
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public RequestSpec get(long sequence) {
        return spec;
    }
}
