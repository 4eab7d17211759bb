package io.tokenmark.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.RequestRecorder;
import io.tokenmark.core.metric.TokenCountSource;
import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.core.workload.RequestSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Records come from a real {@link RequestRecorder} fed the callbacks a client would make. */
class TokenCountResolverTest {
    private final HuggingFaceTokenizer qwen3 = SharedQwen3.tokenizer();
    private final TokenCountResolver resolver = new TokenCountResolver(qwen3, ApiKind.CHAT);

    @Test
    void noUsageCountsOutputAndEventsWithTokenizer() {
        RequestRecord record = stream(spec(12), true,
                answer("Hello"), answer(", world"), answer("!"));

        RequestRecord resolved = resolver.resolve(record);

        assertThat(resolved.outputTokens()).isEqualTo(4);
        assertThat(resolved.outputTokenSource()).isEqualTo(TokenCountSource.TOKENIZER);
        assertThat(new int[] {resolved.tokensInEvent(0), resolved.tokensInEvent(1), resolved.tokensInEvent(2)})
                .containsExactly(1, 2, 1);
        assertThat(resolved.tokensPerEventSource()).isEqualTo(TokenCountSource.TOKENIZER);
        assertThat(resolved.inputTokens()).isEqualTo(12);
        assertThat(resolved.inputTokenSource()).isEqualTo(TokenCountSource.TOKENIZER);
    }

    @Test
    void finalUsageKeepsCountsButRefinesEvents() {
        RequestRecord record = stream(spec(12), true, usage(20, 7),
                answer("Hello"), answer(", world"), answer("!"));

        RequestRecord resolved = resolver.resolve(record);

        assertThat(resolved.outputTokens()).isEqualTo(7);
        assertThat(resolved.outputTokenSource()).isEqualTo(TokenCountSource.USAGE);
        assertThat(resolved.inputTokens()).isEqualTo(20);
        assertThat(resolved.inputTokenSource()).isEqualTo(TokenCountSource.USAGE);
        assertThat(resolved.tokensInEvent(1)).isEqualTo(2);
        assertThat(resolved.tokensPerEventSource()).isEqualTo(TokenCountSource.TOKENIZER);
    }

    @Test
    void cumulativeUsageLeavesRecordUnchanged() {
        RequestRecord record = stream(spec(12), true, usage(20, 3),
                cumulative(answer("Hello"), 1), cumulative(answer(", world"), 2), cumulative(answer("!"), 3));

        RequestRecord resolved = resolver.resolve(record);

        assertThat(resolved).isSameAs(record);
        assertThat(resolved.tokensPerEventSource()).isEqualTo(TokenCountSource.USAGE);
    }

    @Test
    void reasoningTextCountsTowardOutput() {
        RequestRecord record = stream(spec(12), true,
                reasoning("Let me think."), reasoning(" Paris."), answer("The capital is Paris."));

        RequestRecord resolved = resolver.resolve(record);

        int reasoningTokens = qwen3.count("Let me think. Paris.");
        int answerTokens = qwen3.count("The capital is Paris.");
        assertThat(resolved.outputTokens()).isEqualTo(reasoningTokens + answerTokens);
        assertThat(resolved.tokensInEvent(0)).isEqualTo(qwen3.count("Let me think."));
        assertThat(resolved.tokensInEvent(1)).isEqualTo(qwen3.count(" Paris."));
        assertThat(resolved.tokensInEvent(2)).isEqualTo(answerTokens);
    }

    @Test
    void eventsSplittingTokensSumToWholeTextCount() {
        String[] pieces = {"Hel", "lo wor", "ld, unbeliev", "able", " café 😀 数据!"};
        RequestRecord record = stream(spec(12), true, answers(pieces));

        RequestRecord resolved = resolver.resolve(record);

        int wholeCount = qwen3.count(String.join("", pieces));
        int pieceCount = 0;
        for (String piece : pieces) {
            pieceCount += qwen3.count(piece);
        }
        assertThat(pieceCount).isGreaterThan(wholeCount);
        assertThat(perEvent(resolved)).containsExactly(0, 1, 2, 1, wholeCount - 4);
        assertThat(IntStream.of(perEvent(resolved)).sum()).isEqualTo(wholeCount);
        assertThat(resolved.outputTokens()).isEqualTo(wholeCount);
    }

    @Test
    void zeroTokenEventGapJoinsNextSample() {
        RequestRecord record = stream(spec(12), true, answers("Hi", " unbeliev", "able"));

        RequestRecord resolved = resolver.resolve(record);

        List<Double> samples = new ArrayList<>();
        resolved.forEachItlNanos(samples::add);
        assertThat(perEvent(resolved)).containsExactly(1, 0, 1);
        assertThat(samples).containsExactly(2_000.0);
    }

    @Test
    void textlessEventCountsOneToken() {
        RequestRecord record = stream(spec(12), true, answers("Hello", "", " world"));

        RequestRecord resolved = resolver.resolve(record);

        assertThat(perEvent(resolved)).containsExactly(1, 1, 1);
    }

