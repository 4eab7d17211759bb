package io.tokenmark.core.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every recorded case in {@code cases/} through {@link RequestRecorder} and
 * {@link MetricsRecorder} and checks each {@code expected} value that a request record or a
 * summary determines. Decoder-level keys (event counts, {@code id}, {@code retry}, comment and
 * line-length checks) belong to the SSE decoder's tests; keys this test does not know are
 * logged so a new case never passes unnoticed.
 */
class RecordedCaseMetricsTest {
    private static final Logger LOG = LoggerFactory.getLogger(RecordedCaseMetricsTest.class);

    /** Case files round decimals to 4 places and ask for a tolerance of 1e-3. */
    static final double TOLERANCE = 1e-3;

    private static final Set<String> CHECKED_KEYS = Set.of(
            "ttft_chunk_index", "ttft_ms", "e2e_ms", "itl_ms", "chunk_gaps_ms",
            "tokens_per_chunk", "itl_per_token_ms", "tpot_ms", "decode_tokens_per_s",
            "output_tokens", "input_tokens", "stream_closed_ms", "failed_at_ms", "success",
            "error", "error_message", "finish_reason", "counts_toward_throughput",
            "content_text", "reasoning_text", "content_chunks", "content_text_length",
            "contains_replacement_char", "aggregate");
    private static final Set<String> DECODER_KEYS = Set.of(
            "events", "last_event_id", "retry_ms", "data_line_bytes", "comments_ignored");

    static Stream<RecordedCase> singleRequestCases() {
        return RecordedCase.all().stream().filter(c -> !c.isMultiRequest());
    }

    static Stream<RecordedCase> multiRequestCases() {
        return RecordedCase.all().stream().filter(RecordedCase::isMultiRequest);
    }

    static Stream<RecordedCase> allCases() {
        return RecordedCase.all().stream();
    }

