package io.tokenmark.core.metric;

import io.tokenmark.core.client.ErrorKind;

/**
 * Everything measured for one request. Immutable once built; safe to share between threads.
 *
 * <p>Times are {@code System.nanoTime()} values, comparable only within one JVM run; {@code -1}
 * means the moment never happened (no token arrived, the request was never sent). Token counts
 * are {@code -1} when unknown.
 *
 * <p>The derived metrics follow TokenMark's published definitions, all measured from
 * {@code send}, the moment the request's first byte was written:
 * <ul>
 *   <li>TTFT: first token event (reasoning included) − send;</li>
 *   <li>TTFO: first token event carrying answer text − send;</li>
 *   <li>E2EL: last token event − send (the usage chunk and {@code [DONE]} are excluded);</li>
 *   <li>stream time: end of stream − send;</li>
 *   <li>TPOT: (E2EL − TTFT) / (N_out − 1), as vLLM and SGLang define it;</li>
 *   <li>ICL: each gap between consecutive token events (what vLLM calls ITL);</li>
 *   <li>ITL: each ICL gap g of an event carrying k tokens gives k samples of g / k;</li>
 *   <li>schedule lag: send − scheduled send.</li>
 * </ul>
 * A failed request keeps whatever was measured before the failure; summaries leave it out of
 * every latency and throughput figure.
 */
public final class RequestRecord {
    private final long requestId;
    private final boolean warmup;
    private final int datasetIndex;
    private final long scheduledNanos;
    private final long dispatchNanos;
    private final long sendNanos;
    private final int httpStatus;
    private final long responseNanos;
    private final long firstTokenNanos;
    private final int firstTokenEventIndex;
    private final long firstAnswerNanos;
    private final long lastTokenNanos;
    private final long endNanos;
    private final long[] tokenEventNanos;
    private final int[] tokensPerEvent;
    private final TokenCountSource tokensPerEventSource;
    private final int inputTokens;
    private final TokenCountSource inputTokenSource;
    private final int expectedInputTokens;
    private final int outputTokens;
    private final TokenCountSource outputTokenSource;
    private final String finishReason;
    private final ErrorKind error;
    private final String errorMessage;
    private final String errorBody;
    private final String answerText;
    private final String reasoningText;
    private final int[] answerTextEnds;
    private final int[] reasoningTextEnds;

    private RequestRecord(Builder b) {
        this.requestId = b.requestId;
        this.warmup = b.warmup;
        this.datasetIndex = b.datasetIndex;
        this.scheduledNanos = b.scheduledNanos;
        this.dispatchNanos = b.dispatchNanos;
        this.sendNanos = b.sendNanos;
        this.httpStatus = b.httpStatus;
        this.responseNanos = b.responseNanos;
        this.firstTokenNanos = b.firstTokenNanos;
        this.firstTokenEventIndex = b.firstTokenEventIndex;
        this.firstAnswerNanos = b.firstAnswerNanos;
        this.lastTokenNanos = b.lastTokenNanos;
        this.endNanos = b.endNanos;
        this.tokenEventNanos = b.tokenEventNanos == null ? new long[0] : b.tokenEventNanos.clone();
        this.tokensPerEvent = b.tokensPerEvent == null ? null : b.tokensPerEvent.clone();
        this.tokensPerEventSource = b.tokensPerEvent == null
                ? TokenCountSource.EVENT_COUNT : b.tokensPerEventSource;
        this.inputTokens = b.inputTokens;
        this.inputTokenSource = b.inputTokenSource;
        this.expectedInputTokens = b.expectedInputTokens;
        this.outputTokens = b.outputTokens;
        this.outputTokenSource = b.outputTokenSource;
        this.finishReason = b.finishReason;
        this.error = b.error;
        this.errorMessage = b.errorMessage;
        this.errorBody = b.errorBody;
        this.answerText = b.answerText;
        this.reasoningText = b.reasoningText;
        this.answerTextEnds = b.answerTextEnds == null ? null : b.answerTextEnds.clone();
        this.reasoningTextEnds = b.reasoningTextEnds == null ? null : b.reasoningTextEnds.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this record's values, to derive an amended copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.requestId = requestId;
        b.warmup = warmup;
        b.datasetIndex = datasetIndex;
        b.scheduledNanos = scheduledNanos;
        b.dispatchNanos = dispatchNanos;
        b.sendNanos = sendNanos;
        b.httpStatus = httpStatus;
        b.responseNanos = responseNanos;
        b.firstTokenNanos = firstTokenNanos;
        b.firstTokenEventIndex = firstTokenEventIndex;
        b.firstAnswerNanos = firstAnswerNanos;
        b.lastTokenNanos = lastTokenNanos;
        b.endNanos = endNanos;
        b.tokenEventNanos = tokenEventNanos;
        b.tokensPerEvent = tokensPerEvent;
        b.tokensPerEventSource = tokensPerEventSource;
        b.inputTokens = inputTokens;
        b.inputTokenSource = inputTokenSource;
        b.expectedInputTokens = expectedInputTokens;
        b.outputTokens = outputTokens;
        b.outputTokenSource = outputTokenSource;
        b.finishReason = finishReason;
        b.error = error;
        b.errorMessage = errorMessage;
        b.errorBody = errorBody;
        b.answerText = answerText;
        b.reasoningText = reasoningText;
        b.answerTextEnds = answerTextEnds;
        b.reasoningTextEnds = reasoningTextEnds;
        return b;
    }

