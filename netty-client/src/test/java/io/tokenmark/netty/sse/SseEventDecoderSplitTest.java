package io.tokenmark.netty.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.netty.testing.RecordedCase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Feeds every recorded case body to {@link SseEventDecoder} cut into reads at every byte offset,
 * and at random multi-split points, and checks that the decoded events never change. Each body
 * also runs with its line ends rewritten to CRLF and to CR, so a CRLF pair split across two reads
 * is covered at every position.
 *
 * <p>Bodies over {@value #EVERY_OFFSET_LIMIT} bytes are cut at every offset within 4 bytes of a
 * line end and at every {@value #STRIDE}th offset elsewhere, which keeps the test quadratic only
 * in small bodies.
 */
class SseEventDecoderSplitTest {
    private static final int EVERY_OFFSET_LIMIT = 16 * 1024;
    private static final int STRIDE = 251;
    private static final int RANDOM_SPLITS = 200;

    private record Event(int index, String type, String lastEventId, String data) {
    }

    @TestFactory
    Stream<DynamicTest> decoderGivesSameEventsAtEverySplit() {
        List<DynamicTest> tests = new ArrayList<>();
        for (RecordedCase recorded : RecordedCase.all()) {
            String body = recorded.sse();
            tests.add(dynamicTest(recorded.id() + " as recorded", () -> checkSplits(body)));
            String lf = body.replace("\r\n", "\n").replace('\r', '\n');
            tests.add(dynamicTest(recorded.id() + " with CRLF", () -> checkSplits(lf.replace("\n", "\r\n"))));
            tests.add(dynamicTest(recorded.id() + " with CR", () -> checkSplits(lf.replace('\n', '\r'))));
        }
        return tests.stream();
    }

    private static void checkSplits(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<Event> whole = decode(bytes, new int[0]);

        for (int offset : splitOffsets(bytes)) {
            assertThat(decode(bytes, new int[] {offset})).as("split at byte %d", offset)
                    .isEqualTo(whole);
        }

        Random random = new Random(bytes.length);
        for (int i = 0; i < RANDOM_SPLITS; i++) {
            int[] cuts = random.ints(1 + random.nextInt(8), 0, bytes.length + 1).sorted().toArray();
            assertThat(decode(bytes, cuts)).as("split at bytes %s", Arrays.toString(cuts))
                    .isEqualTo(whole);
        }
    }

    private static int[] splitOffsets(byte[] bytes) {
        if (bytes.length <= EVERY_OFFSET_LIMIT) {
            return java.util.stream.IntStream.range(1, bytes.length).toArray();
        }
        List<Integer> offsets = new ArrayList<>();
        for (int i = 1; i < bytes.length; i++) {
            if (i % STRIDE == 0 || nearLineEnd(bytes, i)) {
                offsets.add(i);
            }
        }
        return offsets.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean nearLineEnd(byte[] bytes, int offset) {
        for (int i = Math.max(0, offset - 4); i < Math.min(bytes.length, offset + 4); i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                return true;
            }
        }
        return false;
    }

    private static List<Event> decode(byte[] bytes, int[] cuts) {
        List<Event> events = new ArrayList<>();
        SseEventDecoder decoder = new SseEventDecoder(ClientOptions.DEFAULT_MAX_EVENT_BYTES,
                event -> events.add(new Event(event.index(), event.type(), event.lastEventId(),
                        event.dataAsString())));
        int start = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int end = i < cuts.length ? cuts[i] : bytes.length;
            ByteBuf read = Unpooled.wrappedBuffer(bytes, start, end - start);
            try {
                decoder.decode(read, i);
            } finally {
                read.release();
            }
            start = end;
        }
        decoder.finish();
        decoder.reset();
        return events;
    }
}
