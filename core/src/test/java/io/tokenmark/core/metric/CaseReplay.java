package io.tokenmark.core.metric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.core.workload.RequestSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Turns a {@link RecordedCase.Response} into the {@link RequestRecord} a correct client would
 * build, without a network: it decodes the body as server-sent events, stamps each event with the
 * time of the segment holding its terminating blank line (the case format's arrival rule), and
 * feeds the events to the real {@link RequestRecorder} in stream order.
 *
 * <p>It replaces the Netty client, which {@code core} cannot depend on; the client's own
 * tests replay the same cases over real sockets. The SSE rules follow the WHATWG parsing rules
 * (CR, LF and CRLF line ends, one leading BOM, comments, one space dropped after the colon,
 * several {@code data} lines joined with LF); error classification follows the error kinds:
 * non-2xx status, an event with a top-level {@code error}, data that is not JSON, an end without
 * {@code [DONE]} or {@code finish_reason}, and a stall past the read timeout.
 */
public final class CaseReplay {
    /** The {@code System.nanoTime()} value that stands for the scenario's start. */
    public static final long ORIGIN_NANOS = 10_000_000_000L;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CaseReplay() {
    }

    /** Returns the nanosecond time of {@code millis} after the scenario start. */
    public static long nanosAt(double millis) {
        return ORIGIN_NANOS + Math.round(millis * 1e6);
    }

    /** Replays the response as request {@code requestId}, sent at its {@code start_ms}. */
    public static RequestRecord replay(RecordedCase.Response response, long requestId) {
        RequestRecord[] result = new RequestRecord[1];
        long send = nanosAt(response.startMillis());
        RequestRecorder recorder = new RequestRecorder(requestId, false,
                RequestSpec.ofUserMessage("replayed case", 64),
                nanosAt(response.scheduledMillis()), send, record -> result[0] = record);

        Body body = decode(response);
        double[] segmentTimes = response.segmentTimesMillis();
        long lastSegment = send + Math.round(segmentTimes[segmentTimes.length - 1] * 1e6);

        recorder.onRequestSent(send);
        recorder.onResponseHeaders(response.httpStatus(), send + Math.round(segmentTimes[0] * 1e6));
        if (response.httpStatus() < 200 || response.httpStatus() > 299) {
            String text = new String(body.bytes, StandardCharsets.UTF_8);
            recorder.onFailure(new RequestFailure(ErrorKind.HTTP, response.httpStatus(),
                    errorMessage(text, "HTTP " + response.httpStatus()), text, lastSegment));
            return result[0];
        }

        StreamEnd end = feedEvents(recorder, body, segmentTimes, send);
        if (end == StreamEnd.TERMINATED) {
            return result[0];
        }
        if ("stall".equals(response.afterLastSegment())) {
            long timeout = Math.round(response.readTimeoutMillis() * 1e6);
            recorder.onFailure(new RequestFailure(ErrorKind.READ_TIMEOUT, 0,
                    "no bytes for " + response.readTimeoutMillis() + " ms", null,
                    lastSegment + timeout));
        } else if (end == StreamEnd.CLOSED_AFTER_FINISH_REASON) {
            recorder.onComplete(lastSegment);
        } else {
            recorder.onFailure(new RequestFailure(ErrorKind.TRUNCATED, 200,
                    "stream ended without finish_reason or [DONE]", null, lastSegment));
        }
        return result[0];
    }

    /** How the events of a body ended. */
    private enum StreamEnd { TERMINATED, CLOSED_AFTER_FINISH_REASON, CLOSED_WITHOUT_FINISH_REASON }

    /**
     * Feeds every event to the recorder. Returns {@code TERMINATED} when an event ended the
     * request ({@code [DONE]} or an error); otherwise the caller reports how the body ended.
     */
    private static StreamEnd feedEvents(
            RequestRecorder recorder, Body body, double[] segmentTimes, long send) {
        String finishReason = null;
        int eventIndex = 0;
        for (SseEvent event : parse(body)) {
            long arrival = send + Math.round(segmentTimes[body.segmentOf(event.endOffset)] * 1e6);
            int index = eventIndex++;
            if (event.data.equals("[DONE]")) {
                recorder.onComplete(arrival);
                return StreamEnd.TERMINATED;
            }
            JsonNode chunk;
            try {
                chunk = MAPPER.readTree(event.data);
            } catch (IOException e) {
                chunk = null;
            }
            if (chunk == null || !chunk.isObject()) {
                recorder.onFailure(new RequestFailure(ErrorKind.MALFORMED_EVENT, 200,
                        "event data is not a JSON object", null, arrival));
                return StreamEnd.TERMINATED;
            }
            if (chunk.hasNonNull("error")) {
                recorder.onFailure(new RequestFailure(ErrorKind.STREAM_ERROR, 200,
                        chunk.get("error").path("message").asText("stream error"), null,
                        arrival));
                return StreamEnd.TERMINATED;
            }
            finishReason = feedChunk(recorder, chunk, arrival, index, finishReason);
        }
        return finishReason == null
                ? StreamEnd.CLOSED_WITHOUT_FINISH_REASON : StreamEnd.CLOSED_AFTER_FINISH_REASON;
    }

    private static String feedChunk(RequestRecorder recorder, JsonNode chunk, long arrival,
            int index, String finishReason) {
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String reasoning = text(delta, "reasoning_content") + text(delta, "reasoning");
        StringBuilder answer = new StringBuilder(text(delta, "content") + text(choice, "text"));
        for (JsonNode call : delta.path("tool_calls")) {
            answer.append(text(call.path("function"), "arguments"));
        }

        JsonNode usage = chunk.get("usage");
        boolean hasUsage = usage != null && usage.isObject();
        if (!reasoning.isEmpty() || answer.length() > 0) {
            int cumulative = hasUsage ? usage.path("completion_tokens").asInt(-1) : -1;
            recorder.onTokenEvent(new ReplayedEvent(arrival, index, !reasoning.isEmpty(),
                    answer.length() > 0, cumulative, reasoning.isEmpty() ? null : reasoning,
                    answer.length() == 0 ? null : answer.toString()));
        }
        if (hasUsage) {
            recorder.onUsage(arrival, usage.path("prompt_tokens").asInt(-1),
                    usage.path("completion_tokens").asInt(-1));
        }
        JsonNode reason = choice.get("finish_reason");
        if (reason != null && !reason.isNull()) {
            recorder.onFinishReason(reason.asText());
            return reason.asText();
        }
        return finishReason;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? "" : value.asText();
    }

    private static String errorMessage(String body, String fallback) {
        try {
            return MAPPER.readTree(body).path("error").path("message").asText(fallback);
        } catch (IOException e) {
            return fallback;
        }
    }

    // ---- body decoding ----

    /** The decoded body and, per segment, the decoded offset where it ends. */
    private static final class Body {
        final byte[] bytes;
        final int[] segmentEnds;

        Body(byte[] bytes, int[] segmentEnds) {
            this.bytes = bytes;
            this.segmentEnds = segmentEnds;
        }

        int segmentOf(int offset) {
            for (int i = 0; i < segmentEnds.length; i++) {
                if (offset < segmentEnds[i]) {
                    return i;
                }
            }
            return segmentEnds.length - 1;
        }
    }

    private static Body decode(RecordedCase.Response response) {
        byte[] wire = response.wireBytes();
        int[] splits = response.chunkSplits();
        int[] wireEnds = Arrays.copyOf(splits, splits.length + 1);
        wireEnds[splits.length] = wire.length;
        if (!response.gzipped()) {
            return new Body(wire, wireEnds);
        }
        return inflateBySegment(wire, wireEnds);
    }

    /** Inflates a gzip body segment by segment, to know which decoded bytes each one released. */
    private static Body inflateBySegment(byte[] wire, int[] wireEnds) {
        int headerEnd = gzipHeaderLength(wire);
        Inflater inflater = new Inflater(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int[] decodedEnds = new int[wireEnds.length];
        int from = headerEnd;
        try {
            for (int s = 0; s < wireEnds.length; s++) {
                int to = Math.max(from, wireEnds[s]);
                if (to > from && !inflater.finished()) {
                    inflater.setInput(wire, from, to - from);
                    while (!inflater.needsInput() && !inflater.finished()) {
                        int n = inflater.inflate(buffer);
                        out.write(buffer, 0, n);
                    }
                }
                from = to;
                decodedEnds[s] = out.size();
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("invalid gzip body", e);
        } finally {
            inflater.end();
        }
        return new Body(out.toByteArray(), decodedEnds);
    }

    private static int gzipHeaderLength(byte[] wire) {
        int flags = wire[3] & 0xff;
        int position = 10;
        if ((flags & 0x04) != 0) {
            position += 2 + ((wire[position] & 0xff) | (wire[position + 1] & 0xff) << 8);
        }
        if ((flags & 0x08) != 0) {
            while (wire[position++] != 0) {
                // skip the file name
            }
        }
        if ((flags & 0x10) != 0) {
            while (wire[position++] != 0) {
                // skip the comment
            }
        }
        if ((flags & 0x02) != 0) {
            position += 2;
        }
        return position;
    }

    // ---- SSE parsing ----

    /** A dispatched event with data, and the offset of its terminating blank line. */
    private static final class SseEvent {
        final String data;
        final int endOffset;

        SseEvent(String data, int endOffset) {
            this.data = data;
            this.endOffset = endOffset;
        }
    }

    private static List<SseEvent> parse(Body body) {
        byte[] bytes = body.bytes;
        List<SseEvent> events = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        boolean hasData = false;

        int position = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF) {
            position = 3;
        }
        while (position < bytes.length) {
            int end = position;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            if (end == bytes.length) {
                break; // an unterminated last line is never dispatched
            }
            String line = new String(bytes, position, end - position, StandardCharsets.UTF_8);
            int next = end + 1;
            if (bytes[end] == '\r' && next < bytes.length && bytes[next] == '\n') {
                next++;
            }

            if (line.isEmpty()) {
                if (hasData) {
                    String value = data.toString();
                    if (value.endsWith("\n")) {
                        value = value.substring(0, value.length() - 1);
                    }
                    events.add(new SseEvent(value, end));
                }
                data.setLength(0);
                hasData = false;
            } else if (!line.startsWith(":")) {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if (field.equals("data")) {
                    data.append(value).append('\n');
                    hasData = true;
                }
            }
            position = next;
        }
        return events;
    }

    /** A token event as the client would report it. */
    private record ReplayedEvent(
            long arrivalNanos,
            int eventIndex,
            boolean hasReasoning,
            boolean hasAnswer,
            int cumulativeCompletionTokens,
            CharSequence reasoningText,
            CharSequence answerText) implements TokenEvent {
    }
}