    @Test
    void casesFolderIsNotEmpty() {
        assertThat(RecordedCase.all()).extracting(RecordedCase::id).contains("B05", "B22", "B27");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void caseUsesOnlyKnownKeys(RecordedCase recorded) {
        Set<String> unknown = new TreeSet<>();
        recorded.expected().fieldNames().forEachRemaining(key -> {
            if (!CHECKED_KEYS.contains(key) && !DECODER_KEYS.contains(key)) {
                unknown.add(key);
            }
        });
        if (!unknown.isEmpty()) {
            LOG.warn("Case {} has expected keys no metric test checks: {}", recorded, unknown);
        }
        assertThat(recorded.expected().isObject()).as("expected is an object").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleRequestCases")
    void recordMatchesExpectedValues(RecordedCase recorded) {
        JsonNode expected = recorded.expected();
        RequestRecord record = CaseReplay.replay(recorded.responses().get(0), 0);

        assertOutcome(expected, record);
        assertTimes(expected, record);
        assertTokens(expected, record);
        assertText(expected, record);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleRequestCases")
    void summaryOfCaseCountsFailuresOnlyByKind(RecordedCase recorded) {
        JsonNode expected = recorded.expected();
        RequestRecord record = CaseReplay.replay(recorded.responses().get(0), 0);
        MetricsRecorder metrics = new MetricsRecorder(CaseReplay.ORIGIN_NANOS);
        metrics.record(record);
        Summary summary = metrics.summarize(SummaryContext.of(LoadDescription.closedLoop(1)));

        boolean success = expected.path("success").asBoolean(true);
        assertThat(summary.totalRequests()).isEqualTo(1);
        assertThat(summary.succeededRequests()).isEqualTo(success ? 1 : 0);
        if (success) {
            assertThat(summary.failuresByError()).isEmpty();
            if (expected.has("ttft_ms")) {
                assertThat(summary.stats(Metric.TTFT).mean())
                        .isCloseTo(expected.get("ttft_ms").asDouble(), within(TOLERANCE));
            }
            if (expected.has("e2e_ms")) {
                assertThat(summary.stats(Metric.E2EL).mean())
                        .isCloseTo(expected.get("e2e_ms").asDouble(), within(TOLERANCE));
            }
            if (expected.has("tpot_ms")) {
                assertThat(summary.stats(Metric.TPOT).mean())
                        .isCloseTo(expected.get("tpot_ms").asDouble(), within(TOLERANCE));
            }
            if (expected.hasNonNull("output_tokens")) {
                assertThat(summary.outputTokens()).isEqualTo(expected.get("output_tokens").asLong());
            }
        } else {
            assertThat(summary.failuresByError())
                    .containsExactly(Map.entry(expected.get("error").asText(), 1L));
            for (Metric metric : Metric.values()) {
                if (metric != Metric.SCHEDULE_LAG) {
                    assertThat(summary.distribution(metric).count()).as(metric.key()).isZero();
                }
            }
            assertThat(summary.outputTokens()).isZero();
            // D is 0 when the failure arrived with the headers, which makes the rate NaN.
            assertThat(summary.outputTokenThroughput() > 0).as("output throughput above 0")
                    .isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiRequestCases")
    void aggregateMatchesExpectedValues(RecordedCase recorded) {
        List<RequestRecord> records = new ArrayList<>();
        for (RecordedCase.Response response : recorded.responses()) {
            records.add(CaseReplay.replay(response, records.size()));
        }
        MetricsRecorder metrics = new MetricsRecorder(CaseReplay.ORIGIN_NANOS);
        records.forEach(metrics::record);
        Summary summary = metrics.summarize(
                SummaryContext.of(LoadDescription.closedLoop(records.size())));

        JsonNode aggregate = recorded.expected().path("aggregate");
        assertThat(aggregate.isObject()).as("aggregate is an object").isTrue();
        AggregateChecks.check(aggregate, records, summary);
    }

    // ---- single-request checks ----

    private static void assertOutcome(JsonNode expected, RequestRecord record) {
        if (expected.has("success")) {
            assertThat(record.success()).as("success").isEqualTo(expected.get("success").asBoolean());
        }
        if (expected.has("counts_toward_throughput")) {
            assertThat(record.success()).as("counts_toward_throughput")
                    .isEqualTo(expected.get("counts_toward_throughput").asBoolean());
        }
        if (expected.has("error")) {
            assertThat(record.errorLabel()).as("error").isEqualTo(textOrNull(expected, "error"));
        }
        if (expected.has("error_message")) {
            assertThat(record.errorMessage()).as("error_message")
                    .isEqualTo(textOrNull(expected, "error_message"));
        }
        if (expected.has("finish_reason")) {
            assertThat(record.finishReason()).as("finish_reason")
                    .isEqualTo(textOrNull(expected, "finish_reason"));
        }
        if (expected.has("ttft_chunk_index")) {
            JsonNode index = expected.get("ttft_chunk_index");
            assertThat(record.firstTokenEventIndex()).as("ttft_chunk_index")
                    .isEqualTo(index.isNull() ? -1 : index.asInt());
        }
    }

    private static void assertTimes(JsonNode expected, RequestRecord record) {
        if (expected.has("ttft_ms")) {
            assertThat(record.ttftNanos() / 1e6).as("ttft_ms")
                    .isCloseTo(expected.get("ttft_ms").asDouble(), within(TOLERANCE));
        }
        if (expected.has("e2e_ms")) {
            assertThat(record.e2elNanos() / 1e6).as("e2e_ms")
                    .isCloseTo(expected.get("e2e_ms").asDouble(), within(TOLERANCE));
        }
        if (expected.has("stream_closed_ms")) {
            assertThat(record.streamTimeNanos() / 1e6).as("stream_closed_ms")
                    .isCloseTo(expected.get("stream_closed_ms").asDouble(), within(TOLERANCE));
        }
        if (expected.has("failed_at_ms")) {
            assertThat((record.endNanos() - record.sendNanos()) / 1e6).as("failed_at_ms")
                    .isCloseTo(expected.get("failed_at_ms").asDouble(), within(TOLERANCE));
        }
        for (String key : new String[] {"itl_ms", "chunk_gaps_ms"}) {
            if (expected.has(key)) {
                assertCloseTo(key, iclMillis(record), doubles(expected.get(key)));
            }
        }
        if (expected.has("itl_per_token_ms")) {
            List<Double> perGap = new ArrayList<>();
            for (int i = 0; i < record.iclCount(); i++) {
                perGap.add(record.iclNanos(i) / 1e6 / Math.max(1, record.tokensInEvent(i + 1)));
            }
            assertCloseTo("itl_per_token_ms", perGap, doubles(expected.get("itl_per_token_ms")));
        }
        if (expected.has("tpot_ms")) {
            assertThat(record.tpotNanos() / 1e6).as("tpot_ms")
                    .isCloseTo(expected.get("tpot_ms").asDouble(), within(TOLERANCE));
        }
        if (expected.has("decode_tokens_per_s")) {
            assertThat(1e9 / record.tpotNanos()).as("decode_tokens_per_s")
                    .isCloseTo(expected.get("decode_tokens_per_s").asDouble(), within(TOLERANCE));
        }
    }

    private static void assertTokens(JsonNode expected, RequestRecord record) {
        if (expected.hasNonNull("output_tokens")) {
            assertThat(record.outputTokens()).as("output_tokens")
                    .isEqualTo(expected.get("output_tokens").asInt());
            assertThat(record.outputTokenSource()).as("output token source")
                    .isEqualTo(TokenCountSource.USAGE);
        }
        if (expected.hasNonNull("input_tokens")) {
            assertThat(record.inputTokens()).as("input_tokens")
                    .isEqualTo(expected.get("input_tokens").asInt());
        }
        if (expected.has("tokens_per_chunk")) {
            List<Integer> perEvent = new ArrayList<>();
            for (int i = 0; i < record.tokenEvents(); i++) {
                perEvent.add(record.tokensInEvent(i));
            }
            List<Integer> expectedPerEvent = new ArrayList<>();
            expected.get("tokens_per_chunk").forEach(n -> expectedPerEvent.add(n.asInt()));
            assertThat(perEvent).as("tokens_per_chunk").isEqualTo(expectedPerEvent);
        }
        if (expected.has("content_chunks")) {
            int withAnswer = 0;
            int[] ends = record.answerTextEnds();
            for (int i = 0; i < ends.length; i++) {
                if (ends[i] > (i == 0 ? 0 : ends[i - 1])) {
                    withAnswer++;
                }
            }
            assertThat(withAnswer).as("content_chunks")
                    .isEqualTo(expected.get("content_chunks").asInt());
        }
    }

    private static void assertText(JsonNode expected, RequestRecord record) {
        String answer = record.answerText() == null ? "" : record.answerText();
        String reasoning = record.reasoningText() == null ? "" : record.reasoningText();
        if (expected.has("content_text")) {
            assertThat(answer).as("content_text").isEqualTo(expected.get("content_text").asText());
        }
        if (expected.has("reasoning_text")) {
            assertThat(reasoning).as("reasoning_text")
                    .isEqualTo(expected.get("reasoning_text").asText());
        }
        if (expected.has("content_text_length")) {
            assertThat(answer.length()).as("content_text_length")
                    .isEqualTo(expected.get("content_text_length").asInt());
        }
        if (expected.has("contains_replacement_char")) {
            assertThat(answer.indexOf('\uFFFD') >= 0).as("contains_replacement_char")
                    .isEqualTo(expected.get("contains_replacement_char").asBoolean());
        }
    }

    // ---- helpers shared with AggregateChecks ----

    static List<Double> iclMillis(RequestRecord record) {
        List<Double> gaps = new ArrayList<>();
        for (int i = 0; i < record.iclCount(); i++) {
            gaps.add(record.iclNanos(i) / 1e6);
        }
        return gaps;
    }

    static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    /** Asserts equal sizes and each value within the case files' tolerance. */
    static void assertCloseTo(String key, List<Double> actual, double[] expected) {
        assertThat(actual).as(key + " count").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual.get(i)).as(key + "[" + i + "]")
                    .isCloseTo(expected[i], within(TOLERANCE));
        }
    }

    private static String textOrNull(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }
}
