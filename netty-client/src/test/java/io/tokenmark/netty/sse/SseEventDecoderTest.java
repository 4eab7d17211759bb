package io.tokenmark.netty.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Edge cases of {@link SseEventDecoder}, one per test. Input arrives in pooled direct buffers, as
 * from a socket, and each buffer is released after {@code decode} returns, so a decoder that kept
 * a borrowed reference shows up as a leak or as corrupted data.
 */
class SseEventDecoderTest {
    private record Event(int index, String type, String lastEventId, long arrivalNanos, String data) {
    }

    private final List<Event> events = new ArrayList<>();
    private SseEventDecoder decoder = new SseEventDecoder(1024, this::record);

    private void record(SseEvent event) {
        events.add(new Event(event.index(), event.type(), event.lastEventId(),
                event.arrivalNanos(), event.dataAsString()));
    }

    private void feed(long arrivalNanos, byte[] bytes) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, bytes.length));
        buffer.writeBytes(bytes);
        try {
            decoder.decode(buffer, arrivalNanos);
            assertThat(buffer.isReadable()).as("decode consumes its input").isFalse();
        } finally {
            buffer.release();
        }
    }

    private void feed(String... reads) {
        for (int i = 0; i < reads.length; i++) {
            feed(i, reads[i].getBytes(StandardCharsets.UTF_8));
        }
    }

    private List<String> data() {
        return events.stream().map(Event::data).toList();
    }

    @Test
    void decoderEndsLinesAtLf() {
        feed("data: a\n\ndata: b\n\n");
        assertThat(data()).containsExactly("a", "b");
    }

    @Test
    void decoderEndsLinesAtCr() {
        feed("data: a\r\rdata: b\r\r");
        assertThat(data()).containsExactly("a", "b");
    }

    @Test
    void decoderEndsLinesAtCrLf() {
        feed("data: a\r\n\r\ndata: b\r\n\r\n");
        assertThat(data()).containsExactly("a", "b");
    }

    @Test
    void decoderJoinsCrLfSplitAcrossReads() {
        // If the LF starting the second read counted as a blank line, "a" would be dispatched alone.
        feed("data: a\r", "\ndata: b\r", "\n\r", "\n");
        assertThat(data()).containsExactly("a\nb");
    }

    @Test
    void decoderEndsLineAtCrEndingRead() {
        feed("data: a\r", "\r");
        assertThat(data()).containsExactly("a");
    }

    @Test
    void decoderDropsLeadingBom() {
        feed("\uFEFFdata: a\n\n");
        assertThat(data()).containsExactly("a");
    }

    @Test
    void decoderDropsBomSplitAcrossReads() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        feed(0, new byte[] {bom[0]});
        feed(1, new byte[] {bom[1]});
        feed(2, new byte[] {bom[2]});
        feed(3, "data: a\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(data()).containsExactly("a");
    }

    @Test
    void decoderKeepsBomAfterStreamStart() {
        // Only the first BOM is dropped; a second one makes the field name unknown.
        feed("\uFEFF\uFEFFdata: a\n\ndata: b\n\n");
        assertThat(data()).containsExactly("b");
    }

    @Test
    void decoderIgnoresComments() {
        feed(": keep-alive\n\n:\ndata: a\n: inside\n\n");
        assertThat(data()).containsExactly("a");
        assertThat(decoder.ignoredComments()).isEqualTo(3);
    }

    @Test
    void decoderJoinsMultiLineData() {
        feed("data: first\ndata: second\ndata:\ndata: fourth\n\n");
        assertThat(data()).containsExactly("first\nsecond\n\nfourth");
    }

    @Test
    void decoderJoinsMultiLineDataSplitAcrossReads() {
        feed("data: fir", "st\ndata: sec", "ond\n", "\n");
        assertThat(data()).containsExactly("first\nsecond");
    }

    @Test
    void decoderAcceptsFieldWithoutSpaceAfterColon() {
        feed("data:a\n\n");
        assertThat(data()).containsExactly("a");
    }

    @Test
    void decoderDropsOnlyOneSpaceAfterColon() {
        feed("data:  a \n\n");
        assertThat(data()).containsExactly(" a ");
    }

    @Test
    void decoderTreatsLineWithoutColonAsEmptyField() {
        feed("data\n\n");
        assertThat(data()).containsExactly("");
    }

    @Test
    void decoderDefaultsEventTypeToMessage() {
        feed("data: a\n\nevent: delta\ndata: b\n\ndata: c\n\n");
        assertThat(events).extracting(Event::type).containsExactly("message", "delta", "message");
    }

    @Test
    void decoderTreatsEmptyEventTypeAsMessage() {
        // An empty event type buffer dispatches the default type, also when it clears an earlier
        // event field of the same block.
        feed("event:\ndata: a\n\nevent: delta\nevent\ndata: b\n\n");
        assertThat(events).extracting(Event::type).containsExactly("message", "message");
    }

    @Test
    void decoderKeepsLastEventIdAcrossEvents() {
        feed("id: e1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");
        assertThat(events).extracting(Event::lastEventId).containsExactly("e1", "e1", "");
        assertThat(decoder.lastEventId()).isEmpty();
    }

    @Test
    void decoderIgnoresIdContainingNul() {
        feed("id: e1\ndata: a\n\nid: e\u00002\ndata: b\n\n");
        assertThat(events).extracting(Event::lastEventId).containsExactly("e1", "e1");
    }

    @Test
    void decoderKeepsValidRetry() {
        feed("retry: 3000\n\n");
        assertThat(decoder.retryMillis()).isEqualTo(3000);
        assertThat(events).isEmpty();
    }

    @Test
    void decoderIgnoresInvalidRetry() {
        feed("retry: 1500\n\nretry: 12a\n\nretry: -5\n\nretry:\n\nretry: 1 000\n\n");
        assertThat(decoder.retryMillis()).isEqualTo(1500);
    }

    @Test
    void decoderDispatchesNothingForBlockWithoutData() {
        feed("event: ping\nid: 7\nretry: 10\n\n");
        assertThat(events).isEmpty();
        assertThat(decoder.dispatchedEvents()).isZero();
        assertThat(decoder.lastEventId()).isEqualTo("7");
    }

    @Test
    void decoderResetsEventTypeAfterBlockWithoutData() {
        feed("event: ping\n\ndata: a\n\n");
        assertThat(events).extracting(Event::type).containsExactly("message");
    }

    @Test
    void decoderDropsUnterminatedFinalEvent() {
        feed("data: a\n\ndata: b\n");
        decoder.finish();
        assertThat(data()).containsExactly("a");
    }

    @Test
    void decoderDropsFinalLineWithoutTerminator() {
        feed("data: a\n\ndata: b");
        decoder.finish();
        assertThat(data()).containsExactly("a");
    }

    @Test
    void decoderRejectsLineOverMaxEventSize() {
        assertThatThrownBy(() -> feed("data: " + "x".repeat(2000)))
                .isInstanceOf(SseEventTooLargeException.class)
                .hasMessageContaining("1024 bytes");
    }

    @Test
    void decoderRejectsOversizedEventAcrossReads() {
        feed("data: " + "x".repeat(600) + "\n");
        assertThatThrownBy(() -> feed("data: " + "y".repeat(600) + "\n"))
                .isInstanceOf(SseEventTooLargeException.class)
                .satisfies(e -> assertThat(((SseEventTooLargeException) e).maxEventBytes()).isEqualTo(1024));
    }

    @Test
    void decoderIgnoresInputAfterFailure() {
        assertThatThrownBy(() -> feed("data: " + "x".repeat(2000)))
                .isInstanceOf(SseEventTooLargeException.class);
        feed("\n\ndata: b\n\n");
        assertThat(events).isEmpty();
    }

    @Test
    void decoderLeavesCommentsOutOfEventSize() {
        // Keep-alive comments without blank lines between them, as a proxy may send during a
        // long prefill: 200 lines of 11 bytes are twice the 1024-byte limit, but no event is.
        for (int i = 0; i < 200; i++) {
            feed(": keepalive\n");
        }
        feed("data: a\n\n");
        assertThat(data()).containsExactly("a");
    }

    @Test
    void decoderAcceptsEventAtMaxEventSize() {
        String line = "data: " + "x".repeat(1024 - 6);
        feed(line + "\n\n");
        assertThat(data()).containsExactly("x".repeat(1018));
    }

    @Test
    void decoderKeepsUtf8CharacterSplitAcrossReads() {
        byte[] bytes = "data: 你好\n\n".getBytes(StandardCharsets.UTF_8);
        feed(0, java.util.Arrays.copyOfRange(bytes, 0, 7));
        feed(1, java.util.Arrays.copyOfRange(bytes, 7, bytes.length));
        assertThat(data()).containsExactly("你好");
    }

    @Test
    void decoderStampsEventWithCompletingRead() {
        feed(10, "data: a\n".getBytes(StandardCharsets.UTF_8));
        feed(20, "\ndata: b\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(events).extracting(Event::arrivalNanos).containsExactly(20L, 20L);
    }

    @Test
    void decoderNumbersDispatchedEvents() {
        feed(": c\n\ndata: a\n\nid: x\n\ndata: b\n\n");
        assertThat(events).extracting(Event::index).containsExactly(0, 1);
        assertThat(decoder.dispatchedEvents()).isEqualTo(2);
    }

    @Test
    void decoderResetStartsNewStream() {
        feed("id: e1\nretry: 5\ndata: a\n\ndata: pending");
        decoder.reset();
        feed("\uFEFFdata: b\n\n");
        assertThat(data()).containsExactly("a", "b");
        assertThat(decoder.lastEventId()).isEmpty();
        assertThat(decoder.retryMillis()).isEqualTo(-1);
        assertThat(events.get(1).index()).isZero();
    }

    @Test
    void decoderMeasuresLongestDataLine() {
        feed("data: abc\n\ndata: abcdef\n\n");
        assertThat(decoder.longestDataLineBytes()).isEqualTo("data: abcdef".length());
    }

    @Test
    void decoderRejectsNonPositiveMaxEventBytes() {
        assertThatThrownBy(() -> new SseEventDecoder(0, event -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEventBytes 0");
    }

    @Test
    void decoderReleasesDataWhenListenerThrows() {
        decoder = new SseEventDecoder(1024, event -> {
            throw new IllegalStateException("listener failure");
        });
        assertThatThrownBy(() -> feed("data: a", "\n\n")).isInstanceOf(IllegalStateException.class);
        decoder.reset();
    }
}
