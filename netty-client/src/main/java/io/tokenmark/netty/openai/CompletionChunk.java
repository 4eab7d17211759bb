package io.tokenmark.netty.openai;

/**
 * The parsed content of one stream chunk ({@code chat.completion.chunk} or
 * {@code text_completion}), reused from chunk to chunk by {@link ChunkScanner}. Not thread-safe.
 */
final class CompletionChunk {
    /** Whether any choice carried non-empty answer text: content, text or tool-call arguments. */
    boolean hasAnswer;
    /** Whether any choice carried non-empty {@code reasoning_content} or {@code reasoning}. */
    boolean hasReasoning;
    /** Answer text of every choice, in order; filled only when text is kept. */
    final TextBuffer answerText = new TextBuffer();
    /** Reasoning text of every choice, in order; filled only when text is kept. */
    final TextBuffer reasoningText = new TextBuffer();
    /** The first non-null {@code finish_reason} of any choice, or {@code null}. */
    String finishReason;
    /** Whether the chunk had a {@code usage} object. */
    boolean hasUsage;
    /** {@code usage.prompt_tokens}, or {@code -1}. */
    int promptTokens;
    /** {@code usage.completion_tokens}, or {@code -1}. */
    int completionTokens;
    /** Whether the chunk had a top-level {@code error} member. */
    boolean hasError;
    /** The error's {@code message}, or a description when the server sent none. */
    String errorMessage;

    void clear() {
        hasAnswer = false;
        hasReasoning = false;
        answerText.clear();
        reasoningText.clear();
        finishReason = null;
        hasUsage = false;
        promptTokens = -1;
        completionTokens = -1;
        hasError = false;
        errorMessage = null;
    }
}
