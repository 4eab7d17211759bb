package io.tokenmark.netty.openai;

import io.netty.buffer.ByteBuf;
import io.tokenmark.netty.openai.JsonScanner.MemberName;
import java.nio.charset.StandardCharsets;

/**
 * Parses the JSON of one stream chunk into a {@link CompletionChunk} with {@link JsonScanner}, a
 * strict JSON scanner written for this job, in one pass over the event's bytes.
 *
 * <p>The bytes are read where they are when the buffer has a backing array, and otherwise copied
 * once into an array reused from event to event (a socket read usually delivers direct memory);
 * an event over 64 KiB gets an array of its own.
 * Every value is validated, also the ones skipped. Strings are located but decoded only when
 * their text is kept, so a chunk is parsed without allocating unless text is kept and the text
 * buffer must grow, or the chunk carries an error or an uncommon {@code finish_reason}.
 *
 * <p>Recognised members: {@code choices[].delta.content}, {@code .reasoning_content},
 * {@code .reasoning}, {@code .tool_calls[].function.arguments}, {@code .function_call.arguments}
 * (chat); {@code choices[].text} (completions); {@code choices[].finish_reason};
 * {@code usage.prompt_tokens} and {@code usage.completion_tokens}; a top-level {@code error}
 * (object with {@code message}, or a string). Members may come in any order and everything else
 * is skipped. When one delta carries both {@code reasoning_content} and {@code reasoning}, only
 * the first non-empty one counts, because servers that send both send the same text twice. A
 * member that occurs twice is applied twice, in order.
 *
 * <p><b>Rejected</b> with {@link MalformedChunkException}: data that is not exactly one JSON
 * object plus whitespace, any JSON that {@link JsonScanner} rejects, and an integral
 * {@code usage} count outside the range of {@code int}. The Jackson-based parser that this class
 * replaced rejected the same inputs, which a differential test against a Jackson tree reader
 * checks. One difference: Jackson skipped a byte-order mark before the first event's object,
 * and this class rejects it, as it does before any later event.
 *
 * <p>Not thread-safe: one scanner per connection.
 */
final class ChunkScanner {
    private static final MemberName CHOICES = new MemberName("choices");
    private static final MemberName USAGE = new MemberName("usage");
    private static final MemberName ERROR = new MemberName("error");
    private static final MemberName DELTA = new MemberName("delta");
    private static final MemberName TEXT = new MemberName("text");
    private static final MemberName FINISH_REASON = new MemberName("finish_reason");
    private static final MemberName CONTENT = new MemberName("content");
    private static final MemberName REASONING_CONTENT = new MemberName("reasoning_content");
    private static final MemberName REASONING = new MemberName("reasoning");
    private static final MemberName TOOL_CALLS = new MemberName("tool_calls");
    private static final MemberName FUNCTION_CALL = new MemberName("function_call");
    private static final MemberName FUNCTION = new MemberName("function");
    private static final MemberName ARGUMENTS = new MemberName("arguments");
    private static final MemberName PROMPT_TOKENS = new MemberName("prompt_tokens");
    private static final MemberName COMPLETION_TOKENS = new MemberName("completion_tokens");
    private static final MemberName MESSAGE = new MemberName("message");

    private static final String[] KNOWN_FINISH_REASONS = {
        "stop", "length", "tool_calls", "content_filter", "function_call", "abort", "eos_token"
    };
    private static final byte[][] KNOWN_FINISH_REASON_BYTES =
            new byte[KNOWN_FINISH_REASONS.length][];

    static {
        for (int i = 0; i < KNOWN_FINISH_REASONS.length; i++) {
            KNOWN_FINISH_REASON_BYTES[i] = ascii(KNOWN_FINISH_REASONS[i]);
        }
    }

    private final boolean retainText;
    private final JsonScanner json = new JsonScanner();
    /**
     * Events larger than this many bytes are copied into an array of their own, which is not
     * kept, so that one large event does not pin a large array to the connection.
     */
    private static final int MAX_KEPT_COPY_BYTES = 64 * 1024;

