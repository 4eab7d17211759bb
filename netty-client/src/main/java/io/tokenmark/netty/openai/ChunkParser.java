package io.tokenmark.netty.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Parses the JSON of one stream chunk into a {@link CompletionChunk} with Jackson's
 * non-blocking streaming parser, reading the event's bytes directly.
 *
 * <p>One parser instance lives as long as this object and reads each event as the next root-level
 * value, so parsing a chunk allocates no parser, no context and no {@code String} of the event.
 * Field names come from Jackson's symbol table; text values are read from the parser's character
 * buffer and copied only when text is kept. Event bytes in a heap buffer are fed in place; bytes
 * in direct memory are first copied to a reused array, because the parser reads arrays.
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
    private final JsonFactory factory;
    private final boolean retainText;
    private JsonParser parser;
    private ByteArrayFeeder feeder;
    private byte[] scratch = new byte[1024];
    private boolean reasoningInDelta;

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
        byte[] array;
        int offset;
        if (buffer.hasArray()) {
            array = buffer.array();
            offset = buffer.arrayOffset() + index;
        } else {
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
            }
            buffer.getBytes(index, scratch, 0, length);
            array = scratch;
            offset = 0;
        }

        try {
            if (parser == null) {
                parser = factory.createNonBlockingByteArrayParser();
                feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
            }
            feeder.feedInput(array, offset, offset + length);
            if (next() != JsonToken.START_OBJECT) {
                throw malformed("event data is not a JSON object", null);
            }
            readChunk(out);
            if (parser.nextToken() != JsonToken.NOT_AVAILABLE) {
                throw malformed("event data continues after its JSON object", null);
            }
        } catch (MalformedChunkException e) {
            discardParser();
            throw e;
        } catch (JsonProcessingException e) {
            discardParser();
            throw malformed("event data is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            discardParser();
            throw malformed("event data could not be parsed: " + e.getMessage(), e);
        }
    }

    private void readChunk(CompletionChunk out) throws IOException, MalformedChunkException {
        JsonToken token;
        while ((token = next()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = next();
            switch (name) {
                case "choices" -> {
                    if (value == JsonToken.START_ARRAY) {
                        readChoices(out);
                    } else {
                        skip(value);
                    }
                }
                case "usage" -> {
                    if (value == JsonToken.START_OBJECT) {
                        readUsage(out);
                    } else {
                        skip(value);
                    }
                }
                case "error" -> readError(value, out);
                default -> skip(value);
            }
        }
        expectEndObject(token);
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
        JsonToken token;
        while ((token = next()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = next();
            switch (name) {
                case "delta" -> {
                    if (value == JsonToken.START_OBJECT) {
                        readDelta(out);
                    } else {
                        skip(value);
                    }
                }
                case "text" -> appendAnswer(value, out);
                case "finish_reason" -> {
                    if (value == JsonToken.VALUE_STRING && out.finishReason == null) {
                        out.finishReason = finishReason();
                    } else {
                        skip(value);
                    }
                }
                default -> skip(value);
            }
        }
        expectEndObject(token);
    }

    private void readDelta(CompletionChunk out) throws IOException, MalformedChunkException {
        reasoningInDelta = false;
        JsonToken token;
        while ((token = next()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = next();
            switch (name) {
                case "content" -> appendAnswer(value, out);
                case "reasoning_content", "reasoning" -> appendReasoning(value, out);
                case "tool_calls" -> {
                    if (value == JsonToken.START_ARRAY) {
                        readToolCalls(out);
                    } else {
                        skip(value);
                    }
                }
                case "function_call" -> {
                    if (value == JsonToken.START_OBJECT) {
                        readFunction(out);
                    } else {
                        skip(value);
                    }
                }
                default -> skip(value);
            }
        }
        expectEndObject(token);
    }

    private void readToolCalls(CompletionChunk out) throws IOException, MalformedChunkException {
        JsonToken token;
        while ((token = next()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                skip(token);
                continue;
            }
            while ((token = next()) == JsonToken.FIELD_NAME) {
                boolean function = "function".equals(parser.currentName());
                JsonToken value = next();
                if (function && value == JsonToken.START_OBJECT) {
                    readFunction(out);
                } else {
                    skip(value);
                }
            }
            expectEndObject(token);
        }
    }

    private void readFunction(CompletionChunk out) throws IOException, MalformedChunkException {
        JsonToken token;
        while ((token = next()) == JsonToken.FIELD_NAME) {
            boolean arguments = "arguments".equals(parser.currentName());
            JsonToken value = next();
            if (arguments) {
                appendAnswer(value, out);
            } else {
                skip(value);
            }
        }
        expectEndObject(token);
    }

    private void readUsage(CompletionChunk out) throws IOException, MalformedChunkException {
        out.hasUsage = true;
        JsonToken token;
        while ((token = next()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = next();
            boolean number = value == JsonToken.VALUE_NUMBER_INT;
            if (number && "prompt_tokens".equals(name)) {
                out.promptTokens = parser.getIntValue();
            } else if (number && "completion_tokens".equals(name)) {
                out.completionTokens = parser.getIntValue();
            } else {
                skip(value);
            }
        }
        expectEndObject(token);
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
            JsonToken token;
            while ((token = next()) == JsonToken.FIELD_NAME) {
                boolean message = "message".equals(parser.currentName());
                JsonToken member = next();
                if (message && member == JsonToken.VALUE_STRING) {
                    out.errorMessage = parser.getText();
                } else {
                    skip(member);
                }
            }
            expectEndObject(token);
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

    private void skip(JsonToken token) throws IOException, MalformedChunkException {
        if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
            return;
        }
        // JsonParser.skipChildren() would loop forever on NOT_AVAILABLE, which a truncated
        // event produces, so the depth is tracked here.
        int depth = 1;
        while (depth > 0) {
            JsonToken next = next();
            if (next == JsonToken.START_OBJECT || next == JsonToken.START_ARRAY) {
                depth++;
            } else if (next == JsonToken.END_OBJECT || next == JsonToken.END_ARRAY) {
                depth--;
            }
        }
    }

    private JsonToken next() throws IOException, MalformedChunkException {
        JsonToken token = parser.nextToken();
        if (token == null || token == JsonToken.NOT_AVAILABLE) {
            throw malformed("event data ends inside its JSON value", null);
        }
        return token;
    }

    private static void expectEndObject(JsonToken token) throws MalformedChunkException {
        if (token != JsonToken.END_OBJECT) {
            throw malformed("unexpected JSON token " + token + " where a member name belongs", null);
        }
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
                // Closing a non-blocking parser releases buffers only; it cannot fail on I/O.
            }
        }
        parser = null;
        feeder = null;
    }
}