    // ---- identity and outcome ----

    /** Unique within a run, in dispatch order from 0. */
    public long requestId() {
        return requestId;
    }

    /** Whether the request ran during warm-up; warm-up records are kept out of results. */
    public boolean warmup() {
        return warmup;
    }

    /** Position of the request's spec in its dataset. */
    public int datasetIndex() {
        return datasetIndex;
    }

    public boolean success() {
        return error == null;
    }

    /** The error class, or {@code null} when the request succeeded. */
    public ErrorKind error() {
        return error;
    }

    /** Returns the error's report label (such as {@code http_503}), or {@code null} on success. */
    public String errorLabel() {
        return error == null ? null : error.label(httpStatus);
    }

    /** A one-line description of the failure, or {@code null}. */
    public String errorMessage() {
        return errorMessage;
    }

    /** The first 4 KiB of a non-2xx response body, or {@code null}. */
    public String errorBody() {
        return errorBody;
    }

    /** The response status, or {@code 0} when none arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The first non-null {@code finish_reason}, or {@code null}. */
    public String finishReason() {
        return finishReason;
    }

    // ---- raw times ----

    /** When the load schedule wanted the request sent. */
    public long scheduledNanos() {
        return scheduledNanos;
    }

    /** When the sampler handed the request to the client. */
    public long dispatchNanos() {
        return dispatchNanos;
    }

    /** When the first byte was written, or {@code -1} if no connection was made. */
    public long sendNanos() {
        return sendNanos;
    }

    /** When the status line arrived, or {@code -1}. */
    public long responseNanos() {
        return responseNanos;
    }

    /** Arrival of the first token event, or {@code -1}. */
    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    /**
     * Index of the first token event among the stream's data events, from 0, or {@code -1}.
     */
    public int firstTokenEventIndex() {
        return firstTokenEventIndex;
    }

    /** Arrival of the first token event carrying answer text, or {@code -1}. */
    public long firstAnswerNanos() {
        return firstAnswerNanos;
    }

    /** Arrival of the last token event, or {@code -1}. */
    public long lastTokenNanos() {
        return lastTokenNanos;
    }

    /** End of the stream ({@code [DONE]} or close), or when the failure was detected. */
    public long endNanos() {
        return endNanos;
    }

    /** Start of the request for duration purposes: send, or dispatch if it was never sent. */
    public long startNanos() {
        return sendNanos >= 0 ? sendNanos : dispatchNanos;
    }

    /** Number of token events. */
    public int tokenEvents() {
        return tokenEventNanos.length;
    }

    /** Arrival time of token event {@code i}, from 0. */
    public long tokenEventNanos(int i) {
        return tokenEventNanos[i];
    }

    /** A copy of the token-event arrival times. */
    public long[] tokenEventNanos() {
        return tokenEventNanos.clone();
    }

    /**
     * Tokens carried by token event {@code i}: from cumulative usage when the server streamed it,
     * from the tokenizer when one counted the text, else 1. Usage and tokenizer counts can be 0
     * for an event whose text completes no token.
     */
    public int tokensInEvent(int i) {
        return tokensPerEvent == null ? 1 : tokensPerEvent[i];
    }

    /** Where per-event token counts came from ({@code EVENT_COUNT} means one per event). */
    public TokenCountSource tokensPerEventSource() {
        return tokensPerEventSource;
    }

    // ---- token counts ----

    /** N_in: prompt tokens, or {@code -1} when unknown. */
    public int inputTokens() {
        return inputTokens;
    }

    public TokenCountSource inputTokenSource() {
        return inputTokenSource;
    }

    /** The workload's own count of the prompt, or {@code -1}. */
    public int expectedInputTokens() {
        return expectedInputTokens;
    }

