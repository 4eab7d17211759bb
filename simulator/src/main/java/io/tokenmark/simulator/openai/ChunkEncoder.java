package io.tokenmark.simulator.openai;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.tokenmark.core.client.ApiKind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one streamed response's server-sent events, shaped like vLLM 0.9's:
 * <pre>
 * data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1751000000,"model":"m",
 *        "choices":[{"index":0,"delta":{"content":" the"},"logprobs":null,"finish_reason":null}]}
 * </pre>
 * (one line on the wire, followed by a blank line). The completions API uses
 * {@code "object":"text_completion"} and {@code "text"} in place of the delta.
 *
 * <p>The JSON before the delta is prepared once per response, and token words are copied from
 * prepared bytes, so writing a token event allocates nothing beyond the caller's buffer.
 *
 * <p><b>Threading:</b> not thread-safe; one response's events are written by one thread.
 */
public final class ChunkEncoder {
    private static final byte[] DATA = ascii("data: ");
    private static final byte[] EVENT_END = ascii("}\n\n");
    private static final byte[] DONE = ascii("data: [DONE]\n\n");
    private static final byte[] CHAT_DELTA_END = ascii("},\"logprobs\":null,\"finish_reason\":");
    private static final byte[] TEXT_END = ascii("\",\"logprobs\":null,\"finish_reason\":");
    private static final byte[] TEXT_STOP_REASON = ascii(",\"stop_reason\":null");
    private static final byte[] CHOICE_END = ascii("}]");
    private static final byte[] NULL = ascii("null");
    private static final byte[] REASONING_FIELD = ascii("\"reasoning_content\":\"");
    private static final byte[] CONTENT_FIELD = ascii("\"content\":\"");
    private static final byte[] ROLE_DELTA = ascii("\"role\":\"assistant\",\"content\":\"\"");
    private static final byte[] EMPTY_CHOICES = ascii(",\"choices\":[]");
    private static final byte[] USAGE_PROMPT = ascii(",\"usage\":{\"prompt_tokens\":");
    private static final byte[] USAGE_TOTAL = ascii(",\"total_tokens\":");
    private static final byte[] USAGE_COMPLETION = ascii(",\"completion_tokens\":");
    private static final byte[] FILLER = filler(64 * 1024);

    private final ApiKind api;
    private final OutputPlan plan;
    private final int promptTokens;
    private final boolean continuousUsage;
    /** {@code {"id":…,"object":…,"created":…,"model":…} without the closing brace. */
    private final byte[] header;
    /** {@code header} followed by the opening of the first choice, up to the delta or text. */
    private final byte[] choicePrefix;

    /**
     * @param api the endpoint, which decides the object type and the choice layout
     * @param completionId the response id, such as {@code chatcmpl-1a}
     * @param createdSeconds the {@code created} Unix time in seconds
     * @param model the model name
     * @param promptTokens the {@code usage.prompt_tokens} value
     * @param plan the response's length, reasoning share and text seed
     * @param continuousUsage whether every chunk carries the cumulative usage
     */
    public ChunkEncoder(ApiKind api, String completionId, long createdSeconds, String model,
            int promptTokens, OutputPlan plan, boolean continuousUsage) {
        this.api = api;
        this.plan = plan;
        this.promptTokens = promptTokens;
        this.continuousUsage = continuousUsage;
        String object = api == ApiKind.CHAT ? "chat.completion.chunk" : "text_completion";
        this.header = utf8("{\"id\":\"" + TokenText.escapeJson(completionId)
                + "\",\"object\":\"" + object + "\",\"created\":" + createdSeconds
                + ",\"model\":\"" + TokenText.escapeJson(model) + "\"");
        String choice = api == ApiKind.CHAT
                ? ",\"choices\":[{\"index\":0,\"delta\":{"
                : ",\"choices\":[{\"index\":0,\"text\":\"";
        this.choicePrefix = concat(header, utf8(choice));
    }

    /** Returns the maximum number of bytes {@link #writeTokenChunk} writes for that many tokens. */
    public int maxTokenChunkBytes(int tokens) {
        return DATA.length + choicePrefix.length + REASONING_FIELD.length + CONTENT_FIELD.length
                + tokens * 24 + 160;
    }

    /**
     * Writes the chat API's first event, whose delta carries only the assistant role. vLLM sends
     * it before the first token; it is not a token event.
     */
    public void writeRoleChunk(ByteBuf out) {
        out.writeBytes(DATA).writeBytes(choicePrefix).writeBytes(ROLE_DELTA);
        out.writeBytes(CHAT_DELTA_END).writeBytes(NULL).writeBytes(CHOICE_END);
        writeUsageIfContinuous(out, 0);
        out.writeBytes(EVENT_END);
    }

