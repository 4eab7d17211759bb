package io.tokenmark.core.client;

/**
 * One SSE event that carries generated tokens, as the client decoded it.
 *
 * <p>A <em>token event</em> is an event whose choice delta has non-empty {@code content},
 * {@code reasoning_content}, {@code reasoning} or tool-call arguments, or (completions API)
 * non-empty {@code text}. Role-only, empty and usage-only events are not token events.
 *
 * <p><b>Lifetime:</b> the client may reuse one instance for every event of a stream, so the
 * object and its {@code CharSequence}s are valid only during
 * {@link StreamListener#onTokenEvent}. Copy what you keep.
 */
public interface TokenEvent {
    /**
     * The {@code System.nanoTime()} taken once when the socket read that completed this event
     * was delivered to the client.
     */
    long arrivalNanos();

    /**
     * The index of this event among the dispatched SSE events that carry a {@code data} field,
     * from 0 in stream order; comments and blocks without {@code data} are not counted.
     */
    int eventIndex();

    /** Whether the event carries {@code reasoning_content} or {@code reasoning} text. */
    boolean hasReasoning();

    /** Whether the event carries answer text: {@code content}, {@code text} or tool calls. */
    boolean hasAnswer();

    /**
     * The cumulative {@code usage.completion_tokens} carried by this same chunk, which servers
     * send with {@code stream_options.continuous_usage_stats}; {@code -1} when absent.
     */
    int cumulativeCompletionTokens();

    /**
     * The reasoning text of this event, or {@code null} when the client does not keep text
     * ({@link ClientOptions#retainText()}) or the event has none.
     */
    CharSequence reasoningText();

    /**
     * The answer text of this event (content, completion text or tool-call arguments), or
     * {@code null} when the client does not keep text or the event has none.
     */
    CharSequence answerText();
}
