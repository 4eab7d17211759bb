package io.tokenmark.simulator.openai;

import io.tokenmark.core.tokenizer.Tokenizer;
import io.tokenmark.core.workload.ChatMessage;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts prompt tokens with a real tokenizer, as vLLM and SGLang count
 * {@code usage.prompt_tokens}: a chat request's messages rendered with the tokenizer's chat
 * template and generation prompt, and a completions prompt with the special tokens the tokenizer
 * adds around one sequence (none for Qwen3).
 *
 * <p><b>Cost:</b> the count runs once per request on a thread of the simulator's own, off its
 * event loop ({@link #slow()}), and the response starts when it is done. With the bundled
 * Qwen3 tokenizer, a prompt of 1,024 random tokens took about 3.5 ms of CPU time as a completions
 * prompt and about 5 ms as one chat message, template included (median of 400 prompts of
 * {@code RandomPromptWorkload}, on a 2-core machine shared with other builds, so an estimate).
 * Benchmarks send the same prompts again and again, so the counts of the first
 * {@value #MAX_CACHED_PROMPTS} distinct prompts are kept, and a repeated prompt costs one hash of
 * its text.
 *
 * <p>Thread-safe when the tokenizer is. The caller keeps the tokenizer and closes it after the
 * simulator stops.
 */
public final class TokenizerPromptCounter implements PromptTokenCounter {
    /** Distinct prompts whose counts are kept; later new prompts are counted every time. */
    public static final int MAX_CACHED_PROMPTS = 4_096;

    private final Tokenizer tokenizer;
    private final Map<List<ChatMessage>, Integer> chatCounts = new ConcurrentHashMap<>();
    private final Map<String, Integer> promptCounts = new ConcurrentHashMap<>();

    /** Creates a counter over {@code tokenizer}, which must stay open while the simulator runs. */
    public TokenizerPromptCounter(Tokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /** Returns true: a new long prompt takes milliseconds to tokenize. */
    @Override
    public boolean slow() {
        return true;
    }

    @Override
    public int countChat(List<ChatMessage> messages) {
        Integer cached = chatCounts.get(messages);
        if (cached != null) {
            return cached;
        }
        int count = Math.max(1, tokenizer.countChatPrompt(messages));
        if (chatCounts.size() + promptCounts.size() < MAX_CACHED_PROMPTS) {
            chatCounts.put(List.copyOf(messages), count);
        }
        return count;
    }

    @Override
    public int countPrompt(String prompt) {
        Integer cached = promptCounts.get(prompt);
        if (cached != null) {
            return cached;
        }
        int count = Math.max(1, tokenizer.countCompletionPrompt(prompt));
        if (chatCounts.size() + promptCounts.size() < MAX_CACHED_PROMPTS) {
            promptCounts.put(prompt, count);
        }
        return count;
    }

    @Override
    public String toString() {
        return "tokenizer " + tokenizer.name();
    }
}
