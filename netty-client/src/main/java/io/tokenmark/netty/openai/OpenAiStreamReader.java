package io.tokenmark.netty.openai;

import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.netty.sse.SseEvent;
import io.tokenmark.netty.sse.SseEventListener;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Applies OpenAI streaming semantics to the SSE events of one response and reports them to a
 * {@link StreamListener}: token events, usage, finish reasons, and how the stream ended.
 *
 * <p><b>Semantics</b>, for {@code /v1/chat/completions} and {@code /v1/completions}:
 * <ul>
 *   <li>A <em>token event</em> is an event whose choices carry non-empty {@code content},
 *       {@code reasoning_content}, {@code reasoning}, tool-call arguments or {@code text}.
 *       Role-only, empty and usage-only chunks are not token events. A usage chunk with empty
 *       {@code choices} is normal.</li>
 *   <li>Per chunk the listener receives {@code onTokenEvent}, then {@code onUsage}, then
 *       {@code onFinishReason}, whatever the member order in the JSON. A chunk's
 *       {@code usage.completion_tokens} is also passed as the token event's cumulative count,
 *       which is how {@code continuous_usage_stats} yields per-event token counts.</li>
 *   <li>{@code [DONE]} ends the stream only as the whole data value. Events after it are
 *       ignored.</li>
 *   <li>An event whose JSON has a top-level {@code error}, before or after tokens, or an event
 *       of type {@code error}, ends the stream as {@link ErrorKind#STREAM_ERROR} with the
 *       server's message; later events, {@code [DONE]} included, are ignored.</li>
 *   <li>Event data that is not one complete JSON object ends the stream as
 *       {@link ErrorKind#MALFORMED_EVENT}. An event with empty data is skipped.</li>
 *   <li>The end of the response body ({@link #endOfStream}) completes the stream when a
 *       {@code finish_reason} arrived, and fails it as {@link ErrorKind#TRUNCATED}
 *       otherwise.</li>
 * </ul>
 *
 * <p>The reader never calls the listener's terminal callbacks: it records the outcome
 * ({@link #outcome()}, {@link #endNanos()}, {@link #failureKind()}, {@link #failureMessage()})
 * and the transport delivers it, so that timers and the connection are settled in one place.
 *
 * <p><b>Cost:</b> per token event no allocation unless text is kept; see {@link ChunkScanner}.
 *
 * <p><b>Threading:</b> not thread-safe; one reader per connection, reused across requests with
 * {@link #start}.
 */
public final class OpenAiStreamReader implements SseEventListener {
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_MESSAGE_DATA_CHARS = 200;

    /** State of a stream: still running, completed or failed. */
    public enum Outcome {
        /** No terminal condition yet. */
        RUNNING,
        /** {@code [DONE]} arrived, or the body ended after a {@code finish_reason}. */
        COMPLETED,
        /** The stream failed; see {@link #failureKind()}. */
        FAILED
    }

    private final ChunkScanner scanner;
    private final CompletionChunk chunk = new CompletionChunk();
    private final ReusableTokenEvent tokenEvent = new ReusableTokenEvent();
    private final boolean retainText;

    private StreamListener listener;
    private Outcome outcome = Outcome.RUNNING;
    private boolean finishReasonSeen;
    private long endNanos = -1;
    private ErrorKind failureKind;
    private String failureMessage;

    /**
     * @param retainText whether token events carry their text; without it the text accessors
     *     of {@link io.tokenmark.core.client.TokenEvent} return {@code null}
     */
    public OpenAiStreamReader(boolean retainText) {
        this.scanner = new ChunkScanner(retainText);
        this.retainText = retainText;
    }

    /** Starts reading a new stream whose events go to {@code listener}. */
    public void start(StreamListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        outcome = Outcome.RUNNING;
        finishReasonSeen = false;
        endNanos = -1;
        failureKind = null;
        failureMessage = null;
    }

    /**
     * Handles one SSE event; a no-op once the stream has an outcome. Exceptions thrown by the
     * listener propagate.
     */
    @Override
    public void onEvent(SseEvent event) {
        if (outcome != Outcome.RUNNING) {
            return;
        }
        long arrival = event.arrivalNanos();
        if (event.dataEquals(DONE)) {
            complete(arrival);
            return;
        }
        if (event.dataLength() == 0) {
            return;
        }

        try {
            scanner.parse(event.dataBuffer(), event.dataIndex(), event.dataLength(), chunk);
        } catch (MalformedChunkException e) {
            if ("error".equals(event.type())) {
                fail(ErrorKind.STREAM_ERROR, "error event: " + abbreviate(event.dataAsString()),
                        arrival);
            } else {
                fail(ErrorKind.MALFORMED_EVENT, "event " + event.index() + ": " + e.getMessage(),
                        arrival);
            }
            return;
        }
        if (chunk.hasError || "error".equals(event.type())) {
            String message = chunk.hasError
                    ? chunk.errorMessage : "error event: " + abbreviate(event.dataAsString());
            fail(ErrorKind.STREAM_ERROR, message, arrival);
            return;
        }

        dispatch(event.index(), arrival);
    }

    private void dispatch(int eventIndex, long arrival) {
        if (chunk.hasAnswer || chunk.hasReasoning) {
            CharSequence reasoning = retainText && chunk.hasReasoning ? chunk.reasoningText : null;
            CharSequence answer = retainText && chunk.hasAnswer ? chunk.answerText : null;
            tokenEvent.set(arrival, eventIndex, chunk.hasReasoning, chunk.hasAnswer,
                    chunk.completionTokens, reasoning, answer);
            listener.onTokenEvent(tokenEvent);
        }
        if (chunk.hasUsage) {
            listener.onUsage(arrival, chunk.promptTokens, chunk.completionTokens);
        }
        if (chunk.finishReason != null) {
            finishReasonSeen = true;
            listener.onFinishReason(chunk.finishReason);
        }
    }

    /**
     * Ends the stream at the clean end of the response body: completed when a
     * {@code finish_reason} arrived, else {@link ErrorKind#TRUNCATED}. A no-op once the stream
     * has an outcome.
     *
     * @param nanos read time of the end of the body
     * @param contentType the response's {@code Content-Type}, named in the truncation message
     *     when it is not {@code text/event-stream}; may be {@code null}
     */
    public void endOfStream(long nanos, String contentType) {
        if (outcome != Outcome.RUNNING) {
            return;
        }
        if (finishReasonSeen) {
            complete(nanos);
            return;
        }
        String message = "the stream ended with neither a finish_reason nor [DONE]";
        if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT)
                .startsWith("text/event-stream")) {
            message += " (the response's Content-Type is " + contentType
                    + ", not text/event-stream: check that the server supports \"stream\": true)";
        }
        fail(ErrorKind.TRUNCATED, message, nanos);
    }

    /** Returns the stream's state. */
    public Outcome outcome() {
        return outcome;
    }

    /** Arrival of {@code [DONE]}, of the body's end, or of the failing event; {@code -1} while running. */
    public long endNanos() {
        return endNanos;
    }

    /** Returns the failure class when {@link #outcome()} is {@code FAILED}, else {@code null}. */
    public ErrorKind failureKind() {
        return failureKind;
    }

    /** Returns a one-line description of the failure, or {@code null}. */
    public String failureMessage() {
        return failureMessage;
    }

    private void complete(long nanos) {
        outcome = Outcome.COMPLETED;
        endNanos = nanos;
    }

    private void fail(ErrorKind kind, String message, long nanos) {
        outcome = Outcome.FAILED;
        failureKind = kind;
        failureMessage = message;
        endNanos = nanos;
    }

    private static String abbreviate(String data) {
        return data.length() <= MAX_MESSAGE_DATA_CHARS
                ? data : data.substring(0, MAX_MESSAGE_DATA_CHARS) + "…";
    }
}
