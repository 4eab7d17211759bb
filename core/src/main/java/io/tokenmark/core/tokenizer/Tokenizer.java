package io.tokenmark.core.tokenizer;

import io.tokenmark.core.workload.ChatMessage;
import java.util.List;
import java.util.Optional;

/**
 * A model's tokenizer, used to build prompts of an exact token length and to count tokens the
 * server did not report.
 *
 * <p>Counts follow what OpenAI-compatible servers such as vLLM and SGLang count as
 * {@code usage.prompt_tokens}:
 * <ul>
 *   <li>{@link #encode} and {@link #count} add no special tokens (no BOS, no EOS). Special and
 *       added tokens written in the text, such as {@code <|im_start|>}, are still recognised and
 *       count as one token each.</li>
 *   <li>{@link #countCompletionPrompt} adds the special tokens the tokenizer's post-processor
 *       puts around one sequence (a BOS for Llama-style tokenizers, none for Qwen3), as servers
 *       do for a completions prompt.</li>
 *   <li>{@link #countChatPrompt} renders the messages with the model's chat template, with the
 *       generation prompt, and counts the result without adding special tokens, as servers do
 *       for chat completions.</li>
 * </ul>
 *
 * <p><b>Threading:</b> implementations are safe for concurrent use, except that {@link #close}
 * must not run while another thread uses the tokenizer. Tokenizing costs microseconds to
 * milliseconds per call, so never call these methods on an I/O thread.
 */
public interface Tokenizer extends AutoCloseable {
    /** Returns a short name for reports, such as {@code qwen3 (bundled)} or the file path. */
    String name();

    /**
     * Encodes text to token ids without adding special tokens.
     *
     * @throws NullPointerException if {@code text} is null
     */
    int[] encode(String text);

    /** Returns {@code encode(text).length}. */
    int count(String text);

    /**
     * Encodes text as {@link #encode} does and returns, for each token, the UTF-16 index in
     * {@code text} just past the token's last character. Indexes never decrease, and the last one
     * is {@code text.length()} unless the text ends in characters that produce no token. A token
     * that covers only part of a character's bytes ends after that whole character.
     *
     * <p>The default decodes every prefix of the ids, which costs time quadratic in the token
     * count and may misplace a token where decoding does not give the text back; implementations
     * that track offsets override it.
     *
     * @throws NullPointerException if {@code text} is null
     */
    default int[] tokenEnds(String text) {
        int[] ids = encode(text);
        int[] ends = new int[ids.length];
        int previous = 0;
        for (int i = 0; i < ids.length; i++) {
            int decoded = decode(java.util.Arrays.copyOf(ids, i + 1)).length();
            previous = Math.max(previous, Math.min(decoded, text.length()));
            ends[i] = previous;
        }
        return ends;
    }

    /**
     * Decodes token ids to text, keeping special and added tokens as their text (for example
     * {@code <|im_end|>}).
     *
     * @throws IllegalArgumentException if an id is negative or not below {@link #vocabularySize()}
     */
    String decode(int[] ids);

    /**
     * Returns the number of token ids, added tokens included: one more than the largest id, 151,669
     * for Qwen3. (The model's embedding table may be larger.)
     */
    int vocabularySize();

    /**
     * Returns the ids of the added tokens in ascending order: special tokens such as
     * {@code <|im_end|>} and other added tokens such as {@code <think>}. Random prompts never
     * contain them.
     */
    int[] addedTokenIds();

    /** Returns whether {@code id} is one of {@link #addedTokenIds()}. */
    boolean isAddedToken(int id);

    /**
     * Counts a completions prompt as servers tokenize it: with the special tokens the tokenizer
     * adds around one sequence.
     */
    int countCompletionPrompt(String prompt);

    /**
     * Renders chat messages with the model's chat template, with the generation prompt
     * ({@code add_generation_prompt=True}).
     *
     * @return the prompt text the server would tokenize, or empty when the tokenizer has no chat
     *     template or the template cannot render these messages
     */
    Optional<String> renderChatPrompt(List<ChatMessage> messages);

    /**
     * Counts the tokens of chat messages as the server counts its prompt: the rendered template
     * when {@link #renderChatPrompt} gives one, else the sum of the counts of each message's
     * content. The first template failure is logged as a warning, and later ones are not logged.
     */
    int countChatPrompt(List<ChatMessage> messages);

    /** Frees native resources. The tokenizer must not be used afterwards. Idempotent. */
    @Override
    void close();
}