    @Test
    void noTextKeepsEventCountAndWarnsOnce() {
        RequestRecord first = stream(spec(12), false, answer("Hello"), answer(", world"));
        RequestRecord second = stream(spec(12), false, answer("again"));

        AtomicReference<RequestRecord> resolved = new AtomicReference<>();
        String log = captureStandardError(() -> {
            resolved.set(resolver.resolve(first));
            resolver.resolve(second);
        });

        assertThat(resolved.get().outputTokens()).isEqualTo(2);
        assertThat(resolved.get().outputTokenSource()).isEqualTo(TokenCountSource.EVENT_COUNT);
        assertThat(log.lines().filter(line -> line.contains("WARN")).count()).isEqualTo(1);
        assertThat(log).contains("Request 1 has no usage and no kept text");
    }

    @Test
    void unknownInputIsCountedFromChatSpec() {
        RequestSpec spec = RequestSpec.builder()
                .messages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello")))
                .maxTokens(8).build();
        RequestRecord record = stream(spec, true, answer("Hi"));

        RequestRecord resolved = resolver.resolve(record, spec);

        assertThat(resolved.inputTokens()).isEqualTo(qwen3.countChatPrompt(spec.messages()));
        assertThat(resolved.inputTokens()).isGreaterThan(qwen3.count("Be brief.Hello"));
        assertThat(resolved.inputTokenSource()).isEqualTo(TokenCountSource.TOKENIZER);
    }

    @Test
    void unknownInputIsCountedFromCompletionsPrompt() {
        RequestSpec spec = RequestSpec.builder().prompt("Hello, world!").maxTokens(8).build();
        RequestRecord record = stream(spec, true, answer("Hi"));

        RequestRecord resolved = new TokenCountResolver(qwen3, ApiKind.COMPLETIONS).resolve(record, spec);

        assertThat(resolved.inputTokens()).isEqualTo(4);
    }

    @Test
    void unknownInputWithoutSpecStaysUnknown() {
        RequestSpec spec = RequestSpec.builder().prompt("Hello, world!").maxTokens(8).build();

        RequestRecord resolved = resolver.resolve(stream(spec, true, answer("Hi")));

        assertThat(resolved.inputTokens()).isEqualTo(-1);
        assertThat(resolved.inputTokenSource()).isEqualTo(TokenCountSource.UNKNOWN);
    }

    private static RequestSpec spec(int expectedInputTokens) {
        return RequestSpec.builder()
                .messages(List.of(ChatMessage.user("question")))
                .maxTokens(16)
                .expectedInputTokens(expectedInputTokens)
                .build();
    }

    /** Feeds one stream to a recorder; a {@link Usage} step before the events is sent at the end. */
    private static RequestRecord stream(RequestSpec spec, boolean keepText, Object... steps) {
        AtomicReference<RequestRecord> done = new AtomicReference<>();
        RequestRecorder recorder = new RequestRecorder(1, false, spec, 0, 0, done::set);
        recorder.onRequestSent(1_000);
        recorder.onResponseHeaders(200, 2_000);
        long now = 10_000;
        Usage usage = null;
        int index = 0;
        for (Object step : steps) {
            if (step instanceof Usage) {
                usage = (Usage) step;
                continue;
            }
            Event event = (Event) step;
            now += 1_000;
            recorder.onTokenEvent(event.at(now, index++, keepText));
        }
        recorder.onFinishReason("stop");
        if (usage != null) {
            recorder.onUsage(now + 10, usage.prompt, usage.completion);
        }
        recorder.onComplete(now + 20);
        return done.get();
    }

    private static Object[] answers(String... texts) {
        return Stream.of(texts).map(TokenCountResolverTest::answer).toArray();
    }

    private static int[] perEvent(RequestRecord record) {
        return IntStream.range(0, record.tokenEvents()).map(record::tokensInEvent).toArray();
    }

    private static Event answer(String text) {
        return new Event(text, null, -1);
    }

    private static Event reasoning(String text) {
        return new Event(null, text, -1);
    }

    private static Event cumulative(Event event, int completionTokens) {
        return new Event(event.answer, event.reasoning, completionTokens);
    }

    private static Usage usage(int prompt, int completion) {
        return new Usage(prompt, completion);
    }

    private record Usage(int prompt, int completion) {
    }

    private record Event(String answer, String reasoning, int cumulativeTokens) {
        TokenEvent at(long arrivalNanos, int eventIndex, boolean keepText) {
            return new TokenEvent() {
                @Override
                public long arrivalNanos() {
                    return arrivalNanos;
                }

                @Override
                public int eventIndex() {
                    return eventIndex;
                }

                @Override
                public boolean hasReasoning() {
                    return reasoning != null;
                }

                @Override
                public boolean hasAnswer() {
                    return answer != null;
                }

                @Override
                public int cumulativeCompletionTokens() {
                    return cumulativeTokens;
                }

                @Override
                public CharSequence reasoningText() {
                    return keepText ? reasoning : null;
                }

                @Override
                public CharSequence answerText() {
                    return keepText ? answer : null;
                }
            };
        }
    }

    private static String captureStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
