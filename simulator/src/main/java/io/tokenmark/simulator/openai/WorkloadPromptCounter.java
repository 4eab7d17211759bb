package io.tokenmark.jmh.cli;

import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.core.workload.Workload;
import io.tokenmark.simulator.openai.PromptTokenCounter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the embedded simulator's prompt tokens as the run's tokenizer counted them when the
 * workload was built ({@link RequestSpec#expectedInputTokens()}), so the simulated prefill and
 * the reported {@code usage.prompt_tokens} match the prompts' real length. A prompt the workload
 * did not count falls back to {@link PromptTokenCounter#approximate()}.
 *
 * <p>Lookups hash the prompt text once per request on the simulator's event loop, which costs
 * microseconds, where tokenizing it there would cost milliseconds. Thread-safe: the map is not
 * changed after construction.
 */
final class WorkloadPromptCounter implements PromptTokenCounter {
    private final Map<List<ChatMessage>, Integer> chat = new HashMap<>();
    private final Map<String, Integer> completions = new HashMap<>();
    private final PromptTokenCounter fallback = PromptTokenCounter.approximate();

    WorkloadPromptCounter(Workload workload) {
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
