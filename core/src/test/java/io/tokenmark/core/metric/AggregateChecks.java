package io.tokenmark.core.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the {@code aggregate} values of a multi-request case against the replayed records and
 * their summary. Lists such as {@code ttft_ms_successful} are compared with the records in
 * request order; means are compared with the summary, so both the per-request values and the
 * aggregation are checked.
 */
final class AggregateChecks {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateChecks.class);
    private static final double TOLERANCE = RecordedCaseMetricsTest.TOLERANCE;

    private AggregateChecks() {
    }

    static void check(JsonNode aggregate, List<RequestRecord> records, Summary summary) {
        List<RequestRecord> successful = new ArrayList<>();
        records.stream().filter(RequestRecord::success).forEach(successful::add);

        for (Map.Entry<String, JsonNode> entry : aggregate.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            switch (key) {
                case "successful":
                    assertThat(summary.succeededRequests()).as(key).isEqualTo(value.asLong());
                    break;
                case "failed":
                    assertThat(summary.failedRequests()).as(key).isEqualTo(value.asLong());
                    break;
                case "failed_errors":
                    Map<String, Long> expectedFailures = new TreeMap<>();
                    value.forEach(label -> expectedFailures.merge(label.asText(), 1L, Long::sum));
                    assertThat(summary.failuresByError()).as(key).isEqualTo(expectedFailures);
                    break;
                case "ttft_ms_successful":
                case "ttft_ms_service":
                    assertPerRequest(key, successful, r -> r.ttftNanos() / 1e6, value);
                    assertThat(summary.distribution(Metric.TTFT).count()).as(key + " count")
                            .isEqualTo(value.size());
                    break;
                case "e2el_ms_service":
                    assertPerRequest(key, successful, r -> r.e2elNanos() / 1e6, value);
                    assertThat(summary.distribution(Metric.E2EL).count()).as(key + " count")
                            .isEqualTo(value.size());
                    break;
                case "mean_ttft_ms":
                    assertThat(summary.stats(Metric.TTFT).mean()).as(key)
                            .isCloseTo(value.asDouble(), within(TOLERANCE));
                    break;
                case "itl_ms_successful":
                    List<Double> gaps = new ArrayList<>();
                    successful.forEach(r -> gaps.addAll(RecordedCaseMetricsTest.iclMillis(r)));
                    RecordedCaseMetricsTest.assertCloseTo(key, gaps,
                            RecordedCaseMetricsTest.doubles(value));
                    assertThat(summary.distribution(Metric.ICL).count()).as(key + " count")
                            .isEqualTo(value.size());
                    break;
                case "mean_itl_ms":
                    assertThat(summary.stats(Metric.ICL).mean()).as(key)
                            .isCloseTo(value.asDouble(), within(TOLERANCE));
                    break;
                case "output_tokens_successful":
                    assertThat(summary.outputTokens()).as(key).isEqualTo(value.asLong());
                    break;
                case "queue_ms":
                    assertPerRequest(key, records, r -> r.scheduleLagNanos() / 1e6, value);
                    assertThat(summary.distribution(Metric.SCHEDULE_LAG).count())
                            .as(key + " count").isEqualTo(value.size());
                    break;
                case "mean_queue_ms":
                    assertThat(summary.stats(Metric.SCHEDULE_LAG).mean()).as(key)
                            .isCloseTo(value.asDouble(), within(TOLERANCE));
                    break;
                case "e2el_ms_incl_queue":
                    assertPerRequest(key, successful,
                            r -> (r.e2elNanos() + r.scheduleLagNanos()) / 1e6, value);
                    break;
                case "mean_e2el_incl_queue_ms":
                    // Mean of a sum is the sum of the means: E2EL plus schedule lag.
                    assertThat(summary.stats(Metric.E2EL).mean()
                            + summary.stats(Metric.SCHEDULE_LAG).mean()).as(key)
                            .isCloseTo(value.asDouble(), within(TOLERANCE));
                    break;
                default:
                    LOG.warn("Aggregate key {} is not checked by the metric tests", key);
            }
        }
    }

    private static void assertPerRequest(String key, List<RequestRecord> records,
            ToDoubleFunction<RequestRecord> metric, JsonNode expected) {
        List<Double> actual = new ArrayList<>();
        records.forEach(r -> actual.add(metric.applyAsDouble(r)));
        RecordedCaseMetricsTest.assertCloseTo(key, actual, RecordedCaseMetricsTest.doubles(expected));
    }
}
