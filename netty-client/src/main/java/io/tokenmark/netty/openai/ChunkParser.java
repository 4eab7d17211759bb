package io.tokenmark.netty.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Parses the JSON of one stream chunk into a {@link CompletionChunk} with Jackson's streaming
 * parser, reading the event's bytes straight from its buffer.
 *
 * <p>One parser lives as long as this object and reads each event as the next root-level value
 * of an endless input, which {@link EventInput} fills with one event's bytes at a time. So
 * parsing a chunk allocates no parser, no context and no {@code String} of the event. Field names
 * come from Jackson's symbol table. String values the reader does not request are skipped
 * without being decoded. The ones it requests are read from the parser's character buffer and
 * copied only when text is kept. The bytes are copied once, from the event's buffer (often
 * direct memory) into the parser's input buffer. The blocking parser is used, not Jackson's
 * non-blocking one, because it skips unwanted strings and measured about a third faster on
 * a typical chunk.
 *
 * <p><b>Member names.</b> A server writes the members of its chunks in one fixed order, usually
 * {@code id, object, created, model, choices, usage} (the order of every chunk in the recorded
 * server cases of the test resources, and of the simulator's vLLM-shaped chunks). At each level
 * the parser requests the member it expects next from Jackson with
 * {@link JsonParser#nextFieldName(SerializableString)}, which compares the raw bytes with the
 * expected quoted name and skips the symbol-table lookup when they match. Any other name is
 * read normally and the expectation moves on from it, so the order affects only speed, never
 * the result. Members found in the order are dispatched by their position there, without
 * comparing strings.
 *
 * <p>Recognised members: {@code choices[].delta.content}, {@code .reasoning_content},
 * {@code .reasoning}, {@code .tool_calls[].function.arguments}, {@code .function_call.arguments}
 * (chat); {@code choices[].text} (completions); {@code choices[].finish_reason};
 * {@code usage.prompt_tokens} and {@code usage.completion_tokens}; a top-level {@code error}
 * (object with {@code message}, or a string). Everything else is skipped. When one delta carries
 * both {@code reasoning_content} and {@code reasoning}, only the first non-empty one counts,
 * because servers that send both send the same text twice.
 *
 * <p>Not thread-safe: one parser per connection.
 */
final class ChunkParser {
    /** Top-level members in their usual order. */
    private static final MemberOrder CHUNK = new MemberOrder(
            "id", "object", "created", "model", "choices", "usage");
    /** Members of a choice: chat ({@code delta}) and completions ({@code text}) alike. */
    private static final MemberOrder CHOICE = new MemberOrder(
            "index", "delta", "text", "logprobs", "finish_reason", "stop_reason");
    /** Members of a delta; a token chunk usually carries one of the text members. */
    private static final MemberOrder DELTA = new MemberOrder(
            "content", "reasoning_content", "tool_calls");
    /** Members of {@code usage}, as vLLM writes them. */
    private static final MemberOrder USAGE = new MemberOrder(
            "prompt_tokens", "total_tokens", "completion_tokens");

    private static final int CHUNK_CHOICES = CHUNK.position("choices");
    private static final int CHUNK_USAGE = CHUNK.position("usage");
    private static final int CHOICE_DELTA = CHOICE.position("delta");
    private static final int CHOICE_TEXT = CHOICE.position("text");
    private static final int CHOICE_FINISH_REASON = CHOICE.position("finish_reason");
    private static final int DELTA_CONTENT = DELTA.position("content");
    private static final int DELTA_REASONING_CONTENT = DELTA.position("reasoning_content");
    private static final int DELTA_TOOL_CALLS = DELTA.position("tool_calls");
    private static final int USAGE_PROMPT_TOKENS = USAGE.position("prompt_tokens");
    private static final int USAGE_COMPLETION_TOKENS = USAGE.position("completion_tokens");

    private final JsonFactory factory;
    private final boolean retainText;
    private final EventInput input = new EventInput();
    private final TrailingBytes trailing = new TrailingBytes();
    private JsonParser parser;
    private boolean reasoningInDelta;
    /** Position in its {@link MemberOrder} of the name the last {@link #nextName} returned. */
    private int memberPosition;

    ChunkParser(JsonFactory factory, boolean retainText) {
        this.factory = factory;
        this.retainText = retainText;
    }

    /**
     * Parses {@code length} bytes of {@code buffer} from {@code index} into {@code out}.
     *
     * @throws MalformedChunkException when the bytes are not one complete JSON object
     */
    void parse(ByteBuf buffer, int index, int length, CompletionChunk out)
            throws MalformedChunkException {
        out.clear();
        input.fill(buffer, index, length);
        try {
            if (parser == null) {
                // Created here, not earlier: Jackson reads the first bytes to detect the encoding.
                parser = factory.createParser(input);
            }
            if (next() != JsonToken.START_OBJECT) {
                throw malformed("event data is not a JSON object", null);
            }
            readChunk(out);
            trailing.reset();
            parser.releaseBuffered(trailing);
            input.drainTo(trailing);
            if (trailing.sawData) {
                throw malformed("event data continues after its JSON object", null);
            }
        } catch (MalformedChunkException e) {
            discardParser();
            throw e;
        } catch (JsonEOFException e) {
            discardParser();
            throw malformed("event data ends inside its JSON value", e);
        } catch (JsonProcessingException e) {
            discardParser();
            throw malformed("event data is not valid JSON: " + withoutLocation(e), e);
        } catch (IOException e) {
            discardParser();
            throw malformed("event data could not be parsed: " + e.getMessage(), e);
        } finally {
            input.clear();
        }
    }

    private void readChunk(CompletionChunk out) throws IOException, MalformedChunkException {
        int expected = 0;
        String name;
        while ((name = nextName(CHUNK, expected)) != null) {
            int position = memberPosition;
            expected = position >= 0 ? position + 1 : expected;
            JsonToken value = next();
            if (position == CHUNK_CHOICES && value == JsonToken.START_ARRAY) {
                readChoices(out);
            } else if (position == CHUNK_USAGE && value == JsonToken.START_OBJECT) {
                readUsage(out);
            } else if (position < 0 && name.equals("error")) {
                readError(value, out);
            } else {
                skip(value);
            }
        }
    }

    private void readChoices(CompletionChunk out) throws IOException, MalformedChunkException {
        JsonToken token;
        while ((token = next()) != JsonToken.END_ARRAY) {
            if (token == JsonToken.START_OBJECT) {
                readChoice(out);
            } else {
                skip(token);
            }
        }
    }

    private void readChoice(CompletionChunk out) throws IOException, MalformedChunkException {
        int expected = 0;
        while (nextName(CHOICE, expected) != null) {
            int position = memberPosition;
            expected = position >= 0 ? position + 1 : expected;
            JsonToken value = next();
            if (position == CHOICE_DELTA && value == JsonToken.START_OBJECT) {
                readDelta(out);
            } else if (position == CHOICE_TEXT) {
                appendAnswer(value, out);
            } else if (position == CHOICE_FINISH_REASON && value == JsonToken.VALUE_STRING
                    && out.finishReason == null) {
                out.finishReason = finishReason();
            } else {
                skip(value);
            }
        }
    }

    private void readDelta(CompletionChunk out) throws IOException, MalformedChunkException {
        reasoningInDelta = false;
        int expected = 0;
        String name;
        while ((name = nextName(DELTA, expected)) != null) {
            int position = memberPosition;
            expected = position >= 0 ? position + 1 : expected;
            JsonToken value = next();
            if (position == DELTA_CONTENT) {
                appendAnswer(value, out);
            } else if (position == DELTA_REASONING_CONTENT
                    || (position < 0 && name.equals("reasoning"))) {
                appendReasoning(value, out);
            } else if (position == DELTA_TOOL_CALLS && value == JsonToken.START_ARRAY) {
                readToolCalls(out);
            } else if (position < 0 && name.equals("function_call")
                    && value == JsonToken.START_OBJECT) {
                readFunction(out);
            } else {
                skip(value);
            }
        }
    }

    private void readToolCalls(CompletionChunk out) throws IOException, MalformedChunkException {
        JsonToken token;
        while ((token = next()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                skip(token);
                continue;
            }
            String name;
            while ((name = nextName()) != null) {
                boolean function = "function".equals(name);
                JsonToken value = next();
                if (function && value == JsonToken.START_OBJECT) {
                    readFunction(out);
                } else {
                    skip(value);
                }
            }
        }
    }

    private void readFunction(CompletionChunk out) throws IOException, MalformedChunkException {
        String name;
        while ((name = nextName()) != null) {
            boolean arguments = "arguments".equals(name);
            JsonToken value = next();
            if (arguments) {
                appendAnswer(value, out);
            } else {
                skip(value);
            }
        }
    }

    private void readUsage(CompletionChunk out) throws IOException, MalformedChunkException {
        out.hasUsage = true;
        int expected = 0;
        while (nextName(USAGE, expected) != null) {
            int position = memberPosition;
            expected = position >= 0 ? position + 1 : expected;
            JsonToken value = next();
            boolean number = value == JsonToken.VALUE_NUMBER_INT;
            if (number && position == USAGE_PROMPT_TOKENS) {
                out.promptTokens = parser.getIntValue();
            } else if (number && position == USAGE_COMPLETION_TOKENS) {
                out.completionTokens = parser.getIntValue();
            } else {
                skip(value);
            }
        }
    }

    private void readError(JsonToken value, CompletionChunk out)
            throws IOException, MalformedChunkException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        out.hasError = true;
        if (value == JsonToken.VALUE_STRING) {
            out.errorMessage = parser.getText();
        } else if (value == JsonToken.START_OBJECT) {
            String name;
            while ((name = nextName()) != null) {
                boolean message = "message".equals(name);
                JsonToken member = next();
                if (message && member == JsonToken.VALUE_STRING) {
                    out.errorMessage = parser.getText();
                } else {
                    skip(member);
                }
            }
        } else {
            skip(value);
        }
        if (out.errorMessage == null || out.errorMessage.isEmpty()) {
            out.errorMessage = "the server sent an error event without a message";
        }
    }

    private void appendAnswer(JsonToken value, CompletionChunk out)
            throws IOException, MalformedChunkException {
        if (value != JsonToken.VALUE_STRING) {
            skip(value);
            return;
        }
        int length = parser.getTextLength();
        if (length == 0) {
            return;
        }
        out.hasAnswer = true;
        if (retainText) {
            out.answerText.append(parser.getTextCharacters(), parser.getTextOffset(), length);
        }
    }

    private void appendReasoning(JsonToken value, CompletionChunk out)
            throws IOException, MalformedChunkException {
        if (value != JsonToken.VALUE_STRING) {
            skip(value);
            return;
        }
        int length = parser.getTextLength();
        if (length == 0 || reasoningInDelta) {
            return;
        }
        reasoningInDelta = true;
        out.hasReasoning = true;
        if (retainText) {
            out.reasoningText.append(parser.getTextCharacters(), parser.getTextOffset(), length);
        }
    }

    /** Returns the current string value, without allocating for the common finish reasons. */
    private String finishReason() throws IOException {
        char[] chars = parser.getTextCharacters();
        int offset = parser.getTextOffset();
        int length = parser.getTextLength();
        for (String known : KNOWN_FINISH_REASONS) {
            if (known.length() == length && regionEquals(known, chars, offset)) {
                return known;
            }
        }
        return new String(chars, offset, length);
    }

    private static final String[] KNOWN_FINISH_REASONS = {
        "stop", "length", "tool_calls", "content_filter", "function_call", "abort", "eos_token"
    };

    private static boolean regionEquals(String known, char[] chars, int offset) {
        for (int i = 0; i < known.length(); i++) {
            if (known.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Moves to the next member of the current object, trying {@code order}'s member at
     * {@code expected} first, and returns its name, or {@code null} at the object's end. Sets
     * {@link #memberPosition} to the name's position in {@code order}, -1 when it has none.
     */
    private String nextName(MemberOrder order, int expected)
            throws IOException, MalformedChunkException {
        if (expected < order.size() && parser.nextFieldName(order.quoted(expected))) {
            memberPosition = expected;
            return order.name(expected);
        }
        String name = expected < order.size() ? currentNameOrEnd() : nextName();
        memberPosition = name == null ? -1 : order.position(name);
        return name;
    }

    /** Moves to the next member of the current object and returns its name, or {@code null}. */
    private String nextName() throws IOException, MalformedChunkException {
        parser.nextToken();
        return currentNameOrEnd();
    }

    private String currentNameOrEnd() throws IOException, MalformedChunkException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.FIELD_NAME) {
            return parser.currentName();
        }
        if (token == JsonToken.END_OBJECT) {
            return null;
        }
        if (token == null || token == JsonToken.NOT_AVAILABLE) {
            throw malformed("event data ends inside its JSON value", null);
        }
        throw malformed("unexpected JSON token " + token + " where a member name belongs", null);
    }

    /** Skips a value the reader ignores: a whole object or array, or nothing for a scalar. */
    private void skip(JsonToken token) throws IOException {
        // The blocking parser reports the end of an event's bytes inside an object or array as
        // a JsonEOFException, so skipChildren() cannot run past the event.
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            parser.skipChildren();
        }
    }

    private JsonToken next() throws IOException, MalformedChunkException {
        JsonToken token = parser.nextToken();
        if (token == null || token == JsonToken.NOT_AVAILABLE) {
            throw malformed("event data ends inside its JSON value", null);
        }
        return token;
    }

    /** Jackson's message without its location note, which names no source here. */
    private static String withoutLocation(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int note = message.indexOf(" (start marker at");
        return note < 0 ? message : message.substring(0, note);
    }

    private static MalformedChunkException malformed(String message, Throwable cause) {
        return new MalformedChunkException(message, cause);
    }

    /** Drops a parser left inside a broken value; the next chunk gets a fresh one. */
    private void discardParser() {
        if (parser != null) {
            try {
                parser.close();
            } catch (IOException ignored) {
                // EventInput.close() does nothing, so closing the parser cannot fail on I/O.
            }
        }
        parser = null;
    }

    /**
     * The usual order of the members of one JSON object: their names, and the same names as
     * Jackson {@link SerializedString}s, which keep their quoted UTF-8 bytes for
     * {@link JsonParser#nextFieldName(SerializableString)}. Immutable.
     */
    private static final class MemberOrder {
        private final String[] names;
        private final SerializedString[] quoted;

        MemberOrder(String... names) {
            this.names = names;
            this.quoted = new SerializedString[names.length];
            for (int i = 0; i < names.length; i++) {
                quoted[i] = new SerializedString(names[i]);
            }
        }

        int size() {
            return names.length;
        }

        String name(int position) {
            return names[position];
        }

        SerializedString quoted(int position) {
            return quoted[position];
        }

        /** Returns the position of {@code name} in the order, or -1 when it is not in it. */
        int position(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * The parser's input: the bytes of the event being parsed, then end-of-input. Reaching the
     * end means the event's JSON is incomplete, and the parser is discarded.
     */
    private static final class EventInput extends InputStream {
        private ByteBuf buffer;
        private int index;
        private int end;

        void fill(ByteBuf source, int from, int length) {
            buffer = source;
            index = from;
            end = from + length;
        }

        void clear() {
            buffer = null;
            index = 0;
            end = 0;
        }

        /** Passes the bytes the parser has not read to {@code sink}. */
        void drainTo(TrailingBytes sink) {
            for (; index < end; index++) {
                sink.write(buffer.getByte(index));
            }
        }

        @Override
        public int read() {
            return index < end ? buffer.getByte(index++) & 0xFF : -1;
        }

        @Override
        public int read(byte[] destination, int offset, int length) {
            if (index >= end) {
                return -1;
            }
            int count = Math.min(length, end - index);
            buffer.getBytes(index, destination, offset, count);
            index += count;
            return count;
        }

        @Override
        public int available() {
            return end - index;
        }
    }

    /** Receives the bytes the parser read past the JSON object and notes any that are not blank. */
    private static final class TrailingBytes extends OutputStream {
        boolean sawData;

        void reset() {
            sawData = false;
        }

        @Override
        public void write(int b) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                sawData = true;
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }
    }
}