    /** N_out: generated tokens, reasoning included, or {@code -1} when unknown. */
    public int outputTokens() {
        return outputTokens;
    }

    public TokenCountSource outputTokenSource() {
        return outputTokenSource;
    }

    // ---- text, kept only when the client retains it ----

    /** Generated answer text, or {@code null} when text was not kept. */
    public String answerText() {
        return answerText;
    }

    /** Generated reasoning text, or {@code null} when text was not kept. */
    public String reasoningText() {
        return reasoningText;
    }

    /**
     * End offset in {@link #answerText()} after each token event, or {@code null} when text was
     * not kept; event {@code i}'s answer text is {@code [ends[i-1], ends[i])}.
     */
    public int[] answerTextEnds() {
        return answerTextEnds == null ? null : answerTextEnds.clone();
    }

    /** End offset in {@link #reasoningText()} after each token event, or {@code null}. */
    public int[] reasoningTextEnds() {
        return reasoningTextEnds == null ? null : reasoningTextEnds.clone();
    }

    // ---- derived metrics ----

    /** TTFT in nanoseconds, or {@code -1} when no token arrived or the request was not sent. */
    public long ttftNanos() {
        return since(firstTokenNanos);
    }

    /** TTFO (first answer token) in nanoseconds, or {@code -1}. */
    public long ttfoNanos() {
        return since(firstAnswerNanos);
    }

    /** E2EL in nanoseconds: last token event − send, or {@code -1}. */
    public long e2elNanos() {
        return since(lastTokenNanos);
    }

    /** Stream time in nanoseconds: end of stream − send, or {@code -1} if never sent. */
    public long streamTimeNanos() {
        return since(endNanos);
    }

    /** Schedule lag in nanoseconds: send (or dispatch, if never sent) − scheduled send. */
    public long scheduleLagNanos() {
        return startNanos() - scheduledNanos;
    }

    /**
     * TPOT in nanoseconds: (E2EL − TTFT) / (N_out − 1); {@code NaN} when N_out ≤ 1 or no token
     * arrived.
     */
    public double tpotNanos() {
        if (outputTokens <= 1 || firstTokenNanos < 0 || sendNanos < 0) {
            return Double.NaN;
        }
        return (double) (lastTokenNanos - firstTokenNanos) / (outputTokens - 1);
    }

    /** Number of ICL gaps: token events − 1, or 0. */
    public int iclCount() {
        return Math.max(0, tokenEventNanos.length - 1);
    }

    /** ICL gap {@code i} in nanoseconds: arrival of event {@code i + 1} − arrival of event {@code i}. */
    public long iclNanos(int i) {
        return tokenEventNanos[i + 1] - tokenEventNanos[i];
    }

    /**
     * Calls {@code sink} with every per-token ITL sample in nanoseconds: each ICL gap ending at
     * an event carrying k tokens gives k samples of gap / k. An event counted as carrying 0
     * tokens (text that completes no token, or a usage count that did not grow) gives no sample.
     * Its gap joins the gap of the next event that carries tokens, so the samples still add up to
     * the time from the first token event to the last one that carries tokens.
     */
    public void forEachItlNanos(java.util.function.DoubleConsumer sink) {
        long gapStart = tokenEventNanos.length == 0 ? 0 : tokenEventNanos[0];
        for (int i = 1; i < tokenEventNanos.length; i++) {
            int k = tokensInEvent(i);
            if (k == 0) {
                continue;
            }
            double sample = (double) (tokenEventNanos[i] - gapStart) / k;
            for (int j = 0; j < k; j++) {
                sink.accept(sample);
            }
            gapStart = tokenEventNanos[i];
        }
    }

    private long since(long nanos) {
        return nanos < 0 || sendNanos < 0 ? -1 : nanos - sendNanos;
    }

    @Override
    public String toString() {
        return "RequestRecord[id=" + requestId + (warmup ? ", warmup" : "")
                + ", " + (error == null ? "ok" : errorLabel())
                + ", ttftNanos=" + ttftNanos() + ", e2elNanos=" + e2elNanos()
                + ", tokenEvents=" + tokenEventNanos.length
                + ", out=" + outputTokens + "(" + outputTokenSource.label() + ")"
                + ", in=" + inputTokens + "(" + inputTokenSource.label() + ")]";
    }

