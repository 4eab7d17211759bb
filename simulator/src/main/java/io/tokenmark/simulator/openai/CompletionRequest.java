package io.tokenmark.simulator.openai;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.workload.ChatMessage;
import java.util.List;

/**
 * The fields of a chat completions or completions request that the simulator acts on. Other
 * fields (temperature, top_p, stop, …) are accepted and ignored.
 *
 * @param api which endpoint received the request
 * @param model the {@code model} field
 * @param messages the chat messages, or {@code null} for the completions API
 * @param prompt the completions prompt, or {@code null} for the chat API or a prompt given as
 *     token ids
 * @param promptTokenIds the number of token ids when the completions prompt is a list of ids,
 *     else {@code -1}
 * @param stream whether to stream the response as server-sent events
 * @param includeUsage {@code stream_options.include_usage}: end the stream with a usage chunk
 * @param continuousUsageStats {@code stream_options.continuous_usage_stats} (vLLM): put the
 *     cumulative usage in every chunk
 * @param maxTokens {@code max_tokens} (or {@code max_completion_tokens}), or {@code -1} when
 *     absent
 * @param minTokens {@code min_tokens} (vLLM), 0 when absent
 * @param ignoreEos {@code ignore_eos} (vLLM): generate exactly {@code max_tokens}
 * @param seed the {@code seed} field, or {@code null}
 */
public record CompletionRequest(ApiKind api, String model, List<ChatMessage> messages,
        String prompt, int promptTokenIds, boolean stream, boolean includeUsage,
        boolean continuousUsageStats, int maxTokens, int minTokens, boolean ignoreEos,
        Long seed) {

    /** Counts the prompt tokens with the given counter (token-id prompts count their ids). */
    public int promptTokens(PromptTokenCounter counter) {
        if (promptTokenIds >= 0) {
            return Math.max(1, promptTokenIds);
        }
        return api == ApiKind.CHAT ? counter.countChat(messages) : counter.countPrompt(prompt);
    }
}
