package io.tokenmark.netty.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Objects;

/**
 * An incremental Server-Sent Events decoder over {@link ByteBuf}s, following the WHATWG HTML
 * "server-sent events" parsing rules.
 *
 * <ul>
 *   <li>CR, LF and CRLF each end a line, also when the CR ends one read and the LF starts the
 *       next.</li>
 *   <li>One byte-order mark (EF BB BF) at the very start of the stream is dropped.</li>
 *   <li>A line starting with {@code :} is a comment and is ignored.</li>
 *   <li>{@code field:value} drops one space after the colon; a line without a colon is a field
 *       with an empty value.</li>
 *   <li>Several {@code data} lines join with LF. {@code event} sets the type (default
 *       {@code message}, also for an empty value); {@code id} sets the last event ID unless
 *       its value contains NUL, and the ID persists across events; {@code retry} is kept
 *       when its value is all ASCII digits and ignored otherwise. Unknown fields are
 *       ignored.</li>
 *   <li>A blank line dispatches the event. A block without any {@code data} line dispatches
 *       nothing. An event still unterminated when the stream ends ({@link #finish()}) is
 *       dropped.</li>
 * </ul>
 *
 * <p><b>Zero copy.</b> Line ends are found by one pass over the input that tests eight bytes at
 * a time for CR or LF, reading them with {@link ByteBuf#getLongLE}. An
 * event whose data line lies inside one input buffer reaches the listener as an index range of
 * that buffer; nothing is copied. Bytes that must outlive a {@link #decode} call (a line whose
 * end has not arrived, a data line whose blank line has not arrived) are kept as retained slices
 * of the input, so they are not copied either. Only a multi-line {@code data} field is copied,
 * once, when its event is complete, to join the lines. UTF-8 is never decoded here: the data
 * stays bytes, so a character split across reads is intact when the event completes.
 *
 * <p><b>Size limit.</b> When the lines of one block (everything since the last blank line,
 * line terminators and complete comment lines excluded) plus the line still waiting for its
 * terminator exceed {@code maxEventBytes}, {@link #decode} throws
 * {@link SseEventTooLargeException}, releases what it held and ignores input until
 * {@link #reset()}. Memory held by the decoder is therefore bounded by the limit plus one input
 * buffer. Keep-alive comments fail a stream only when a single comment line exceeds the limit.
 *
 * <p><b>Threading and buffers:</b> not thread-safe; one decoder serves one stream on one thread.
 * {@link #decode} reads every readable byte of its argument and advances its reader index, but
 * never releases it; the caller still owns it. Call {@link #reset()} when the decoder is done
 * (or before decoding another stream) to release retained slices.
 *
 * <p><b>Pitfall:</b> the {@link SseEvent} passed to the listener is reused and its data is
 * released when the listener returns.
 */
