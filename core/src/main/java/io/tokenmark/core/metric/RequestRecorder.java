package io.tokenmark.core.metric;

import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.core.workload.RequestSpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link StreamListener} that turns one request's callbacks into a {@link RequestRecord} and
 * hands it to a consumer when the stream ends.
 *
 * <p>Token counts resolve as the metric definitions require: output tokens from the last
 * {@code usage.completion_tokens}, else the number of token events (a tokenizer may refine this
 * later through {@link RequestRecord#toBuilder()}); input tokens from {@code usage.prompt_tokens},
 * else the workload's tokenizer count. Per-event token counts come from cumulative usage when
 * every token event carried it.
 *
 * <p><b>Threading:</b> single-threaded, like the listener contract: all callbacks come from one
 * I/O thread. The consumer runs on that thread and must not block. Per token event the recorder
 * stores one {@code long} in a growing array and allocates nothing else unless text is kept.
 */
public final class RequestRecorder implements StreamListener {
    private static final int INITIAL_EVENTS = 64;

    private final RequestRecord.Builder builder;
    private final int expectedInputTokens;
    private final Consumer<RequestRecord> onDone;

    private long sendNanos = -1;
    private long[] arrivals = new long[INITIAL_EVENTS];
    private int[] tokensPerEvent;
    private int events;
    private boolean cumulativeOnEveryEvent = true;
    private int lastCumulative;
    private long firstTokenNanos = -1;
    private int firstTokenEventIndex = -1;
    private long firstAnswerNanos = -1;
    private int usagePromptTokens = -1;
    private int usageCompletionTokens = -1;
    private String finishReason;

    private StringBuilder answer;
    private StringBuilder reasoning;
    private int[] answerEnds;
    private int[] reasoningEnds;

    private boolean done;

    /**
     * @param requestId unique id within the run
     * @param warmup whether the request belongs to warm-up
     * @param spec the request's spec, for its dataset index and expected input length
     * @param scheduledNanos when the load schedule wanted the request sent
     * @param dispatchNanos when it was handed to the client
     * @param onDone receives the record on the I/O thread, exactly once
     */
    public RequestRecorder(long requestId, boolean warmup, RequestSpec spec,
            long scheduledNanos, long dispatchNanos, Consumer<RequestRecord> onDone) {
        this.onDone = Objects.requireNonNull(onDone, "onDone");
        this.expectedInputTokens = spec.expectedInputTokens();
        this.builder = RequestRecord.builder()
                .requestId(requestId)
                .warmup(warmup)
                .datasetIndex(spec.datasetIndex())
                .scheduledNanos(scheduledNanos)
                .dispatchNanos(dispatchNanos)
                .expectedInputTokens(spec.expectedInputTokens());
    }

    @Override
    public void onRequestSent(long sendNanos) {
        this.sendNanos = sendNanos;
    }

    @Override
    public void onResponseHeaders(int httpStatus, long arrivalNanos) {
        builder.httpStatus(httpStatus).responseNanos(arrivalNanos);
    }

    @Override
    public void onTokenEvent(TokenEvent event) {
        long arrival = event.arrivalNanos();
        if (events == arrivals.length) {
            arrivals = Arrays.copyOf(arrivals, events * 2);
        }
        arrivals[events] = arrival;

        if (firstTokenNanos < 0) {
            firstTokenNanos = arrival;
            firstTokenEventIndex = event.eventIndex();
        }
        if (firstAnswerNanos < 0 && event.hasAnswer()) {
            firstAnswerNanos = arrival;
        }

        recordCumulativeCount(event.cumulativeCompletionTokens());
        recordText(event.answerText(), event.reasoningText());
        events++;
    }

    private void recordCumulativeCount(int cumulative) {
        if (!cumulativeOnEveryEvent) {
            return;
        }
        if (cumulative < 0) {
            cumulativeOnEveryEvent = false;
            tokensPerEvent = null;
            return;
        }
        if (tokensPerEvent == null) {
            tokensPerEvent = new int[arrivals.length];
        } else if (tokensPerEvent.length < arrivals.length) {
            tokensPerEvent = Arrays.copyOf(tokensPerEvent, arrivals.length);
        }
        tokensPerEvent[events] = Math.max(0, cumulative - lastCumulative);
        lastCumulative = cumulative;
    }

    private void recordText(CharSequence answerText, CharSequence reasoningText) {
        if (answerText == null && reasoningText == null && answer == null) {
            return;
        }
        if (answer == null) {
            // Text is kept from the first event that carries it; earlier events had none.
            answer = new StringBuilder();
            reasoning = new StringBuilder();
            answerEnds = new int[arrivals.length];
            reasoningEnds = new int[arrivals.length];
        } else if (answerEnds.length < arrivals.length) {
            answerEnds = Arrays.copyOf(answerEnds, arrivals.length);
            reasoningEnds = Arrays.copyOf(reasoningEnds, arrivals.length);
        }
        if (answerText != null) {
            answer.append(answerText);
        }
        if (reasoningText != null) {
            reasoning.append(reasoningText);
        }
        answerEnds[events] = answer.length();
        reasoningEnds[events] = reasoning.length();
    }

    @Override
    public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
        if (promptTokens >= 0) {
            usagePromptTokens = promptTokens;
        }
        if (completionTokens >= 0) {
            usageCompletionTokens = completionTokens;
            lastCumulative = Math.max(lastCumulative, completionTokens);
        }
    }

    @Override
    public void onFinishReason(String finishReason) {
        if (this.finishReason == null) {
            this.finishReason = finishReason;
        }
    }

    @Override
    public void onComplete(long endNanos) {
        finish(endNanos, null);
    }

    @Override
    public void onFailure(RequestFailure failure) {
        finish(failure.failedNanos(), failure);
    }

    private void finish(long endNanos, RequestFailure failure) {
        if (done) {
            return;
        }
        done = true;

        long[] eventTimes = Arrays.copyOf(arrivals, events);
        builder.sendNanos(sendNanos)
                .firstTokenNanos(firstTokenNanos)
                .firstTokenEventIndex(firstTokenEventIndex)
                .firstAnswerNanos(firstAnswerNanos)
                .lastTokenNanos(events == 0 ? -1 : eventTimes[events - 1])
                .endNanos(endNanos)
                .tokenEventNanos(eventTimes)
                .finishReason(finishReason);

        if (cumulativeOnEveryEvent && tokensPerEvent != null) {
            builder.tokensPerEvent(Arrays.copyOf(tokensPerEvent, events), TokenCountSource.USAGE);
        }
        resolveTokenCounts();
        if (answer != null) {
            builder.text(answer.toString(), Arrays.copyOf(answerEnds, events),
                    reasoning.toString(), Arrays.copyOf(reasoningEnds, events));
        }
        if (failure != null) {
            if (failure.httpStatus() != 0) {
                builder.httpStatus(failure.httpStatus());
            }
            builder.error(failure.kind(), failure.message(), failure.responseBody());
        }

        onDone.accept(builder.build());
    }

    private void resolveTokenCounts() {
        if (usageCompletionTokens >= 0) {
            builder.outputTokens(usageCompletionTokens, TokenCountSource.USAGE);
        } else {
            builder.outputTokens(events, TokenCountSource.EVENT_COUNT);
        }
        if (usagePromptTokens >= 0) {
            builder.inputTokens(usagePromptTokens, TokenCountSource.USAGE);
        } else if (expectedInputTokens >= 0) {
            builder.inputTokens(expectedInputTokens, TokenCountSource.TOKENIZER);
        }
    }
}