    /** Mutable builder; not thread-safe. Arrays passed in are copied by {@link #build()}. */
    public static final class Builder {
        private long requestId;
        private boolean warmup;
        private int datasetIndex;
        private long scheduledNanos = -1;
        private long dispatchNanos = -1;
        private long sendNanos = -1;
        private int httpStatus;
        private long responseNanos = -1;
        private long firstTokenNanos = -1;
        private int firstTokenEventIndex = -1;
        private long firstAnswerNanos = -1;
        private long lastTokenNanos = -1;
        private long endNanos = -1;
        private long[] tokenEventNanos;
        private int[] tokensPerEvent;
        private TokenCountSource tokensPerEventSource = TokenCountSource.EVENT_COUNT;
        private int inputTokens = -1;
        private TokenCountSource inputTokenSource = TokenCountSource.UNKNOWN;
        private int expectedInputTokens = -1;
        private int outputTokens = -1;
        private TokenCountSource outputTokenSource = TokenCountSource.UNKNOWN;
        private String finishReason;
        private ErrorKind error;
        private String errorMessage;
        private String errorBody;
        private String answerText;
        private String reasoningText;
        private int[] answerTextEnds;
        private int[] reasoningTextEnds;

        private Builder() {
        }

        public Builder requestId(long v) { requestId = v; return this; }
        public Builder warmup(boolean v) { warmup = v; return this; }
        public Builder datasetIndex(int v) { datasetIndex = v; return this; }
        public Builder scheduledNanos(long v) { scheduledNanos = v; return this; }
        public Builder dispatchNanos(long v) { dispatchNanos = v; return this; }
        public Builder sendNanos(long v) { sendNanos = v; return this; }
        public Builder httpStatus(int v) { httpStatus = v; return this; }
        public Builder responseNanos(long v) { responseNanos = v; return this; }
        public Builder firstTokenNanos(long v) { firstTokenNanos = v; return this; }
        public Builder firstTokenEventIndex(int v) { firstTokenEventIndex = v; return this; }
        public Builder firstAnswerNanos(long v) { firstAnswerNanos = v; return this; }
        public Builder lastTokenNanos(long v) { lastTokenNanos = v; return this; }
        public Builder endNanos(long v) { endNanos = v; return this; }
        public Builder tokenEventNanos(long[] v) { tokenEventNanos = v; return this; }

        /** Sets per-event token counts and their source; {@code null} means one per event. */
        public Builder tokensPerEvent(int[] counts, TokenCountSource source) {
            tokensPerEvent = counts;
            tokensPerEventSource = counts == null ? TokenCountSource.EVENT_COUNT : source;
            return this;
        }

        public Builder inputTokens(int count, TokenCountSource source) {
            inputTokens = count;
            inputTokenSource = source;
            return this;
        }

        public Builder expectedInputTokens(int v) { expectedInputTokens = v; return this; }

        public Builder outputTokens(int count, TokenCountSource source) {
            outputTokens = count;
            outputTokenSource = source;
            return this;
        }

        public Builder finishReason(String v) { finishReason = v; return this; }

        /** Marks the request failed; {@code kind == null} marks it successful. */
        public Builder error(ErrorKind kind, String message, String body) {
            error = kind;
            errorMessage = message;
            errorBody = body;
            return this;
        }

        /** Sets the kept text and per-event end offsets; all {@code null} when not kept. */
        public Builder text(String answer, int[] answerEnds, String reasoning, int[] reasoningEnds) {
            answerText = answer;
            answerTextEnds = answerEnds;
            reasoningText = reasoning;
            reasoningTextEnds = reasoningEnds;
            return this;
        }

        /**
         * Returns the record.
         *
         * @throws IllegalStateException if per-event arrays do not match the number of token
         *     events, or {@code endNanos} is unset
         */
        public RequestRecord build() {
            int events = tokenEventNanos == null ? 0 : tokenEventNanos.length;
            if (tokensPerEvent != null && tokensPerEvent.length != events) {
                throw new IllegalStateException("tokensPerEvent has " + tokensPerEvent.length
                        + " entries for " + events + " token events");
            }
            if (answerTextEnds != null && answerTextEnds.length != events) {
                throw new IllegalStateException("answerTextEnds has " + answerTextEnds.length
                        + " entries for " + events + " token events");
            }
            if (reasoningTextEnds != null && reasoningTextEnds.length != events) {
                throw new IllegalStateException("reasoningTextEnds has " + reasoningTextEnds.length
                        + " entries for " + events + " token events");
            }
            if (endNanos < 0) {
                throw new IllegalStateException("endNanos is not set for request " + requestId);
            }
            return new RequestRecord(this);
        }

        @Override
        public String toString() {
            return "RequestRecord.Builder[id=" + requestId + ", events=" + events() + "]";
        }

        private int events() {
            return tokenEventNanos == null ? 0 : tokenEventNanos.length;
        }
    }
}
