package io.tokenmark.netty.openai;

import java.util.Arrays;

/**
 * A growable {@code char[]} exposed as a {@link CharSequence}, reused from chunk to chunk so
 * that keeping generated text allocates only when the buffer grows.
 *
 * <p>Not thread-safe. Views handed out by {@link #subSequence} and {@link #toString} are copies.
 */
final class TextBuffer implements CharSequence {
    private char[] chars = new char[64];
    private int length;

    void clear() {
        length = 0;
    }

    void append(char c) {
        if (length == chars.length) {
            grow(1);
        }
        chars[length++] = c;
    }

    /** Appends {@code count} bytes of ASCII text, one char per byte. */
    void appendAscii(byte[] source, int offset, int count) {
        if (length + count > chars.length) {
            grow(count);
        }
        char[] target = chars;
        int at = length;
        for (int i = offset; i < offset + count; i++) {
            target[at++] = (char) source[i];
        }
        length = at;
    }

    private void grow(int count) {
        chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + count));
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + ", length " + length);
        }
        return chars[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().substring(start, end);
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }
}
