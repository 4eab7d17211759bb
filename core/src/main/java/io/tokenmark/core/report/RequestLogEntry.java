package io.tokenmark.core.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.TokenCountSource;
import java.util.Locale;
import java.util.Objects;

/**
 * One line of {@code requests.jsonl}: a request's outcome, times and token counts, with times in
 * milliseconds after the run start. Fields that do not exist are {@code null} (see
 * {@code docs/output-format.md} for each key).
 *
 * @param requestId unique within the run
 * @param point the sweep point's label
 * @param datasetIndex position of the prompt in the dataset
 * @param success whether the request succeeded
 * @param error the error label such as {@code http_503}, or {@code null}
 * @param errorMessage a one-line description of the failure, or {@code null}
 * @param httpStatus the response status, 0 when none arrived
 * @param finishReason the first non-null {@code finish_reason}, or {@code null}
 * @param scheduledMillis when the schedule wanted the request sent
 * @param dispatchMillis when the sampler handed it to the client
 * @param sendMillis when its first byte was written, {@code null} when never sent
 * @param endMillis end of stream, or when the failure was detected
 * @param scheduleLagMillis send (dispatch when never sent) − scheduled
 * @param ttftMillis time to first token
 * @param ttfoMillis time to first output: the first token event with answer text
 * @param e2elMillis end-to-end latency
 * @param streamTimeMillis end of stream − send
 * @param tpotMillis time per output token, {@code null} when N_out ≤ 1
 * @param tokenEvents number of token events
 * @param tokensPerEventSource source of per-event token counts
 * @param inputTokens N_in, or {@code null}
 * @param inputTokenSource source of N_in
 * @param expectedInputTokens the workload's count of the prompt, or {@code null}
 * @param outputTokens N_out, or {@code null}
 * @param outputTokenSource source of N_out
 */
