package io.tokenmark.netty.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.tokenmark.netty.openai.JacksonChunkReference.Extracted;
import io.tokenmark.netty.sse.SseEventDecoder;
import io.tokenmark.netty.testing.RecordedCase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/**
 * {@link ChunkScanner} against {@link JacksonChunkReference}, a Jackson tree reader: both must
 * extract the same values from every chunk, and accept or reject the same malformed ones.
 * Documents come from the recorded server cases, from a seeded generator, from seeded
 * corruptions of generated documents, and from a table of edge cases.
 */
class ChunkScannerDifferentialTest {
    private static final int RANDOM_DOCUMENTS = 4000;
    private static final int CORRUPTIONS = 6000;
    private static final long SEED = 0x5EED_C0DEL;

    private final ChunkScanner scanner = new ChunkScanner(true);
    private final ChunkScanner scannerWithoutText = new ChunkScanner(false);
    private final CompletionChunk chunk = new CompletionChunk();

    @Test
    void scannerMatchesJacksonOnRecordedCases() {
        List<byte[]> events = new ArrayList<>();
        for (RecordedCase recorded : RecordedCase.all()) {
            collectEventData(recorded.sse(), events);
            for (RecordedCase request : recorded.requests()) {
                collectEventData(request.sse(), events);
            }
        }

        assertThat(events).hasSizeGreaterThan(50);
        for (byte[] data : events) {
            assertSameAsJackson(data);
        }
    }

    @Test
    void scannerMatchesJacksonOnRandomChunks() {
        ChunkDocumentGenerator generator = new ChunkDocumentGenerator(SEED);
        int accepted = 0;
        for (int i = 0; i < RANDOM_DOCUMENTS; i++) {
            byte[] document = generator.next();
            if (assertSameAsJackson(document) != Extracted.REJECTED) {
                accepted++;
            }
        }

        // Out-of-range usage counts make a few generated chunks malformed, not most of them.
        assertThat(accepted).isGreaterThan(RANDOM_DOCUMENTS * 3 / 4);
    }

    @Test
    void scannerAgreesWithJacksonOnCorruptedChunks() {
        ChunkDocumentGenerator generator = new ChunkDocumentGenerator(SEED + 1);
        Random random = new Random(SEED + 2);
        int rejected = 0;
        for (int i = 0; i < CORRUPTIONS; i++) {
            byte[] document = corrupt(generator.next(), random);
            boolean jacksonAccepts = JacksonChunkReference.extract(document) != Extracted.REJECTED;
            String rejection = JacksonChunkReference.LAST_REJECTION.get();
            boolean scannerAccepts = scan(scanner, document, i % 2 == 0) != Extracted.REJECTED;

            assertThat(scannerAccepts)
                    .as("accepted by the scanner (Jackson: %s): %s", rejection, show(document))
                    .isEqualTo(jacksonAccepts);
            if (!jacksonAccepts) {
                rejected++;
            }
        }

        assertThat(rejected).isGreaterThan(CORRUPTIONS / 3);
    }

    /**
     * Runs every row of {@link #edgeCases()} in one test, because each test pays for the leak
     * check's garbage collections. A failure names its row.
     */
    @Test
    void scannerMatchesJacksonOnEdgeCases() {
        edgeCases().forEach(row -> {
            Object[] values = row.get();
            Extracted result = assertSameAsJackson((byte[]) values[1]);

            assertThat(result != Extracted.REJECTED).as("accepted: %s", values[0])
                    .isEqualTo(values[2]);
        });
    }

