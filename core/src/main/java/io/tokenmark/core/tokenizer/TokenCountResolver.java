package io.tokenmark.core.tokenizer;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.TokenCountSource;
import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.core.workload.RequestSpec;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills in the token counts a server did not report, from the tokenizer, following the metric
 * definitions' order of preference (server usage, then tokenizer, then one token per event):
 *
 * <ul>
 *   <li><b>N_out</b>: unless it came from {@code usage}, the tokenizer's count of the generated
 *       text, answer and reasoning counted separately and added.</li>
 *   <li><b>Tokens per event</b> (the k of per-token ITL): unless they came from cumulative usage,
 *       the whole text is tokenized once and each token counts for the event that delivered its
 *       last character. The counts then add up to the tokenizer's N_out. An event can get 0
 *       tokens ("Hel" before "lo"), and its gap then joins the next event's (see
 *       {@link RequestRecord#forEachItlNanos}). An event that delivered no text at all gets 1.</li>
 *   <li><b>N_in</b>: unless it came from {@code usage}, the workload's count of the prompt
 *       ({@link RequestRecord#expectedInputTokens()}), or, when that is unknown and the spec is
 *       given, the tokenizer's count of the spec's prompt as the configured API sends it.</li>
 * </ul>
 * Every count set here is marked {@link TokenCountSource#TOKENIZER}. The generated text is there
 * only when the client kept it ({@code retainText}). Without it and without usage, N_out stays the
 * number of token events, and the first such record is logged as a warning.
 *
 * <p><b>Caveats.</b> Re-encoding generated text can give fewer tokens than the model generated,
 * because a model may emit a split that the tokenizer would merge. The end-of-sequence token and
 * reasoning models' {@code <think>} markers are not in the streamed text, so they are not
 * counted either. So when {@code usage.completion_tokens} gives N_out but the server streamed no
 * cumulative usage, the per-event counts can add up to a little less than N_out. They are kept
 * as the tokenizer gives them and not scaled to N_out, because no event is known to hold the
 * missing tokens.
 *
 * <p><b>Threading:</b> thread-safe. Tokenizing costs one encode of the answer and one of the
 * reasoning per record, so call it off the client's I/O threads, for example on the thread that writes records.
 */
public final class TokenCountResolver {
    private static final Logger log = LoggerFactory.getLogger(TokenCountResolver.class);

    private final Tokenizer tokenizer;
    private final ApiKind api;
    private final AtomicBoolean missingTextLogged = new AtomicBoolean();

    /**
     * @param tokenizer the target model's tokenizer, which the caller keeps and closes
     * @param api the API the requests went to, which decides how a spec's prompt is counted
     */
    public TokenCountResolver(Tokenizer tokenizer, ApiKind api) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.api = Objects.requireNonNull(api, "api");
    }

    /** Returns the record with counts filled in; the record itself when nothing changes. */
    public RequestRecord resolve(RequestRecord record) {
        return resolve(record, null);
    }

    /**
     * Returns the record with counts filled in, counting {@code spec}'s prompt when the record
     * has neither a usage nor an expected input count.
     *
     * @param spec the request's spec, or {@code null}
     * @throws IllegalArgumentException if the spec has no prompt and the API is completions
     */
    public RequestRecord resolve(RequestRecord record, RequestSpec spec) {
        RequestRecord.Builder builder = record.toBuilder();
        boolean changed = resolveOutput(record, builder);
        changed |= resolveInput(record, spec, builder);
        return changed ? builder.build() : record;
    }

    private boolean resolveOutput(RequestRecord record, RequestRecord.Builder builder) {
        boolean outputFromUsage = record.outputTokenSource() == TokenCountSource.USAGE;
        boolean eventsFromUsage = record.tokensPerEventSource() == TokenCountSource.USAGE;
        if (outputFromUsage && eventsFromUsage) {
            return false;
        }
        if (record.answerText() == null) {
            if (!outputFromUsage && record.tokenEvents() > 0 && missingTextLogged.compareAndSet(false, true)) {
                log.warn("Request {} has no usage and no kept text, so its output tokens are the "
                        + "number of token events; keep text in the client options or request "
                        + "usage for real counts. Later such requests are not logged.", record.requestId());
            }
            return false;
        }

        String answer = record.answerText();
        String reasoning = record.reasoningText() == null ? "" : record.reasoningText();
        int[] answerTokenEnds = tokenEnds(answer);
        int[] reasoningTokenEnds = tokenEnds(reasoning);
        if (!outputFromUsage) {
            builder.outputTokens(answerTokenEnds.length + reasoningTokenEnds.length,
                    TokenCountSource.TOKENIZER);
        }
        if (!eventsFromUsage && record.answerTextEnds() != null) {
            builder.tokensPerEvent(countPerEvent(record, answerTokenEnds, reasoningTokenEnds),
                    TokenCountSource.TOKENIZER);
        }
        return true;
    }

    /**
     * Attributes each token of the whole text to the event that delivered its last character.
     * Tokenizing each event's text alone would overcount, because BPE merges across event
     * boundaries: "Hel" and "lo" are 2 tokens alone but 1 together.
     */
    private static int[] countPerEvent(RequestRecord record, int[] answerTokenEnds,
            int[] reasoningTokenEnds) {
        int[] answerEnds = record.answerTextEnds();
        int[] reasoningEnds = record.reasoningTextEnds();
        int[] counts = new int[record.tokenEvents()];
        attribute(answerTokenEnds, answerEnds, counts);
        if (reasoningEnds != null) {
            attribute(reasoningTokenEnds, reasoningEnds, counts);
        }
        for (int i = 0; i < counts.length; i++) {
            boolean deliveredText = delivered(answerEnds, i) || delivered(reasoningEnds, i);
            // An event that delivered no text at all (a tool call's name, for example) still
            // carried a token that this text does not show.
            if (!deliveredText) {
                counts[i] = Math.max(1, counts[i]);
            }
        }
        return counts;
    }

    private static void attribute(int[] tokenEnds, int[] eventEnds, int[] counts) {
        if (eventEnds.length == 0) {
            return;
        }
        int event = 0;
        for (int end : tokenEnds) {
            while (event < eventEnds.length - 1 && eventEnds[event] < end) {
                event++;
            }
            counts[event]++;
        }
    }

    private static boolean delivered(int[] eventEnds, int event) {
        if (eventEnds == null) {
            return false;
        }
        int start = event == 0 ? 0 : eventEnds[event - 1];
        return eventEnds[event] > start;
    }

    private boolean resolveInput(RequestRecord record, RequestSpec spec, RequestRecord.Builder builder) {
        if (record.inputTokenSource() == TokenCountSource.USAGE) {
            return false;
        }
        if (record.expectedInputTokens() >= 0) {
            if (record.inputTokenSource() == TokenCountSource.TOKENIZER
                    && record.inputTokens() == record.expectedInputTokens()) {
                return false;
            }
            builder.inputTokens(record.expectedInputTokens(), TokenCountSource.TOKENIZER);
            return true;
        }
        if (spec == null) {
            return false;
        }
        builder.inputTokens(countPrompt(spec), TokenCountSource.TOKENIZER);
        return true;
    }

    private int countPrompt(RequestSpec spec) {
        if (api == ApiKind.COMPLETIONS) {
            if (spec.prompt() == null) {
                throw new IllegalArgumentException("spec " + spec + " has messages but no prompt, "
                        + "so the completions API cannot have sent it");
            }
            return tokenizer.countCompletionPrompt(spec.prompt());
        }
        // A chat client sends a prompt-only spec as one user message.
        List<ChatMessage> messages = spec.messages() != null
                ? spec.messages() : List.of(ChatMessage.user(spec.prompt()));
        return tokenizer.countChatPrompt(messages);
    }

    private int[] tokenEnds(String text) {
        return text.isEmpty() ? new int[0] : tokenizer.tokenEnds(text);
    }
}