    /**
     * Writes an event carrying tokens {@code [from, from + count)} of the response: reasoning
     * tokens as {@code reasoning_content}, the rest as {@code content} (or {@code text} on the
     * completions API); an event that spans the boundary carries both fields.
     *
     * @param finishReason {@code stop} or {@code length} on the event with the last token, else
     *     {@code null}
     */
    public void writeTokenChunk(ByteBuf out, int from, int count, String finishReason) {
        out.writeBytes(DATA).writeBytes(choicePrefix);
        int end = from + count;
        if (api == ApiKind.CHAT) {
            int reasoningEnd = Math.min(end, plan.reasoningTokens());
            boolean wroteReasoning = false;
            if (from < reasoningEnd) {
                out.writeBytes(REASONING_FIELD);
                writeWords(out, from, reasoningEnd);
                out.writeByte('"');
                wroteReasoning = true;
            }
            int contentFrom = Math.max(from, plan.reasoningTokens());
            if (contentFrom < end) {
                if (wroteReasoning) {
                    out.writeByte(',');
                }
                out.writeBytes(CONTENT_FIELD);
                writeWords(out, contentFrom, end);
                out.writeByte('"');
            }
            out.writeBytes(CHAT_DELTA_END);
            writeFinishReason(out, finishReason);
        } else {
            writeWords(out, from, end);
            out.writeBytes(TEXT_END);
            writeFinishReason(out, finishReason);
            out.writeBytes(TEXT_STOP_REASON);
        }
        out.writeBytes(CHOICE_END);
        writeUsageIfContinuous(out, end);
        out.writeBytes(EVENT_END);
    }

    /**
     * Writes the usage event sent with {@code stream_options.include_usage}: empty
     * {@code choices} and the final counts.
     */
    public void writeUsageChunk(ByteBuf out, int completionTokens) {
        out.writeBytes(DATA).writeBytes(header);
        out.writeBytes(EMPTY_CHOICES);
        writeUsage(out, completionTokens);
        out.writeBytes(EVENT_END);
    }

    /** Writes {@code data: [DONE]}, the end of an OpenAI stream. */
    public static void writeDone(ByteBuf out) {
        out.writeBytes(DONE);
    }

    /**
     * Writes an in-band error event, as vLLM streams an engine error: a JSON object with a
     * top-level {@code error}.
     */
    public static void writeErrorEvent(ByteBuf out, String message, String type, int code) {
        out.writeBytes(DATA);
        out.writeBytes(utf8(ResponseBodies.errorJson(message, type, null, code)));
        out.writeBytes(ascii("\n\n"));
    }

    /** Writes an event whose data is a chunk cut off inside a string: invalid JSON. */
    public void writeMalformedChunk(ByteBuf out) {
        out.writeBytes(DATA).writeBytes(choicePrefix);
        if (api == ApiKind.CHAT) {
            out.writeBytes(CONTENT_FIELD);
        }
        out.writeBytes(ascii(" cut off here\n\n"));
    }

    /**
     * Returns a token event of at least {@code bytes} bytes whose content is the letter x
     * repeated. The buffer shares one read-only filler block, so it costs little memory
     * whatever its size. The caller owns the returned buffer.
     */
    public ByteBuf oversizeChunk(ByteBufAllocator allocator, int bytes) {
        ByteBuf head = allocator.buffer(DATA.length + choicePrefix.length + 32);
        head.writeBytes(DATA).writeBytes(choicePrefix);
        if (api == ApiKind.CHAT) {
            head.writeBytes(CONTENT_FIELD);
        }
        ByteBuf tail = allocator.buffer(96);
        if (api == ApiKind.CHAT) {
            tail.writeByte('"').writeBytes(CHAT_DELTA_END).writeBytes(NULL);
        } else {
            tail.writeBytes(TEXT_END).writeBytes(NULL).writeBytes(TEXT_STOP_REASON);
        }
        tail.writeBytes(CHOICE_END).writeBytes(EVENT_END);

        int fillerBytes = Math.max(1, bytes - head.readableBytes() - tail.readableBytes());
        int blocks = (fillerBytes + FILLER.length - 1) / FILLER.length;
        CompositeByteBuf event = allocator.compositeBuffer(blocks + 2);
        event.addComponent(true, head);
        for (int remaining = fillerBytes; remaining > 0; remaining -= FILLER.length) {
            event.addComponent(true,
                    Unpooled.wrappedBuffer(FILLER, 0, Math.min(remaining, FILLER.length)));
        }
        event.addComponent(true, tail);
        return event;
    }

    private void writeWords(ByteBuf out, int from, int end) {
        long seed = plan.textSeed();
        for (int i = from; i < end; i++) {
            out.writeBytes(TokenText.jsonBytes(seed, i));
        }
    }

    private static void writeFinishReason(ByteBuf out, String finishReason) {
        if (finishReason == null) {
            out.writeBytes(NULL);
        } else {
            out.writeByte('"').writeBytes(ascii(finishReason)).writeByte('"');
        }
    }

    private void writeUsageIfContinuous(ByteBuf out, int completionTokens) {
        if (continuousUsage) {
            writeUsage(out, completionTokens);
        }
    }

    private void writeUsage(ByteBuf out, int completionTokens) {
        out.writeBytes(USAGE_PROMPT);
        writeDecimal(out, promptTokens);
        out.writeBytes(USAGE_TOTAL);
        writeDecimal(out, (long) promptTokens + completionTokens);
        out.writeBytes(USAGE_COMPLETION);
        writeDecimal(out, completionTokens);
        out.writeByte('}');
    }

    /** Writes a non-negative number in ASCII decimal without allocating. */
    static void writeDecimal(ByteBuf out, long value) {
        if (value == 0) {
            out.writeByte('0');
            return;
        }
        long divisor = 1;
        while (value / divisor >= 10) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.writeByte((int) ('0' + (value / divisor) % 10));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    private static byte[] filler(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }
}