    static Stream<Arguments> edgeCases() {
        return Stream.of(
                edge("{}", true),
                edge(" \t\r\n{ } \r\n", true),
                edge("", false),
                edge("   ", false),
                edge("[]", false),
                edge("\"choices\"", false),
                edge("5", false),
                edge("null", false),
                edge("{}x", false),
                edge("{} {}", false),
                edge("{\"a\":1}}", false),
                edge("{\"a\":1", false),
                edge("{\"a\"", false),
                edge("{\"a\" 1}", false),
                edge("{,}", false),
                edge("{\"a\":1,}", false),
                edge("{\"a\":[1,]}", false),
                edge("{\"a\":[,1]}", false),
                edge("{\"a\":[1 2]}", false),
                edge("{'a':1}", false),
                edge("{a:1}", false),
                edge("{\"a\":01}", false),
                edge("{\"a\":-01}", false),
                edge("{\"a\":-}", false),
                edge("{\"a\":+1}", false),
                edge("{\"a\":.5}", false),
                edge("{\"a\":1.}", false),
                edge("{\"a\":1.e5}", false),
                edge("{\"a\":1e}", false),
                edge("{\"a\":1e+}", false),
                edge("{\"a\":-0.0e-0}", true),
                edge("{\"a\":NaN}", false),
                edge("{\"a\":Infinity}", false),
                edge("{\"a\":tru}", false),
                edge("{\"a\":truex}", false),
                edge("{\"a\":nul}", false),
                edge("{\"a\":True}", false),
                edge("{\"a\":\"\\x\"}", false),
                edge("{\"a\":\"\\u12G4\"}", false),
                edge("{\"a\":\"\\u12\"}", false),
                edge("{\"a\":\"\\", false),
                edge("{\"a\":\"tab\there\"}", false),
                edge("{\"a\":\"\u0001\"}", false),
                edge("{\"a\u0001\":1}", false),
                edge("{\"a\":1\u0001}", false),
                edge("{\u000b\"a\":1}", false),
                edge("{\"a\":\"\u007f\"}", true),
                edge("{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\\ude00 \\uD800\"}}]}", true),
                edge("{\"choices\":[{\"delta\":{\"cont\\u0065nt\":\"hi\"}}]}", true),
                edge("{\"choices\":[{\"delta\":{\"content\\u0000\":\"hi\"}}]}", true),
                edge("{\"usage\":{\"prompt_tokens\":2147483647,\"completion_tokens\":-2147483648}}",
                        true),
                edge("{\"usage\":{\"prompt_tokens\":2147483648}}", false),
                edge("{\"usage\":{\"completion_tokens\":-2147483649}}", false),
                edge("{\"usage\":{\"completion_tokens\":99999999999999999999999}}", false),
                edge("{\"usage\":{\"completion_tokens\":1e99}}", true),
                edge("{\"usage\":{\"completion_tokens\":3.0}}", true),
                edge("{\"usage\":{\"total_tokens\":99999999999999999999999}}", true),
                edge("{\"error\":null}", true),
                edge("{\"error\":\"\"}", true),
                edge("{\"error\":{\"message\":null}}", true),
                edge("{\"error\":[1]}", true),
                edge("{\"choices\":[{\"finish_reason\":\"st\\u006fp\"}]}", true),
                edge("{\"choices\":[{\"finish_reason\":\"\"}]}", true),
                edge("{\"choices\":[null,1,\"x\",[],{\"text\":\"t\"}]}", true),
                edge(nested(JsonScanner.MAX_DEPTH), true),
                edge(nested(JsonScanner.MAX_DEPTH + 1), false),
                edge("{\"a\":" + "9".repeat(1000) + "}", true),
                edge("{\"a\":-" + "9".repeat(1000) + "}", true),
                edge("{\"a\":" + "9".repeat(1001) + "}", false),
                edge("{\"a\":1." + "9".repeat(999) + "}", true),
                edge("{\"a\":1." + "9".repeat(500) + "e-" + "9".repeat(499) + "}", true),
                edge("{\"a\":1." + "9".repeat(500) + "e" + "9".repeat(500) + "}", false),
                edge("{\"" + "n".repeat(50_000) + "\":1}", true),
                edge("{\"" + "n".repeat(50_001) + "\":1}", false),
                edge("{\"choices\":[{\"text\":\"" + "t\u00e9".repeat(40_000) + "\"}]}", true),
                edge("{\"choices\":[{\"text\":\"" + "t".repeat(70_000) + "\"}]", false),
                edge("{\"x\\ud83d\\ude00\":1}", true),
                edge("{\"x\\ud83dy\":1}", false),
                edge("{\"x\\ud83d\":1}", false),
                edge("{\"x\\ude00\":1}", false),
                edge("{\"x\\ud83d\\u0041\":1}", false),
                edge("{\"x\\ud83d\\ud83d\\ude00\":1}", false),
                edge("{\"x\\ud83d\":\"\\ud83dy\\ude00\"}", false),
                edge("{\"x\":\"\\ud83dy\\ude00\"}", true));
    }

    private static Arguments edge(String json, boolean valid) {
        String name = json.isBlank() ? "blank: '" + json + "'"
                : json.length() > 60 ? json.substring(0, 60) + "…" : json;
        return Arguments.of(name, json.getBytes(StandardCharsets.UTF_8), valid);
    }

