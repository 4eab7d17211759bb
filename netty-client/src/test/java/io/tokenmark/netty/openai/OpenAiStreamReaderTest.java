package io.tokenmark.netty.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.netty.openai.OpenAiStreamReader.Outcome;
import io.tokenmark.netty.sse.SseEventDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI stream semantics of {@link OpenAiStreamReader}, fed through the real SSE decoder. */
class OpenAiStreamReaderTest {
    private final List<String> calls = new ArrayList<>();
    private final Listener listener = new Listener();
    private OpenAiStreamReader reader = newReader(true);
    private SseEventDecoder decoder = new SseEventDecoder(1 << 20, reader);

    private OpenAiStreamReader newReader(boolean retainText) {
        OpenAiStreamReader created = new OpenAiStreamReader(retainText);
        created.start(listener);
        return created;
    }

    private void feed(String... dataValues) {
        StringBuilder body = new StringBuilder();
        for (String data : dataValues) {
            body.append("data: ").append(data).append("\n\n");
        }
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer();
        buffer.writeCharSequence(body, StandardCharsets.UTF_8);
        try {
            decoder.decode(buffer, 7);
        } finally {
            buffer.release();
        }
    }

    private static String delta(String deltaJson) {
        return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + deltaJson + ",\"finish_reason\":null}]}";
    }

    @Test
    void readerSkipsRoleOnlyChunk() {
        feed(delta("{\"role\":\"assistant\",\"content\":\"\"}"), delta("{\"content\":\"Hi\"}"));
        assertThat(calls).containsExactly("token#1 answer=Hi");
    }

    @Test
    void readerCountsReasoningAsTokenEvent() {
        feed(delta("{\"reasoning_content\":\"think\",\"content\":null}"));
        assertThat(calls).containsExactly("token#0 reasoning=think");
        assertThat(listener.lastEvent.hasReasoning()).isTrue();
        assertThat(listener.lastEvent.hasAnswer()).isFalse();
    }

    @Test
    void readerAcceptsReasoningField() {
        feed(delta("{\"reasoning\":\"think\"}"));
        assertThat(calls).containsExactly("token#0 reasoning=think");
    }

    @Test
    void readerCountsDuplicatedReasoningOnce() {
        feed(delta("{\"reasoning_content\":\"think\",\"reasoning\":\"think\"}"));
        assertThat(calls).containsExactly("token#0 reasoning=think");
    }