public record RequestLogEntry(
        long requestId,
        String point,
        int datasetIndex,
        boolean success,
        String error,
        String errorMessage,
        int httpStatus,
        String finishReason,
        Double scheduledMillis,
        Double dispatchMillis,
        Double sendMillis,
        double endMillis,
        Double scheduleLagMillis,
        Double ttftMillis,
        Double ttfoMillis,
        Double e2elMillis,
        Double streamTimeMillis,
        Double tpotMillis,
        int tokenEvents,
        TokenCountSource tokensPerEventSource,
        Integer inputTokens,
        TokenCountSource inputTokenSource,
        Integer expectedInputTokens,
        Integer outputTokens,
        TokenCountSource outputTokenSource) {

    public RequestLogEntry {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(tokensPerEventSource, "tokensPerEventSource");
        Objects.requireNonNull(inputTokenSource, "inputTokenSource");
        Objects.requireNonNull(outputTokenSource, "outputTokenSource");
    }

    /**
     * Describes {@code record}, with times measured from {@code runStartNanos}.
     *
     * @param point the sweep point's label
     * @param record the finished request
     * @param runStartNanos the run's start ({@code System.nanoTime()})
     */
    public static RequestLogEntry of(String point, RequestRecord record, long runStartNanos) {
        boolean sent = record.sendNanos() >= 0;
        return new RequestLogEntry(
                record.requestId(),
                point,
                record.datasetIndex(),
                record.success(),
                record.errorLabel(),
                record.errorMessage(),
                record.httpStatus(),
                record.finishReason(),
                sinceRunStart(record.scheduledNanos(), runStartNanos),
                sinceRunStart(record.dispatchNanos(), runStartNanos),
                sinceRunStart(record.sendNanos(), runStartNanos),
                (record.endNanos() - runStartNanos) / 1e6,
                record.scheduledNanos() >= 0 && record.startNanos() >= 0
                        ? record.scheduleLagNanos() / 1e6 : null,
                millis(record.ttftNanos()),
                millis(record.ttfoNanos()),
                millis(record.e2elNanos()),
                sent ? millis(record.streamTimeNanos()) : null,
                Double.isNaN(record.tpotNanos()) ? null : record.tpotNanos() / 1e6,
                record.tokenEvents(),
                record.tokensPerEventSource(),
                record.inputTokens() >= 0 ? record.inputTokens() : null,
                record.inputTokenSource(),
                record.expectedInputTokens() >= 0 ? record.expectedInputTokens() : null,
                record.outputTokens() >= 0 ? record.outputTokens() : null,
                record.outputTokenSource());
    }

    private static Double sinceRunStart(long nanos, long runStartNanos) {
        return nanos < 0 ? null : (nanos - runStartNanos) / 1e6;
    }

    private static Double millis(long nanos) {
        return nanos < 0 ? null : nanos / 1e6;
    }

    /** Returns the JSON object of this line, keys in the documented order. */
    ObjectNode toJson() {
        ObjectNode node = JsonSupport.MAPPER.createObjectNode();
        node.put("request_id", requestId);
        node.put("point", point);
        node.put("dataset_index", datasetIndex);
        node.put("success", success);
        node.put("error", error);
        node.put("error_message", errorMessage);
        node.put("http_status", httpStatus);
        node.put("finish_reason", finishReason);
        JsonSupport.putNumber(node, "scheduled_ms", scheduledMillis);
        JsonSupport.putNumber(node, "dispatch_ms", dispatchMillis);
        JsonSupport.putNumber(node, "send_ms", sendMillis);
        JsonSupport.putNumber(node, "end_ms", endMillis);
        JsonSupport.putNumber(node, "schedule_lag_ms", scheduleLagMillis);
        JsonSupport.putNumber(node, "ttft_ms", ttftMillis);
        JsonSupport.putNumber(node, "ttfo_ms", ttfoMillis);
        JsonSupport.putNumber(node, "e2el_ms", e2elMillis);
        JsonSupport.putNumber(node, "stream_time_ms", streamTimeMillis);
        JsonSupport.putNumber(node, "tpot_ms", tpotMillis);
        node.put("token_events", tokenEvents);
        node.put("tokens_per_event_source", tokensPerEventSource.label());
        node.put("input_tokens", inputTokens);
        node.put("input_token_source", inputTokenSource.label());
        node.put("expected_input_tokens", expectedInputTokens);
        node.put("output_tokens", outputTokens);
        node.put("output_token_source", outputTokenSource.label());
        return node;
    }

    /**
     * Reads a line written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException naming the first missing or invalid member
     */
    static RequestLogEntry fromJson(JsonNode node) {
        String where = "request line";
        return new RequestLogEntry(
                JsonSupport.require(node, "request_id", where).asLong(),
                JsonSupport.require(node, "point", where).asText(),
                JsonSupport.require(node, "dataset_index", where).asInt(),
                JsonSupport.require(node, "success", where).asBoolean(),
                JsonSupport.readTextOrNull(node, "error"),
                JsonSupport.readTextOrNull(node, "error_message"),
                JsonSupport.require(node, "http_status", where).asInt(),
                JsonSupport.readTextOrNull(node, "finish_reason"),
                JsonSupport.readDoubleOrNull(node, "scheduled_ms"),
                JsonSupport.readDoubleOrNull(node, "dispatch_ms"),
                JsonSupport.readDoubleOrNull(node, "send_ms"),
                JsonSupport.require(node, "end_ms", where).asDouble(),
                JsonSupport.readDoubleOrNull(node, "schedule_lag_ms"),
                JsonSupport.readDoubleOrNull(node, "ttft_ms"),
                JsonSupport.readDoubleOrNull(node, "ttfo_ms"),
                JsonSupport.readDoubleOrNull(node, "e2el_ms"),
                JsonSupport.readDoubleOrNull(node, "stream_time_ms"),
                JsonSupport.readDoubleOrNull(node, "tpot_ms"),
                JsonSupport.require(node, "token_events", where).asInt(),
                source(node, "tokens_per_event_source"),
                integerOrNull(node, "input_tokens"),
                source(node, "input_token_source"),
                integerOrNull(node, "expected_input_tokens"),
                integerOrNull(node, "output_tokens"),
                source(node, "output_token_source"));
    }

    private static Integer integerOrNull(JsonNode node, String key) {
        Long value = JsonSupport.readLongOrNull(node, key);
        return value == null ? null : Math.toIntExact(value);
    }

    private static TokenCountSource source(JsonNode node, String key) {
        String label = JsonSupport.require(node, key, "request line").asText();
        try {
            return TokenCountSource.valueOf(label.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + key + " '" + label
                    + "': expected usage, tokenizer, event_count or unknown", e);
        }
    }
}