    /** Copy of the event's bytes when its buffer has no backing array. */
    private byte[] copy = new byte[1024];
    private final TextBuffer scratch = new TextBuffer();
    private boolean reasoningInDelta;

    ChunkScanner(boolean retainText) {
        this.retainText = retainText;
    }

    /**
     * Parses {@code length} bytes of {@code buffer} from {@code index} into {@code out}. Neither
     * the buffer nor its indexes are changed.
     *
     * @throws MalformedChunkException when the bytes are not one complete JSON object
     */
    void parse(ByteBuf buffer, int index, int length, CompletionChunk out)
            throws MalformedChunkException {
        out.clear();
        if (buffer.hasArray()) {
            json.reset(buffer.array(), buffer.arrayOffset() + index, length);
        } else {
            byte[] target = copy;
            if (target.length < length) {
                target = new byte[Math.max(length, target.length * 2)];
                if (target.length <= MAX_KEPT_COPY_BYTES) {
                    copy = target;
                }
            }
            buffer.getBytes(index, target, 0, length);
            json.reset(target, 0, length);
        }

        try {
            int first = json.nextNonWhitespace();
            if (first != '{') {
                throw first == JsonScanner.END_OF_DATA
                        ? json.endOfData() : json.malformed("event data is not a JSON object");
            }
            json.enter();
            readChunk(out);
            if (!json.atEndAfterWhitespace()) {
                throw new MalformedChunkException(
                        "event data continues after its JSON object", null);
            }
        } finally {
            json.clear();
        }
    }

    private void readChunk(CompletionChunk out) throws MalformedChunkException {
        for (int c = json.firstMember(); c != JsonScanner.END; c = json.nextMember()) {
            int value = json.memberValue(c);
            if (json.nameIs(CHOICES) && value == '[') {
                readChoices(out);
            } else if (json.nameIs(USAGE) && value == '{') {
                readUsage(out);
            } else if (json.nameIs(ERROR)) {
                readError(value, out);
            } else {
                json.skipValue(value);
            }
        }
    }

    private void readChoices(CompletionChunk out) throws MalformedChunkException {
        json.enter();
        for (int c = json.firstElement(); c != JsonScanner.END; c = json.nextElement()) {
            if (c == '{') {
                readChoice(out);
            } else {
                json.skipValue(c);
            }
        }
    }

    private void readChoice(CompletionChunk out) throws MalformedChunkException {
        json.enter();
        for (int c = json.firstMember(); c != JsonScanner.END; c = json.nextMember()) {
            int value = json.memberValue(c);
            if (json.nameIs(DELTA) && value == '{') {
                readDelta(out);
            } else if (json.nameIs(TEXT)) {
                appendAnswer(value, out);
            } else if (json.nameIs(FINISH_REASON) && value == '"') {
                json.scanString();
                if (out.finishReason == null) {
                    out.finishReason = finishReason();
                }
            } else {
                json.skipValue(value);
            }
        }
    }

    private void readDelta(CompletionChunk out) throws MalformedChunkException {
        json.enter();
        reasoningInDelta = false;
        for (int c = json.firstMember(); c != JsonScanner.END; c = json.nextMember()) {
            int value = json.memberValue(c);
            if (json.nameIs(CONTENT)) {
                appendAnswer(value, out);
            } else if (json.nameIs(REASONING_CONTENT) || json.nameIs(REASONING)) {
                appendReasoning(value, out);
            } else if (json.nameIs(TOOL_CALLS) && value == '[') {
                readToolCalls(out);
            } else if (json.nameIs(FUNCTION_CALL) && value == '{') {
                readFunction(out);
            } else {
                json.skipValue(value);
            }
        }
    }

