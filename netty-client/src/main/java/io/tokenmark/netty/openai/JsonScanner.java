package io.tokenmark.netty.openai;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict, allocation-free JSON (RFC 8259) scanner over a range of UTF-8 bytes, the grammar
 * layer under {@link ChunkScanner}. It moves a cursor through the bytes and validates every value
 * it passes, whether the caller reads it or skips it. String values are located, not decoded; a
 * caller that wants the text decodes the last scanned string with {@link #appendString}.
 *
 * <p><b>What it accepts</b> is what Jackson 2.23's {@code JsonFactory} accepts with its default
 * features, which parsed chunks before this class. Whitespace is space, tab, LF and CR. Strings
 * reject unescaped bytes below 0x20 and escapes other than {@code \" \\ \/ \b \f \n \r \t} and a
 * backslash, {@code u} and four hex digits. In a string value such a hex escape may be a lone
 * surrogate, which decodes as that char. In a member name, as in Jackson, escaped surrogates
 * must form pairs. Non-ASCII bytes must be well-formed UTF-8 (RFC 3629): no overlong forms, no
 * encoded surrogates, nothing above U+10FFFF. Numbers follow the RFC grammar (no leading zeros,
 * no {@code +}, no {@code NaN}). Jackson's default limits apply: objects and arrays nest at most
 * {@value #MAX_DEPTH} deep (the root counts as 1), a number has at most
 * {@value #MAX_NUMBER_DIGITS} digits (integer, fraction and exponent together), and a member
 * name at most {@value #MAX_NAME_BYTES} bytes.
 *
 * <p><b>Errors:</b> every method that moves the cursor throws {@link MalformedChunkException} at
 * the first byte that breaks the grammar, naming that byte's offset from the start of the data.
 *
 * <p>Not thread-safe: one scanner per connection, reused for every event.
 */
final class JsonScanner {
    /** Maximum nesting depth of objects and arrays; the root object is at depth 1. */
    static final int MAX_DEPTH = 1000;
    /** Maximum number of digits in a number: integer, fraction and exponent digits together. */
    static final int MAX_NUMBER_DIGITS = 1000;
    /** Maximum length of a member name, in bytes between the quotes. */
    static final int MAX_NAME_BYTES = 50_000;
    /** Returned by the member and element iterators at the end of an object or array. */
    static final int END = -2;
    /** Returned by {@link #nextNonWhitespace} at the end of the data. */
    static final int END_OF_DATA = -1;

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** {@code null}, {@code true} and {@code alse} as little-endian ints. */
    private static final int NULL_INT = 'n' | 'u' << 8 | 'l' << 16 | 'l' << 24;
    private static final int TRUE_INT = 't' | 'r' << 8 | 'u' << 16 | 'e' << 24;
    private static final int ALSE_INT = 'a' | 'l' << 8 | 's' << 16 | 'e' << 24;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long SPACES = 0x2020202020202020L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final byte[] RUE = {'r', 'u', 'e'};
    private static final byte[] ALSE = {'a', 'l', 's', 'e'};
    private static final byte[] ULL = {'u', 'l', 'l'};

    private byte[] data;
    private int start;
    private int position;
    private int end;
    private int depth;
    /** One bit per depth: set for an object, clear for an array. Used only while skipping. */
    private final long[] containerIsObject = new long[(MAX_DEPTH + 64) / 64 + 1];

    // The last string scanned: its raw bytes between the quotes.
    private int stringStart;
    private int stringEnd;
    /** Whether the last string is plain ASCII without escapes, so each byte is one char. */
    private boolean stringPlain;

    // The last member name scanned, as for strings.
    private int nameStart;
    private int nameEnd;
    private boolean namePlain;
    private final TextBuffer decodedName = new TextBuffer();

    // The last number scanned.
    private boolean numberIntegral;
    private boolean numberFitsInt;
    private int numberIntValue;

    /**
     * Points the scanner at {@code length} bytes of {@code bytes} from {@code offset}. The array
     * is read, never written, and referenced until {@link #clear()}.
     */
    void reset(byte[] bytes, int offset, int length) {
        data = bytes;
        start = offset;
        position = offset;
        end = offset + length;
        depth = 0;
    }

    /** Drops the reference to the data. */
    void clear() {
        data = null;
    }

    /**
     * Returns the next byte that is not JSON whitespace and moves past it, or
     * {@link #END_OF_DATA}.
     */
    int nextNonWhitespace() {
        byte[] bytes = data;
        int limit = end;
        for (int i = position; i < limit; i++) {
            int b = bytes[i] & 0xFF;
            if (b > ' ' || (b != ' ' && b != '\n' && b != '\r' && b != '\t')) {
                position = i + 1;
                return b;
            }
        }
        position = limit;
        return END_OF_DATA;
    }

    /** Records that the caller has just read the {@code {} or {@code [} of a container. */
    void enter() throws MalformedChunkException {
        if (++depth > MAX_DEPTH) {
            throw tooDeep();
        }
    }

    private MalformedChunkException tooDeep() {
        return malformed("event data nests objects and arrays deeper than " + MAX_DEPTH
                + " levels");
    }

    /** As {@link #enter()}, also noting the container's kind for {@link #skipContainer}. */
    private void enterKind(boolean object) throws MalformedChunkException {
        if (++depth > MAX_DEPTH) {
            throw tooDeep();
        }
        long bit = 1L << (depth & 63);
        if (object) {
            containerIsObject[depth >>> 6] |= bit;
        } else {
            containerIsObject[depth >>> 6] &= ~bit;
        }
    }

    private boolean insideObject() {
        return (containerIsObject[depth >>> 6] & (1L << (depth & 63))) != 0;
    }

    /**
     * Starts iterating an object whose {@code {} was just read and entered: returns the first
     * byte of its first member, or {@link #END} (and leaves the object) when it is empty.
     */
    int firstMember() throws MalformedChunkException {
        return firstItem('}');
    }

    /**
     * Moves past the {@code ,} after a member value and returns the first byte of the next
     * member, or past the {@code }} and returns {@link #END}, leaving the object.
     */
    int nextMember() throws MalformedChunkException {
        return nextItem('}', "',' or '}' after a member value");
    }

    /** As {@link #firstMember()}, for an array whose {@code [} was just read and entered. */
    int firstElement() throws MalformedChunkException {
        return firstItem(']');
    }

    /** As {@link #nextMember()}, for an array. */
    int nextElement() throws MalformedChunkException {
        return nextItem(']', "',' or ']' after an array element");
    }

    private int firstItem(char close) throws MalformedChunkException {
        int c = nextNonWhitespace();
        if (c == close) {
            depth--;
            return END;
        }
        return c;
    }

    private int nextItem(char close, String expected) throws MalformedChunkException {
        int fast = separatorThenByte(',');
        if (fast >= 0) {
            return fast;
        }
        int c = nextNonWhitespace();
        if (c == ',') {
            return nextNonWhitespace();
        }
        if (c == close) {
            depth--;
            return END;
        }
        throw unexpected(c, expected);
    }

    /**
     * Returns the byte after {@code separator} and moves past both when the next two bytes are
     * {@code separator} and a byte that is not whitespace; otherwise returns -1 and moves
     * nothing. The fast path for data written without whitespace.
     */
    private int separatorThenByte(char separator) {
        int at = position;
        if (at + 1 < end && data[at] == separator) {
            int next = data[at + 1] & 0xFF;
            if (next > ' ') {
                position = at + 2;
                return next;
            }
        }
        return -1;
    }

    /**
     * Scans the member name that starts with {@code first} (its opening quote) and the colon
     * after it, and returns the first byte of the member's value. The name stays available to
     * {@link #nameIs} until the next name is scanned.
     */
    int memberValue(int first) throws MalformedChunkException {
        if (first != '"') {
            throw unexpected(first, "a member name");
        }
        scanString();
        nameStart = stringStart;
        nameEnd = stringEnd;
        namePlain = stringPlain;
        if (nameEnd - nameStart > MAX_NAME_BYTES) {
            throw malformed("member name of " + (nameEnd - nameStart) + " bytes is longer than the "
                    + MAX_NAME_BYTES + " allowed");
        }
        if (!namePlain) {
            decodedName.clear();
            decodeString(decodedName);
            requirePairedSurrogates(decodedName);
        }
        int fast = separatorThenByte(':');
        if (fast >= 0) {
            return fast;
        }
        int c = nextNonWhitespace();
        if (c != ':') {
            throw unexpected(c, "':' after a member name");
        }
        return nextNonWhitespace();
    }

    /** Rejects a decoded name with a surrogate that is not part of a pair, as Jackson does. */
    private void requirePairedSurrogates(TextBuffer name) throws MalformedChunkException {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length()
                    && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw malformed("member name has an unpaired surrogate \\u"
                        + Integer.toHexString(c));
            }
        }
    }

    /**
     * An ASCII member name to compare scanned names with, prepared so that a name of up to 16
     * bytes is compared with two loads. Immutable.
     */
    static final class MemberName {
        final byte[] bytes;
        private final long head;
        private final long tail;

        MemberName(String name) {
            bytes = name.getBytes(StandardCharsets.US_ASCII);
            head = bytes.length >= 8 ? (long) LONGS.get(bytes, 0) : (bytes.length >= 4
                    ? (int) INTS.get(bytes, 0) : 0);
            tail = bytes.length >= 8 ? (long) LONGS.get(bytes, bytes.length - 8)
                    : (bytes.length >= 4 ? (int) INTS.get(bytes, bytes.length - 4) : 0);
        }
    }

    /** Returns whether the last member name equals {@code name}. */
    boolean nameIs(MemberName name) {
        int length = nameEnd - nameStart;
        if (length != name.bytes.length || !namePlain) {
            return !namePlain && decodedNameIs(name.bytes);
        }
        if (length >= 8 && length <= 16) {
            return (long) LONGS.get(data, nameStart) == name.head
                    && (long) LONGS.get(data, nameEnd - 8) == name.tail;
        }
        return otherLengthNameIs(name, length);
    }

    private boolean otherLengthNameIs(MemberName name, int length) {
        byte[] bytes = data;
        if (length >= 4 && length < 8) {
            return (int) INTS.get(bytes, nameStart) == (int) name.head
                    && (int) INTS.get(bytes, nameEnd - 4) == (int) name.tail;
        }
        return Arrays.equals(bytes, nameStart, nameEnd, name.bytes, 0, length);
    }

    private boolean decodedNameIs(byte[] expected) {
        if (decodedName.length() != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (decodedName.charAt(i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Scans and validates the value whose first byte {@code first} was just read, nested
     * objects and arrays included.
     */
    void skipValue(int first) throws MalformedChunkException {
        switch (first) {
            case '"' -> scanString();
            case '{' -> skipContainer(true);
            case '[' -> skipContainer(false);
            case 't' -> matchLiteral(TRUE_INT, 1, RUE);
            case 'f' -> matchLiteral(ALSE_INT, 0, ALSE);
            case 'n' -> matchLiteral(NULL_INT, 1, ULL);
            default -> {
                if (first == '-' || (first >= '0' && first <= '9')) {
                    scanNumber(first);
                } else {
                    throw unexpected(first, "a JSON value");
                }
            }
        }
    }

    /**
     * Skips an object or array whose opening byte was just read. Iterative, with the kind of
     * each open container kept in {@link #containerIsObject}, so deep nesting costs no stack.
     */
    private void skipContainer(boolean object) throws MalformedChunkException {
        int outer = depth;
        enterKind(object);
        int c = nextNonWhitespace();
        boolean afterValue = false;
        if (c == (object ? '}' : ']')) {
            depth--;
            return;
        }
        while (true) {
            if (afterValue) {
                if (depth == outer) {
                    return;
                }
                c = nextNonWhitespace();
                boolean inObject = insideObject();
                if (c == (inObject ? '}' : ']')) {
                    depth--;
                    continue;
                }
                if (c != ',') {
                    String expected = inObject ? "',' or '}' after a member value"
                            : "',' or ']' after an array element";
                    throw unexpected(c, expected);
                }
                c = nextNonWhitespace();
            }
            if (insideObject()) {
                c = memberValue(c);
            }
            if (c == '{' || c == '[') {
                boolean nestedObject = c == '{';
                enterKind(nestedObject);
                c = nextNonWhitespace();
                afterValue = c == (nestedObject ? '}' : ']');
                if (afterValue) {
                    depth--;
                }
                continue;
            }
            skipValue(c);
            afterValue = true;
        }
    }

    /**
     * Matches the rest of a literal whose first byte was just read: compares the four bytes
     * that end at the literal's end with {@code lastFour} (little-endian), starting
     * {@code back} bytes before the cursor, or {@code rest} byte by byte near the data's end.
     */
    private void matchLiteral(int lastFour, int back, byte[] rest) throws MalformedChunkException {
        int from = position - back;
        if (from + 4 <= end && (int) INTS.get(data, from) == lastFour) {
            position = from + 4;
            return;
        }
        byte[] bytes = data;
        int at = position;
        for (int i = 0; i < rest.length; i++, at++) {
            if (at >= end) {
                throw endOfData();
            }
            if (bytes[at] != rest[i]) {
                position = at;
                throw malformed("invalid literal: expected true, false or null");
            }
        }
        position = at;
    }

    /**
     * Scans a number whose first byte ({@code -} or a digit) was just read. Afterwards
     * {@link #numberIntegral()} and {@link #numberFitsInt()} describe it.
     */
    void scanNumber(int first) throws MalformedChunkException {
        // Fast path: 0 or a positive integer of at most 18 digits, ended by a byte that cannot
        // continue a number.
        if (first >= '0' && first <= '9') {
            byte[] bytes = data;
            int limit = first == '0' ? position : Math.min(end, position + 17);
            int at = position;
            long value = first - '0';
            while (at < limit && bytes[at] >= '0' && bytes[at] <= '9') {
                value = value * 10 + (bytes[at++] - '0');
            }
            if (at < end) {
                byte next = bytes[at];
                if ((next < '0' || next > '9') && next != '.' && next != 'e' && next != 'E') {
                    position = at;
                    numberIntegral = true;
                    numberFitsInt = value <= Integer.MAX_VALUE;
                    numberIntValue = (int) value;
                    return;
                }
            }
        }
        scanAnyNumber(first);
    }

    private void scanAnyNumber(int first) throws MalformedChunkException {
        byte[] bytes = data;
        int at = position;
        boolean negative = first == '-';
        int digit = first;
        if (negative) {
            digit = at < end ? bytes[at++] : END_OF_DATA;
            if (digit < '0' || digit > '9') {
                position = at;
                throw digit == END_OF_DATA ? endOfData()
                        : malformed("invalid number: '-' must be followed by a digit");
            }
        }
        long magnitude = digit - '0';
        int integerDigits = 1;
        if (digit == '0') {
            if (at < end && bytes[at] >= '0' && bytes[at] <= '9') {
                position = at;
                throw malformed("invalid number: leading zeros are not allowed");
            }
        } else {
            while (at < end && bytes[at] >= '0' && bytes[at] <= '9') {
                if (integerDigits < 18) {
                    magnitude = magnitude * 10 + (bytes[at] - '0');
                }
                integerDigits++;
                at++;
            }
        }

        boolean integral = true;
        int digits = integerDigits;
        if (at < end && bytes[at] == '.') {
            integral = false;
            int fraction = at + 1;
            at = requireDigits(fraction, "a digit after the decimal point");
            digits += at - fraction;
        }
        if (at < end && (bytes[at] == 'e' || bytes[at] == 'E')) {
            integral = false;
            at++;
            if (at < end && (bytes[at] == '+' || bytes[at] == '-')) {
                at++;
            }
            int exponent = at;
            at = requireDigits(exponent, "a digit in the exponent");
            digits += at - exponent;
        }
        position = at;
        if (digits > MAX_NUMBER_DIGITS) {
            throw malformed("number of " + digits + " digits is longer than the "
                    + MAX_NUMBER_DIGITS + " allowed");
        }

        numberIntegral = integral;
        long value = negative ? -magnitude : magnitude;
        numberFitsInt = integral && integerDigits <= 10
                && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
        numberIntValue = (int) value;
    }

    private int requireDigits(int at, String expected) throws MalformedChunkException {
        if (at >= end) {
            position = at;
            throw endOfData();
        }
        if (data[at] < '0' || data[at] > '9') {
            position = at + 1;
            throw malformed("invalid number: expected " + expected);
        }
        at++;
        while (at < end && data[at] >= '0' && data[at] <= '9') {
            at++;
        }
        return at;
    }

    /** Returns whether the last number had neither a fraction nor an exponent. */
    boolean numberIntegral() {
        return numberIntegral;
    }

    /** Returns whether the last number is integral and within the range of {@code int}. */
    boolean numberFitsInt() {
        return numberFitsInt;
    }

    /** Returns the last number's value; valid when {@link #numberFitsInt()} is true. */
    int numberIntValue() {
        return numberIntValue;
    }

    /**
     * Scans a string whose opening quote was just read, up to and past its closing quote,
     * validating escapes and UTF-8. Afterwards {@link #stringLength()} is its raw length.
     */
    void scanString() throws MalformedChunkException {
        byte[] bytes = data;
        int limit = end;
        int at = position;
        stringStart = at;
        // Eight bytes at a time while none of them is a quote, a backslash, a control character
        // or non-ASCII. A byte's high bit is set by itself when it is non-ASCII, and by a
        // subtraction when it is below 0x20, a quote or a backslash. A subtraction can also set
        // it in a byte above one of those through the borrow, but never in the lowest flagged
        // byte, which is therefore a real match.
        while (at + 8 <= limit) {
            long word = (long) LONGS.get(bytes, at);
            long special = (word | (word - SPACES) | ((word ^ QUOTES) - ONES)
                    | ((word ^ BACKSLASHES) - ONES)) & HIGH_BITS;
            if (special != 0) {
                at += Long.numberOfTrailingZeros(special) >>> 3;
                if (bytes[at] == '"') {
                    stringEnd = at;
                    stringPlain = true;
                    position = at + 1;
                    return;
                }
                break;
            }
            at += 8;
        }
        scanRestOfString(at, true);
    }

    /**
     * Scans a string byte by byte from {@code at}, handling escapes and non-ASCII bytes.
     * {@code plain} is whether the bytes before {@code at} were plain ASCII.
     */
    private void scanRestOfString(int at, boolean plain) throws MalformedChunkException {
        byte[] bytes = data;
        int limit = end;
        while (true) {
            if (at >= limit) {
                position = limit;
                throw endOfData();
            }
            int b = bytes[at] & 0xFF;
            if (b == '"') {
                stringEnd = at;
                stringPlain = plain;
                position = at + 1;
                return;
            }
            if (b == '\\') {
                plain = false;
                at = skipEscape(at + 1);
            } else if (b < 0x20) {
                position = at + 1;
                throw malformed("invalid string: unescaped control character 0x"
                        + Integer.toHexString(b) + "; escape it as \\u00XX");
            } else if (b >= 0x80) {
                plain = false;
                at = skipUtf8Sequence(at, b);
            } else {
                at++;
            }
        }
    }

    /** Validates the escape whose letter is at {@code at} and returns the index after it. */
    private int skipEscape(int at) throws MalformedChunkException {
        if (at >= end) {
            position = end;
            throw endOfData();
        }
        switch (data[at]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return at + 1;
            }
            case 'u' -> {
                for (int i = at + 1; i <= at + 4; i++) {
                    if (i >= end) {
                        position = end;
                        throw endOfData();
                    }
                    if (hexValue(data[i]) < 0) {
                        position = i + 1;
                        throw malformed("invalid \\u escape: expected four hex digits");
                    }
                }
                return at + 5;
            }
            default -> {
                position = at + 1;
                throw malformed("invalid escape '\\" + printable(data[at] & 0xFF)
                        + "' in a string");
            }
        }
    }

    /**
     * Validates the UTF-8 sequence led by {@code lead} at {@code at} by the well-formed byte
     * sequences of RFC 3629, section 4, and returns the index after it.
     */
    private int skipUtf8Sequence(int at, int lead) throws MalformedChunkException {
        int continuation;
        int secondMin = 0x80;
        int secondMax = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            continuation = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            continuation = 2;
            if (lead == 0xE0) {
                secondMin = 0xA0;
            } else if (lead == 0xED) {
                secondMax = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            continuation = 3;
            if (lead == 0xF0) {
                secondMin = 0x90;
            } else if (lead == 0xF4) {
                secondMax = 0x8F;
            }
        } else {
            position = at + 1;
            throw malformed("invalid UTF-8: byte 0x" + Integer.toHexString(lead)
                    + " cannot start a character");
        }

        for (int i = at + 1; i <= at + continuation; i++) {
            if (i >= end) {
                position = end;
                throw endOfData();
            }
            int b = data[i] & 0xFF;
            int min = i == at + 1 ? secondMin : 0x80;
            int max = i == at + 1 ? secondMax : 0xBF;
            if (b < min || b > max) {
                position = i + 1;
                throw malformed("invalid UTF-8: byte 0x" + Integer.toHexString(b)
                        + " cannot follow 0x" + Integer.toHexString(lead)
                        + " (overlong, surrogate, above U+10FFFF or not a continuation byte)");
            }
        }
        return at + 1 + continuation;
    }

    /** Returns the raw length in bytes of the last scanned string, 0 only for an empty one. */
    int stringLength() {
        return stringEnd - stringStart;
    }

    /**
     * Returns whether the last scanned string equals {@code ascii}; compares raw bytes, so a
     * string with escapes or non-ASCII bytes never matches.
     */
    boolean stringEqualsAscii(byte[] ascii) {
        if (!stringPlain || stringEnd - stringStart != ascii.length) {
            return false;
        }
        for (int i = 0; i < ascii.length; i++) {
            if (data[stringStart + i] != ascii[i]) {
                return false;
            }
        }
        return true;
    }

    /** Appends the text of the last scanned string to {@code target}, decoding it. */
    void appendString(TextBuffer target) {
        if (stringPlain) {
            target.appendAscii(data, stringStart, stringEnd - stringStart);
        } else {
            decodeString(target);
        }
    }

    /**
     * Decodes the last scanned string, which {@link #scanString()} has validated, so this
     * method needs no checks.
     */
    private void decodeString(TextBuffer target) {
        byte[] bytes = data;
        int at = stringStart;
        int limit = stringEnd;
        while (at < limit) {
            int b = bytes[at] & 0xFF;
            if (b == '\\') {
                at = decodeEscape(at + 1, target);
            } else if (b < 0x80) {
                target.append((char) b);
                at++;
            } else if ((b & 0xE0) == 0xC0) {
                target.append((char) (((b & 0x1F) << 6) | (bytes[at + 1] & 0x3F)));
                at += 2;
            } else if ((b & 0xF0) == 0xE0) {
                int c = ((b & 0x0F) << 6) | (bytes[at + 1] & 0x3F);
                c = (c << 6) | (bytes[at + 2] & 0x3F);
                target.append((char) c);
                at += 3;
            } else {
                int c = ((b & 0x07) << 18) | ((bytes[at + 1] & 0x3F) << 12)
                        | ((bytes[at + 2] & 0x3F) << 6) | (bytes[at + 3] & 0x3F);
                target.append(Character.highSurrogate(c));
                target.append(Character.lowSurrogate(c));
                at += 4;
            }
        }
    }

    private int decodeEscape(int at, TextBuffer target) {
        byte letter = data[at];
        switch (letter) {
            case 'b' -> target.append('\b');
            case 'f' -> target.append('\f');
            case 'n' -> target.append('\n');
            case 'r' -> target.append('\r');
            case 't' -> target.append('\t');
            case 'u' -> {
                int c = (hexValue(data[at + 1]) << 12) | (hexValue(data[at + 2]) << 8)
                        | (hexValue(data[at + 3]) << 4) | hexValue(data[at + 4]);
                target.append((char) c);
                return at + 5;
            }
            default -> target.append((char) letter);
        }
        return at + 1;
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        if (lower >= 'a' && lower <= 'f') {
            return lower - 'a' + 10;
        }
        return -1;
    }

    /** Returns whether only whitespace follows the cursor. */
    boolean atEndAfterWhitespace() {
        return nextNonWhitespace() == END_OF_DATA;
    }

    /** Returns a malformed-data exception for the unexpected byte {@code c} just read. */
    MalformedChunkException unexpected(int c, String expected) {
        if (c == END_OF_DATA) {
            return endOfData();
        }
        return malformed("unexpected " + printable(c) + " where " + expected + " belongs");
    }

    MalformedChunkException endOfData() {
        return new MalformedChunkException("event data ends inside its JSON value", null);
    }

    /** Returns an exception with {@code message} and the offset of the cursor in the data. */
    MalformedChunkException malformed(String message) {
        return new MalformedChunkException("event data is not valid JSON: " + message
                + " (byte " + (position - start - 1) + ")", null);
    }

    private static String printable(int c) {
        if (c >= 0x20 && c < 0x7F) {
            return "'" + (char) c + "'";
        }
        return "byte 0x" + Integer.toHexString(c);
    }
}