    /** Returns an object whose first member nests arrays until the whole is {@code depth} deep. */
    private static String nested(int depth) {
        return "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    static Stream<Arguments> utf8Sequences() {
        return Stream.of(
                Arguments.of("lone continuation byte", new byte[] {(byte) 0x80}, false),
                Arguments.of("two-byte lead without continuation", new byte[] {(byte) 0xC3}, false),
                Arguments.of("three-byte lead, one continuation",
                        new byte[] {(byte) 0xE4, (byte) 0xBD}, false),
                Arguments.of("four-byte lead, ASCII after it",
                        new byte[] {(byte) 0xF0, 'a', 'b', 'c'}, false),
                Arguments.of("five-byte lead", new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80,
                    (byte) 0x80, (byte) 0x80}, false),
                Arguments.of("byte 0xFF", new byte[] {(byte) 0xFF}, false),
                Arguments.of("overlong two-byte NUL", utf8(0xC0, 0x80), false),
                Arguments.of("overlong two-byte DEL", utf8(0xC1, 0xBF), false),
                Arguments.of("smallest two-byte", utf8(0xC2, 0x80), true),
                Arguments.of("overlong three-byte", utf8(0xE0, 0x9F, 0xBF), false),
                Arguments.of("smallest three-byte", utf8(0xE0, 0xA0, 0x80), true),
                Arguments.of("last before surrogates", utf8(0xED, 0x9F, 0xBF), true),
                Arguments.of("encoded high surrogate", utf8(0xED, 0xA0, 0x80), false),
                Arguments.of("encoded low surrogate", utf8(0xED, 0xBF, 0xBF), false),
                Arguments.of("U+FFFF", utf8(0xEF, 0xBF, 0xBF), true),
                Arguments.of("overlong four-byte", utf8(0xF0, 0x8F, 0xBF, 0xBF), false),
                Arguments.of("U+10000", utf8(0xF0, 0x90, 0x80, 0x80), true),
                Arguments.of("U+10FFFF", utf8(0xF4, 0x8F, 0xBF, 0xBF), true),
                Arguments.of("above U+10FFFF", utf8(0xF4, 0x90, 0x80, 0x80), false),
                Arguments.of("lead byte 0xF5", utf8(0xF5, 0x80, 0x80, 0x80), false),
                Arguments.of("four-byte emoji",
                        new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, true));
    }

    private static byte[] utf8(int... bytes) {
        byte[] result = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            result[i] = (byte) bytes[i];
        }
        return result;
    }

    @Test
    void scannerMatchesJacksonOnUtf8InText() {
        utf8Sequences().forEach(row -> {
            Object[] values = row.get();
            assertUtf8Verdict((String) values[0], (byte[]) values[1], (boolean) values[2]);
        });
    }

    /** Places {@code inside} in a string value, a skipped string and a member name. */
    private void assertUtf8Verdict(String name, byte[] inside, boolean valid) {
        for (String template : List.of("{\"choices\":[{\"text\":\"a%sb\"}]}",
                "{\"id\":\"a%sb\"}", "{\"a%sb\":1}")) {
            int at = template.indexOf("%s");
            byte[] before = template.substring(0, at).getBytes(StandardCharsets.US_ASCII);
            byte[] after = template.substring(at + 2).getBytes(StandardCharsets.US_ASCII);
            byte[] json = new byte[before.length + inside.length + after.length];
            System.arraycopy(before, 0, json, 0, before.length);
            System.arraycopy(inside, 0, json, before.length, inside.length);
            System.arraycopy(after, 0, json, before.length + inside.length, after.length);

            Extracted result = assertSameAsJackson(json);

            assertThat(result != Extracted.REJECTED).as("%s accepted in %s", name, template)
                    .isEqualTo(valid);
        }
    }

    /**
     * Asserts that the scanner, reading from a heap and from a direct buffer, with and without
     * text, extracts what Jackson does; returns that.
     */
    private Extracted assertSameAsJackson(byte[] document) {
        Extracted expected = JacksonChunkReference.extract(document);
        Extracted fromHeap = scan(scanner, document, true);
        Extracted fromDirect = scan(scanner, document, false);
        Extracted withoutText = scan(scannerWithoutText, document, false);

        assertThat(fromHeap).as("scanned from a heap buffer (Jackson: %s): %s",
                JacksonChunkReference.LAST_REJECTION.get(), show(document)).isEqualTo(expected);
        assertThat(fromDirect).as("scanned from a direct buffer: %s", show(document))
                .isEqualTo(expected);
        if (expected != Extracted.REJECTED) {
            assertThat(withoutText).as("scanned without text: %s", show(document))
                    .isEqualTo(new Extracted(expected.hasAnswer(), expected.hasReasoning(), "", "",
                            expected.finishReason(), expected.hasUsage(), expected.promptTokens(),
                            expected.completionTokens(), expected.hasError(),
                            expected.errorMessage()));
        } else {
            assertThat(withoutText).as("scanned without text: %s", show(document))
                    .isEqualTo(Extracted.REJECTED);
        }
        return expected;
    }

    /**
     * Scans {@code document} from a heap buffer (the bytes at an offset inside a larger array)
     * or from a pooled direct buffer.
     */
    private Extracted scan(ChunkScanner target, byte[] document, boolean heap) {
        ByteBuf buffer;
        int index;
        if (heap) {
            byte[] padded = new byte[document.length + 7];
            Arrays.fill(padded, (byte) '}');
            System.arraycopy(document, 0, padded, 3, document.length);
            buffer = Unpooled.wrappedBuffer(padded, 1, padded.length - 1);
            index = 2;
        } else {
            buffer = PooledByteBufAllocator.DEFAULT.directBuffer(document.length + 5);
            buffer.writeBytes(new byte[] {'{', '{'});
            buffer.writeBytes(document);
            buffer.writeBytes(new byte[] {'x', 'x', 'x'});
            index = 2;
        }
        try {
            target.parse(buffer, index, document.length, chunk);
            return Extracted.of(chunk);
        } catch (MalformedChunkException e) {
            return Extracted.REJECTED;
        } finally {
            buffer.release();
        }
    }

    /** Applies one seeded corruption: truncation, a changed, deleted or inserted byte. */
    private static byte[] corrupt(byte[] document, Random random) {
        int at = random.nextInt(document.length);
        return switch (random.nextInt(6)) {
            case 0 -> Arrays.copyOf(document, at);
            case 1 -> {
                byte[] changed = document.clone();
                changed[at] = (byte) random.nextInt(256);
                yield changed;
            }
            case 2 -> {
                byte[] changed = document.clone();
                String structural = "{}[],:\"\\ 0-.eE+tfnu";
                changed[at] = (byte) structural.charAt(random.nextInt(structural.length()));
                yield changed;
            }
            case 3 -> insert(document, at, ",");
            case 4 -> insert(document, at, random.nextBoolean() ? "\\x" : "\\u00g");
            default -> {
                byte[] shorter = new byte[document.length - 1];
                System.arraycopy(document, 0, shorter, 0, at);
                System.arraycopy(document, at + 1, shorter, at, document.length - at - 1);
                yield shorter;
            }
        };
    }

    private static byte[] insert(byte[] document, int at, String text) {
        byte[] inserted = text.getBytes(StandardCharsets.US_ASCII);
        byte[] result = new byte[document.length + inserted.length];
        System.arraycopy(document, 0, result, 0, at);
        System.arraycopy(inserted, 0, result, at, inserted.length);
        System.arraycopy(document, at, result, at + inserted.length, document.length - at);
        return result;
    }

    /** Decodes {@code sse} with the real SSE decoder and adds each event's JSON data. */
    private static void collectEventData(String sse, List<byte[]> events) {
        SseEventDecoder decoder = new SseEventDecoder(1 << 24, event -> {
            byte[] data = new byte[event.dataLength()];
            event.dataBuffer().getBytes(event.dataIndex(), data);
            String text = new String(data, StandardCharsets.UTF_8);
            if (!text.isEmpty() && !text.equals("[DONE]")) {
                events.add(data);
            }
        });
        ByteBuf body = Unpooled.copiedBuffer(sse, StandardCharsets.UTF_8);
        try {
            decoder.decode(body, 0);
        } finally {
            decoder.reset();
            body.release();
        }
    }

    private static String show(byte[] document) {
        String text = new String(document, StandardCharsets.UTF_8);
        return text.length() <= 400 ? text + " [hex " + HexFormat.of().formatHex(document) + "]"
                : text.substring(0, 400) + "…";
    }
}