    private void readToolCalls(CompletionChunk out) throws MalformedChunkException {
        json.enter();
        for (int c = json.firstElement(); c != JsonScanner.END; c = json.nextElement()) {
            if (c != '{') {
                json.skipValue(c);
                continue;
            }
            json.enter();
            for (int m = json.firstMember(); m != JsonScanner.END; m = json.nextMember()) {
                int value = json.memberValue(m);
                if (json.nameIs(FUNCTION) && value == '{') {
                    readFunction(out);
                } else {
                    json.skipValue(value);
                }
            }
        }
    }

    private void readFunction(CompletionChunk out) throws MalformedChunkException {
        json.enter();
        for (int c = json.firstMember(); c != JsonScanner.END; c = json.nextMember()) {
            int value = json.memberValue(c);
            if (json.nameIs(ARGUMENTS)) {
                appendAnswer(value, out);
            } else {
                json.skipValue(value);
            }
        }
    }

    private void readUsage(CompletionChunk out) throws MalformedChunkException {
        json.enter();
        out.hasUsage = true;
        for (int c = json.firstMember(); c != JsonScanner.END; c = json.nextMember()) {
            int value = json.memberValue(c);
            boolean number = value == '-' || (value >= '0' && value <= '9');
            if (number && json.nameIs(PROMPT_TOKENS)) {
                if (scanTokenCount(value, "prompt_tokens")) {
                    out.promptTokens = json.numberIntValue();
                }
            } else if (number && json.nameIs(COMPLETION_TOKENS)) {
                if (scanTokenCount(value, "completion_tokens")) {
                    out.completionTokens = json.numberIntValue();
                }
            } else {
                json.skipValue(value);
            }
        }
    }

    /**
     * Scans a usage count and returns whether it is an integer. A number with a fraction or an
     * exponent is ignored, and an integer outside the range of {@code int} is rejected.
     */
    private boolean scanTokenCount(int first, String name) throws MalformedChunkException {
        json.scanNumber(first);
        if (json.numberFitsInt()) {
            return true;
        }
        if (json.numberIntegral()) {
            throw json.malformed("usage." + name + " is outside the range of a 32-bit int");
        }
        return false;
    }

    private void readError(int value, CompletionChunk out) throws MalformedChunkException {
        if (value == 'n') {
            json.skipValue(value);
            return;
        }
        out.hasError = true;
        if (value == '"') {
            json.scanString();
            out.errorMessage = decodedString();
        } else if (value == '{') {
            json.enter();
            for (int c = json.firstMember(); c != JsonScanner.END; c = json.nextMember()) {
                int member = json.memberValue(c);
                if (json.nameIs(MESSAGE) && member == '"') {
                    json.scanString();
                    out.errorMessage = decodedString();
                } else {
                    json.skipValue(member);
                }
            }
        } else {
            json.skipValue(value);
        }
        if (out.errorMessage == null || out.errorMessage.isEmpty()) {
            out.errorMessage = "the server sent an error event without a message";
        }
    }

    private void appendAnswer(int value, CompletionChunk out) throws MalformedChunkException {
        if (value != '"') {
            json.skipValue(value);
            return;
        }
        json.scanString();
        if (json.stringLength() == 0) {
            return;
        }
        out.hasAnswer = true;
        if (retainText) {
            json.appendString(out.answerText);
        }
    }

    private void appendReasoning(int value, CompletionChunk out) throws MalformedChunkException {
        if (value != '"') {
            json.skipValue(value);
            return;
        }
        json.scanString();
        if (json.stringLength() == 0 || reasoningInDelta) {
            return;
        }
        reasoningInDelta = true;
        out.hasReasoning = true;
        if (retainText) {
            json.appendString(out.reasoningText);
        }
    }

    /** Returns the last scanned string, without allocating for the common finish reasons. */
    private String finishReason() {
        for (int i = 0; i < KNOWN_FINISH_REASON_BYTES.length; i++) {
            if (json.stringEqualsAscii(KNOWN_FINISH_REASON_BYTES[i])) {
                return KNOWN_FINISH_REASONS[i];
            }
        }
        return decodedString();
    }

    private String decodedString() {
        scratch.clear();
        json.appendString(scratch);
        return scratch.toString();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
