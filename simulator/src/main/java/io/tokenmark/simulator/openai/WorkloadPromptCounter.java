package io.tokenmark.simulator.openai;

import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.core.workload.Workload;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counts an embedded simulator's prompt tokens as the benchmark's tokenizer counted them when the
 * workload was built ({@link RequestSpec#expectedInputTokens()}), chat template included, so the
 * simulated prefill and the reported {@code usage.prompt_tokens} match the prompts' real length.
 * A prompt the workload did not count goes to a fallback counter, by default
 * {@link PromptTokenCounter#approximate()}.
 * The command line's embedded simulator and the JMH harness's {@code Target.simulator} both use
 * it.
 *
 * <p>Lookups hash the prompt text once per request on the simulator's event loop, which costs
 * microseconds, where tokenizing it there would cost milliseconds. Thread-safe: the maps are not changed
 * after construction.
 */
public final class WorkloadPromptCounter implements PromptTokenCounter {
    private final Map<List<ChatMessage>, Integer> chat = new HashMap<>();
    private final Map<String, Integer> completions = new HashMap<>();
    private final PromptTokenCounter fallback;

    /**
     * Indexes every spec of {@code workload} that has an expected input count, which reads the
     * whole workload once. Other prompts go to {@link PromptTokenCounter#approximate()}.
     */
    public WorkloadPromptCounter(Workload workload) {
        this(workload, PromptTokenCounter.approximate());
    }

    /**
     * Indexes every spec of {@code workload} that has an expected input count; other prompts go
     * to {@code fallback}, such as a {@link TokenizerPromptCounter}.
     */
    public WorkloadPromptCounter(Workload workload, PromptTokenCounter fallback) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        for (int i = 0; i < workload.size(); i++) {
            RequestSpec spec = workload.get(i);
            if (spec.expectedInputTokens() < 0) {
                continue;
            }
            if (spec.messages() != null) {
                chat.put(List.copyOf(spec.messages()), spec.expectedInputTokens());
            } else if (spec.prompt() != null) {
                completions.put(spec.prompt(), spec.expectedInputTokens());
                // A chat client sends a prompt-only spec as one user message.
                chat.put(List.of(ChatMessage.user(spec.prompt())), spec.expectedInputTokens());
            }
        }
    }

    @Override
    public int countChat(List<ChatMessage> messages) {
        Integer count = chat.get(messages);
        return count != null ? Math.max(1, count) : fallback.countChat(messages);
    }

    @Override
    public int countPrompt(String prompt) {
        Integer count = completions.get(prompt);
        return count != null ? Math.max(1, count) : fallback.countPrompt(prompt);
    }

    @Override
    public String toString() {
        return "the workload's tokenizer counts (" + (chat.size() + completions.size())
                + " prompts), else " + fallback;
    }
}
