package io.tokenmark.simulator.openai;

import static io.tokenmark.simulator.SimulatorTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.tokenmark.core.client.ApiKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Event bytes: valid JSON, escaping, UTF-8, sizes. */
class ChunkEncoderTest {
    private static String data(ByteBuf buffer) {
        try {
            String text = buffer.toString(StandardCharsets.UTF_8);
            assertThat(text).startsWith("data: ").endsWith("\n\n");
            return text.substring("data: ".length(), text.length() - 2);
        } finally {
            buffer.release();
        }
    }

    @Test
    void everyVocabularyWordSurvivesJsonRoundTrip() {
        OutputPlan plan = new OutputPlan(2000, 0, "length", 5);
        ChunkEncoder encoder = new ChunkEncoder(ApiKind.CHAT, "chatcmpl-\"q\"", 1, "m\\1", 7, plan,
                true);
        ByteBuf buffer = Unpooled.buffer();
        encoder.writeTokenChunk(buffer, 0, 2000, "length");

        JsonNode chunk = parse(data(buffer));

        assertThat(chunk.path("id").asText()).isEqualTo("chatcmpl-\"q\"");
        assertThat(chunk.path("model").asText()).isEqualTo("m\\1");
        assertThat(chunk.path("choices").get(0).path("delta").path("content").asText())
                .isEqualTo(TokenText.text(5, 0, 2000));
        assertThat(chunk.path("usage").path("total_tokens").asInt()).isEqualTo(2007);
    }

    @Test
    void chunkSpanningReasoningBoundaryCarriesBothFields() {
        OutputPlan plan = new OutputPlan(6, 2, "stop", 9);
        ChunkEncoder encoder = new ChunkEncoder(ApiKind.CHAT, "c", 1, "m", 3, plan, false);
        ByteBuf buffer = Unpooled.buffer();
        encoder.writeTokenChunk(buffer, 1, 3, null);

        JsonNode delta = parse(data(buffer)).path("choices").get(0).path("delta");

        assertThat(delta.path("reasoning_content").asText()).isEqualTo(TokenText.text(9, 1, 1));
        assertThat(delta.path("content").asText()).isEqualTo(TokenText.text(9, 2, 2));
    }

    @Test
    void tokenChunkFitsItsSizeEstimate() {
        OutputPlan plan = new OutputPlan(64, 0, "stop", 3);
        ChunkEncoder encoder = new ChunkEncoder(ApiKind.CHAT, "chatcmpl-1", 1751000000L,
                "tokenmark-simulator", 1000, plan, true);
        for (int tokens = 1; tokens <= 16; tokens++) {
            ByteBuf buffer = Unpooled.buffer();
            encoder.writeTokenChunk(buffer, 0, tokens, "stop");
            assertThat(buffer.readableBytes()).isLessThanOrEqualTo(encoder.maxTokenChunkBytes(tokens));
            buffer.release();
        }
    }

    @Test
    void oversizeChunkHasRequestedSizeAndValidJson() {
        ChunkEncoder encoder = new ChunkEncoder(ApiKind.COMPLETIONS, "cmpl-1", 1, "m", 1,
                new OutputPlan(1, 0, "stop", 1), false);
        ByteBuf event = encoder.oversizeChunk(ByteBufAllocator.DEFAULT, 300_000);

        assertThat(event.readableBytes()).isBetween(300_000, 300_001);
        JsonNode chunk = parse(data(event));
        assertThat(chunk.path("choices").get(0).path("text").asText()).matches("x+");
    }

    @Test
    void decimalsAreWrittenWithoutAllocation() {
        ByteBuf buffer = Unpooled.buffer();
        for (long value : new long[] {0, 7, 10, 1234567890123L}) {
            ChunkEncoder.writeDecimal(buffer, value);
            buffer.writeByte(' ');
        }

        assertThat(buffer.toString(StandardCharsets.US_ASCII)).isEqualTo("0 7 10 1234567890123 ");
        buffer.release();
    }
}
