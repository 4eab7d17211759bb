package io.tokenmark.simulator.openai;

import io.tokenmark.core.workload.ChatMessage;
import java.util.List;

/**
 * Counts the prompt tokens of a request, the {@code usage.prompt_tokens} the simulator reports
 * and the prefill work it simulates.
 *
 * <p>The default, {@link #approximate()}, needs no tokenizer. Pass a counter backed by a real
 * tokenizer ({@link TokenizerPromptCounter}) or by a workload's own counts
 * ({@link WorkloadPromptCounter}) through {@code SimulatorOptions.promptTokenCounter} to report
 * exact counts.
 *
 * <p>Implementations must be thread-safe, deterministic, and fast enough to run on the server's
 * event loop once per request.
 */
public interface PromptTokenCounter {
    /** Returns the prompt tokens of a chat request, the chat template included; at least 1. */
    int countChat(List<ChatMessage> messages);

    /** Returns the prompt tokens of a completions request; at least 1. */
    int countPrompt(String prompt);

    /**
     * Returns whether one count can take a millisecond or more, as tokenizing a long prompt
     * does. The server then counts on a thread of its own and starts the response when the count
     * is done, so the streams on its event loop are not delayed. False by default.
     */
    default boolean slow() {
        return false;
    }

    /**
     * Returns the approximate counter: one token per 4 Unicode code points of text, rounded up,
     * which is the usual rule of thumb for English with BPE tokenizers. Chat requests add the
     * ChatML template that Qwen models use: 5 tokens per message ({@code <|im_start|>}, the
     * role, a line break, {@code <|im_end|>}, a line break) and 3 for the generation prompt
     * ({@code <|im_start|>assistant} and a line break).
     *
     * <p>For random-token prompts the rule can be off by a factor of 2 or more; use it for
     * load shape, not for exact input counts.
     */
    static PromptTokenCounter approximate() {
        return ApproximateTokenCounter.INSTANCE;
    }
}