public final class SseEventDecoder {
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};
    private static final long ONE_BYTES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LF_BYTES = 0x0A0A0A0A0A0A0A0AL;
    private static final long CR_BYTES = 0x0D0D0D0D0D0D0D0DL;

    private final int maxEventBytes;
    private final SseEventListener listener;
    private final SseEvent event = new SseEvent();

    // A line whose terminator has not arrived yet, as retained slices of earlier inputs.
    private CompositeByteBuf partialLine;
    private int partialLineBytes;
    private boolean skipLeadingLf;
    private boolean atStreamStart = true;

    // The block (event) under construction.
    private boolean hasData;
    private ByteBuf dataBuffer;
    private int dataIndex;
    private int dataLength;
    private boolean dataOwned;
    private ArrayList<ByteBuf> extraDataLines;
    private String eventType;
    private long blockBytes;

    // Stream-level state and counters.
    private String lastEventId = "";
    private long retryMillis = -1;
    private int dispatchedEvents;
    private int ignoredComments;
    private int longestDataLineBytes;
    private boolean failed;

    /**
     * @param maxEventBytes largest block accepted, in bytes, at least 1
     * @param listener receives every dispatched event
     * @throws IllegalArgumentException if {@code maxEventBytes < 1}
     */
    public SseEventDecoder(int maxEventBytes, SseEventListener listener) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException(
                    "invalid maxEventBytes " + maxEventBytes + ": must be at least 1");
        }
        this.maxEventBytes = maxEventBytes;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Decodes every readable byte of {@code in}, dispatching each event it completes with
     * {@code arrivalNanos} as its arrival time.
     *
     * @param in the next bytes of the stream; not released, reader index advanced to the end
     * @param arrivalNanos {@code System.nanoTime()} of the socket read that delivered {@code in}
     * @throws SseEventTooLargeException when a block exceeds the size limit
     */
    public void decode(ByteBuf in, long arrivalNanos) {
        int position = in.readerIndex();
        int end = in.writerIndex();
        if (failed) {
            in.readerIndex(end);
            return;
        }

        try {
            if (skipLeadingLf && position < end) {
                skipLeadingLf = false;
                if (in.getByte(position) == '\n') {
                    position++;
                }
            }
            while (position < end) {
                int lineEnd = indexOfLineEnd(in, position, end);
                if (lineEnd < 0) {
                    keepPartialLine(in, position, end - position);
                    break;
                }
                completeLine(in, position, lineEnd - position, arrivalNanos);
                position = lineEnd + 1;
                if (in.getByte(lineEnd) == '\r') {
                    if (position == end) {
                        skipLeadingLf = true;
                    } else if (in.getByte(position) == '\n') {
                        position++;
                    }
                }
            }
            in.readerIndex(end);
        } catch (SseEventTooLargeException e) {
            failed = true;
            releaseBlock();
            in.readerIndex(end);
            throw e;
        } finally {
            keepBorrowedData(in);
        }
    }

    /**
     * Ends the stream: an event without its terminating blank line, and a last line without a
     * line terminator, are dropped as the SSE rules require. Releases everything held; counters,
     * {@link #lastEventId()} and {@link #retryMillis()} stay readable until {@link #reset()}.
     */
    public void finish() {
        releaseBlock();
    }

    /** Releases everything held and makes the decoder ready for a new stream. */
    public void reset() {
        releaseBlock();
        failed = false;
        skipLeadingLf = false;
        atStreamStart = true;
        lastEventId = "";
        retryMillis = -1;
        dispatchedEvents = 0;
        ignoredComments = 0;
        longestDataLineBytes = 0;
    }

    /** Returns the number of events dispatched since the last {@link #reset()}. */
    public int dispatchedEvents() {
        return dispatchedEvents;
    }

    /** Returns the number of comment lines ({@code :…}) ignored since the last {@link #reset()}. */
    public int ignoredComments() {
        return ignoredComments;
    }

    /** Returns the last event ID set by an {@code id} field; empty when none was set. */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * Returns the last valid {@code retry} value in milliseconds, or {@code -1} when none
     * arrived.
     */
    public long retryMillis() {
        return retryMillis;
    }

    /**
     * Returns the length in bytes of the longest {@code data} line seen, field name included and
     * line terminator excluded.
     */
    public int longestDataLineBytes() {
        return longestDataLineBytes;
    }

    /** Returns the block size limit in bytes. */
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /**
     * Returns the index of the first CR or LF in {@code [from, to)} of {@code buffer}, or -1.
     * Reads eight bytes at a time and tests them for both bytes at once, so the line is
     * scanned once.
     */
    static int indexOfLineEnd(ByteBuf buffer, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = buffer.getLongLE(i);
            long lf = word ^ LF_BYTES;
            long cr = word ^ CR_BYTES;
            // A byte's high bit ends up set when it is LF or CR; non-ASCII bytes are masked out.
            // A borrow can also set it in a byte above a match, never in the lowest flagged
            // byte, which is therefore a real match.
            long found = ((lf - ONE_BYTES) | (cr - ONE_BYTES)) & ~word & HIGH_BITS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte b = buffer.getByte(i);
            if (b == '\n' || b == '\r') {
                return i;
            }
        }
        return -1;
    }

    private void keepPartialLine(ByteBuf in, int index, int length) {
        partialLineBytes += length;
        long held = blockBytes + partialLineBytes;
        if (held > maxEventBytes) {
            throw new SseEventTooLargeException(held, maxEventBytes);
        }
        if (partialLine == null) {
            // Never consolidate: consolidating would copy the bytes of an incomplete event.
            partialLine = in.alloc().compositeBuffer(Integer.MAX_VALUE);
        }
        partialLine.addComponent(true, in.retainedSlice(index, length));
    }

    private void completeLine(ByteBuf in, int index, int length, long arrivalNanos) {
        if (partialLine == null) {
            processLine(in, index, length, false, arrivalNanos);
            return;
        }

        CompositeByteBuf line = partialLine;
        partialLine = null;
        partialLineBytes = 0;
        if (length > 0) {
            line.addComponent(true, in.retainedSlice(index, length));
        }
        boolean transferred = false;
        try {
            transferred = processLine(line, line.readerIndex(), line.readableBytes(), true,
                    arrivalNanos);
        } finally {
            if (!transferred) {
                line.release();
            }
        }
    }

    /**
     * Applies one complete line. When {@code owned} is true, the caller owns a reference to
     * {@code buffer}. Returns whether this method took that reference over.
     */
    private boolean processLine(ByteBuf buffer, int index, int length, boolean owned,
            long arrivalNanos) {
        if (atStreamStart) {
            atStreamStart = false;
            if (length >= 3 && buffer.getByte(index) == (byte) 0xEF
                    && buffer.getByte(index + 1) == (byte) 0xBB
                    && buffer.getByte(index + 2) == (byte) 0xBF) {
                index += 3;
                length -= 3;
            }
        }
        if (length == 0) {
            dispatch(arrivalNanos);
            return false;
        }

        if (buffer.getByte(index) == ':') {
            // A complete comment is dropped, so it neither grows the event nor keeps memory.
            ignoredComments++;
            return false;
        }
        blockBytes += length;
        if (blockBytes > maxEventBytes) {
            throw new SseEventTooLargeException(blockBytes, maxEventBytes);
        }

        int lineEnd = index + length;
        int colon = buffer.indexOf(index, lineEnd, (byte) ':');
        int nameLength = (colon < 0 ? lineEnd : colon) - index;
        int valueIndex = colon < 0 ? lineEnd : colon + 1;
        if (valueIndex < lineEnd && buffer.getByte(valueIndex) == ' ') {
            valueIndex++;
        }
        int valueLength = lineEnd - valueIndex;

        if (nameEquals(buffer, index, nameLength, DATA)) {
            longestDataLineBytes = Math.max(longestDataLineBytes, length);
            return addDataLine(buffer, valueIndex, valueLength, owned);
        }
        if (nameEquals(buffer, index, nameLength, EVENT)) {
            eventType = buffer.toString(valueIndex, valueLength, StandardCharsets.UTF_8);
        } else if (nameEquals(buffer, index, nameLength, ID)) {
            if (buffer.indexOf(valueIndex, lineEnd, (byte) 0) < 0) {
                lastEventId = buffer.toString(valueIndex, valueLength, StandardCharsets.UTF_8);
            }
        } else if (nameEquals(buffer, index, nameLength, RETRY)) {
            parseRetry(buffer, valueIndex, valueLength);
        }
        return false;
    }

    private boolean addDataLine(ByteBuf buffer, int index, int length, boolean owned) {
        if (!hasData) {
            hasData = true;
            dataBuffer = buffer;
            dataIndex = index;
            dataLength = length;
            dataOwned = owned;
            return owned;
        }
        if (extraDataLines == null) {
            extraDataLines = new ArrayList<>(4);
        }
        // A plain slice of an owned buffer shares (and on release gives back) our reference.
        extraDataLines.add(owned ? buffer.slice(index, length) : buffer.retainedSlice(index, length));
        return owned;
    }

    private void parseRetry(ByteBuf buffer, int index, int length) {
        if (length == 0 || length > 18) {
            return;
        }
        long value = 0;
        for (int i = index; i < index + length; i++) {
            byte b = buffer.getByte(i);
            if (b < '0' || b > '9') {
                return;
            }
            value = value * 10 + (b - '0');
        }
        retryMillis = value;
    }

    private void dispatch(long arrivalNanos) {
        // An empty event field leaves the type buffer empty, which dispatches the default type.
        String type = eventType == null || eventType.isEmpty() ? SseEvent.DEFAULT_TYPE : eventType;
        eventType = null;
        blockBytes = 0;
        if (!hasData) {
            return;
        }

        if (extraDataLines != null) {
            joinDataLines();
        }
        event.set(dispatchedEvents++, type, lastEventId, arrivalNanos,
                dataBuffer, dataIndex, dataLength);
        try {
            listener.onEvent(event);
        } finally {
            event.clear();
            releaseData();
        }
    }

    private void joinDataLines() {
        int total = dataLength;
        for (ByteBuf line : extraDataLines) {
            total += 1 + line.readableBytes();
        }
        ByteBuf joined = dataBuffer.alloc().heapBuffer(total);
        joined.writeBytes(dataBuffer, dataIndex, dataLength);
        for (ByteBuf line : extraDataLines) {
            joined.writeByte('\n');
            joined.writeBytes(line, line.readerIndex(), line.readableBytes());
        }
        releaseData();
        hasData = true;
        dataBuffer = joined;
        dataIndex = 0;
        dataLength = total;
        dataOwned = true;
    }

    /** Retains the pending data line if it still points into {@code in}, which the caller owns. */
    private void keepBorrowedData(ByteBuf in) {
        if (hasData && !dataOwned && dataBuffer == in) {
            dataBuffer = in.retainedSlice(dataIndex, dataLength);
            dataIndex = dataBuffer.readerIndex();
            dataOwned = true;
        }
    }

    private void releaseData() {
        if (dataOwned) {
            dataBuffer.release();
        }
        hasData = false;
        dataBuffer = null;
        dataOwned = false;
        if (extraDataLines != null) {
            for (ByteBuf line : extraDataLines) {
                line.release();
            }
            extraDataLines = null;
        }
    }

    private void releaseBlock() {
        releaseData();
        if (partialLine != null) {
            partialLine.release();
            partialLine = null;
        }
        partialLineBytes = 0;
        eventType = null;
        blockBytes = 0;
    }

    private static boolean nameEquals(ByteBuf buffer, int index, int length, byte[] name) {
        if (length != name.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buffer.getByte(index + i) != name[i]) {
                return false;
            }
        }
        return true;
    }
}
