package io.tokenmark.netty.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link SseEventDecoder#indexOfLineEnd}, the word-at-a-time search for CR or LF, against a
 * byte-by-byte search: every line-end position in every word lane and in the tail, in heap and
 * direct buffers, among bytes that differ from CR and LF in one bit.
 */
class LineEndScanTest {
    /** Bytes one bit away from LF (0x0A) or CR (0x0D), and bytes with the high bit set. */
    private static final byte[] NEAR_MISSES = {
        0x0B, 0x08, 0x0E, 0x0C, 0x09, 0x05, (byte) 0x8A, (byte) 0x8D, 0x00, (byte) 0xFF, '0'
    };

    @Test
    void scanFindsLineEndAtEveryOffset() {
        for (int length = 0; length <= 40; length++) {
            for (int lineEnd = -1; lineEnd < length; lineEnd++) {
                for (byte terminator : new byte[] {'\n', '\r'}) {
                    byte[] bytes = filler(length, lineEnd);
                    if (lineEnd >= 0) {
                        bytes[lineEnd] = terminator;
                        if (lineEnd + 1 < length) {
                            bytes[length - 1] = '\n';
                        }
                    }
                    for (int from = 0; from <= Math.max(0, lineEnd); from++) {
                        int expected = firstLineEnd(bytes, from, length);

                        assertThat(scanHeap(bytes, from, length))
                                .as("heap, length %d, from %d", length, from).isEqualTo(expected);
                        assertThat(scanDirect(bytes, from, length))
                                .as("direct, length %d, from %d", length, from).isEqualTo(expected);
                    }
                }
            }
        }
    }

    private static byte[] filler(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = NEAR_MISSES[Math.floorMod(i * 7 + seed, NEAR_MISSES.length)];
        }
        return bytes;
    }

    private static int firstLineEnd(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    /** Scans {@code bytes} placed at offset 3 of a larger heap array, as a slice. */
    private static int scanHeap(byte[] bytes, int from, int to) {
        byte[] padded = new byte[bytes.length + 11];
        Arrays.fill(padded, (byte) '\n');
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        ByteBuf buffer = Unpooled.wrappedBuffer(padded, 3, bytes.length);
        try {
            return SseEventDecoder.indexOfLineEnd(buffer, from, to);
        } finally {
            buffer.release();
        }
    }

    private static int scanDirect(byte[] bytes, int from, int to) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        buffer.writeBytes(bytes);
        try {
            return SseEventDecoder.indexOfLineEnd(buffer, from, to);
        } finally {
            buffer.release();
        }
    }
}