    @Test
    void readerCountsToolCallArgumentsAsAnswer() {
        feed(delta("{\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":1}\"}}]}"));
        assertThat(calls).containsExactly("token#1 answer={\"a\":1}");
    }

    @Test
    void readerCountsCompletionsTextAsAnswer() {
        feed("{\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\" the\","
                + "\"logprobs\":null,\"finish_reason\":null}]}");
        assertThat(calls).containsExactly("token#0 answer= the");
    }

    @Test
    void readerTreatsDoneOnlyAsWholeDataValue() {
        // "[DONE] " with a trailing space is not the terminator; it is data that is not JSON.
        feed(delta("{\"content\":\"[DONE]\"}"), "[DONE] ", "[DONE]");
        assertThat(calls).containsExactly("token#0 answer=[DONE]");
        assertThat(reader.failureKind()).isEqualTo(ErrorKind.MALFORMED_EVENT);
    }

    @Test
    void readerCompletesAtDone() {
        feed(delta("{\"content\":\"a\"}"), "[DONE]", delta("{\"content\":\"late\"}"));
        assertThat(calls).containsExactly("token#0 answer=a");
        assertThat(reader.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(reader.endNanos()).isEqualTo(7);
    }

    @Test
    void readerReadsMembersInUnusualOrder() {
        feed("{\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{\"role\":\"assistant\","
                + "\"reasoning\":\"r\",\"content\":\"a\"},\"index\":0}],\"model\":\"m\","
                + "\"system_fingerprint\":\"fp\",\"usage\":{\"completion_tokens\":2,"
                + "\"prompt_tokens\":9},\"id\":\"x\"}");
        assertThat(calls).containsExactly("token#0 reasoning=r answer=a", "usage 9/2",
                "finish stop");
    }

    @Test
    void readerIgnoresNamesAtWrongLevel() {
        feed("{\"id\":\"x\",\"content\":\"top\",\"choices\":[{\"index\":0,\"content\":\"choice\","
                + "\"delta\":{\"text\":\"delta\",\"index\":0}}],\"finish_reason\":\"stop\"}");
        assertThat(calls).isEmpty();
    }

    @Test
    void readerAcceptsUsageChunkWithEmptyChoices() {
        feed("{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}");
        assertThat(calls).containsExactly("usage 5/2");
    }

    @Test
    void readerAcceptsNullUsage() {
        feed("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"usage\":null}");
        assertThat(calls).containsExactly("token#0 answer=a");
    }

    @Test
    void readerReportsTokenEventBeforeUsage() {
        feed("{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4},\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}");
        assertThat(calls).containsExactly("token#0 answer=x", "usage 3/4", "finish stop");
        assertThat(listener.lastCumulative).isEqualTo(4);
    }

    @Test
    void readerFailsOnErrorBeforeTokens() {
        feed("{\"error\":{\"message\":\"model not loaded\",\"type\":\"BadRequest\",\"code\":400}}");
        assertThat(reader.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(reader.failureKind()).isEqualTo(ErrorKind.STREAM_ERROR);
        assertThat(reader.failureMessage()).isEqualTo("model not loaded");
    }

    @Test
    void readerFailsOnErrorAfterTokens() {
        feed(delta("{\"content\":\"Hel\"}"), "{\"error\":{\"message\":\"engine failure\"}}", "[DONE]");
        assertThat(calls).containsExactly("token#0 answer=Hel");
        assertThat(reader.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(reader.failureKind()).isEqualTo(ErrorKind.STREAM_ERROR);
    }

    @Test
    void readerAcceptsStringError() {
        feed("{\"error\":\"overloaded\"}");
        assertThat(reader.failureMessage()).isEqualTo("overloaded");
    }

    @Test
    void readerFailsOnErrorEventType() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer();
        buffer.writeCharSequence("event: error\ndata: upstream gone\n\n", StandardCharsets.UTF_8);
        try {
            decoder.decode(buffer, 1);
        } finally {
            buffer.release();
        }
        assertThat(reader.failureKind()).isEqualTo(ErrorKind.STREAM_ERROR);
        assertThat(reader.failureMessage()).contains("upstream gone");
    }

    @Test
    void readerFailsOnNonJsonData() {
        feed("hello");
        assertThat(reader.failureKind()).isEqualTo(ErrorKind.MALFORMED_EVENT);
        assertThat(reader.failureMessage()).startsWith("event 0:");
    }

    @Test
    void readerFailsOnTruncatedJson() {
        feed("{\"choices\":[{\"delta\":{\"content\":\"a\"");
        assertThat(reader.failureKind()).isEqualTo(ErrorKind.MALFORMED_EVENT);
        assertThat(reader.failureMessage()).contains("ends inside");
    }

    @Test
    void readerFailsOnTrailingData() {
        feed("{\"choices\":[]} {\"choices\":[]}");
        assertThat(reader.failureKind()).isEqualTo(ErrorKind.MALFORMED_EVENT);
    }

    @Test
    void readerRecoversParserForNextStream() {
        feed("{\"choices\":[");
        reader.start(listener);
        calls.clear();
        feed(delta("{\"content\":\"ok\"}"));
        assertThat(calls).containsExactly("token#1 answer=ok");
    }

    @Test
    void readerSkipsEmptyData() {
        feed("", delta("{\"content\":\"a\"}"));
        assertThat(calls).containsExactly("token#1 answer=a");
    }

    @Test
    void readerCompletesAtEndAfterFinishReason() {
        feed(delta("{\"content\":\"a\"}"),
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}");
        reader.endOfStream(9, "text/event-stream");
        assertThat(reader.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(reader.endNanos()).isEqualTo(9);
        assertThat(calls).containsExactly("token#0 answer=a", "finish length");
    }

    @Test
    void readerTruncatesAtEndWithoutFinishReason() {
        feed(delta("{\"content\":\"a\"}"));
        reader.endOfStream(9, "text/event-stream");
        assertThat(reader.failureKind()).isEqualTo(ErrorKind.TRUNCATED);
    }

    @Test
    void readerNamesUnexpectedContentTypeWhenTruncated() {
        reader.endOfStream(9, "application/json");
        assertThat(reader.failureMessage()).contains("application/json");
    }

    @Test
    void readerLeavesTextOutWhenNotRetained() {
        reader = newReader(false);
        decoder = new SseEventDecoder(1 << 20, reader);
        feed(delta("{\"content\":\"a\",\"reasoning_content\":\"b\"}"));
        assertThat(listener.lastEvent.answerText()).isNull();
        assertThat(listener.lastEvent.reasoningText()).isNull();
        assertThat(listener.lastEvent.hasAnswer()).isTrue();
    }

    @Test
    void readerJoinsTextOfSeveralChoices() {
        feed("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},"
                + "{\"index\":1,\"delta\":{\"content\":\"b\"}}]}");
        assertThat(calls).containsExactly("token#0 answer=ab");
    }

    @Test
    void readerDecodesEscapesAndUnicode() {
        feed(delta("{\"content\":\"\\u4f60\\n\\\"好\\\"\"}"));
        assertThat(calls).containsExactly("token#0 answer=你\n\"好\"");
    }

    private final class Listener implements StreamListener {
        TokenEvent lastEvent;
        int lastCumulative;

        @Override
        public void onRequestSent(long sendNanos) {
            calls.add("sent");
        }

        @Override
        public void onResponseHeaders(int httpStatus, long arrivalNanos) {
            calls.add("headers " + httpStatus);
        }

        @Override
        public void onTokenEvent(TokenEvent event) {
            lastEvent = event;
            lastCumulative = event.cumulativeCompletionTokens();
            StringBuilder call = new StringBuilder("token#" + event.eventIndex());
            if (event.reasoningText() != null) {
                call.append(" reasoning=").append(event.reasoningText());
            }
            if (event.answerText() != null) {
                call.append(" answer=").append(event.answerText());
            }
            calls.add(call.toString());
        }

        @Override
        public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
            calls.add("usage " + promptTokens + "/" + completionTokens);
        }

        @Override
        public void onFinishReason(String finishReason) {
            calls.add("finish " + finishReason);
        }

        @Override
        public void onComplete(long endNanos) {
            calls.add("complete");
        }

        @Override
        public void onFailure(RequestFailure failure) {
            calls.add("failure");
        }
    }
}
