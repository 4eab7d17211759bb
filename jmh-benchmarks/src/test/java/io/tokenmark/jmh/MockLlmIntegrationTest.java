package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.core.metric.Distribution;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;

/**
 * Runs the harness against a server we did not write: {@code @dwmkerr/mock-llm}, which streams
 * a fixed response text one character per chunk at a fixed interval and sends no usage block.
 * {@code .ci/mock-llm-it} installs and starts it and sets the environment:
 *
 * <ul>
 *   <li>{@code TOKENMARK_IT_URL}: the server's base URL; the test runs only when it is set;</li>
 *   <li>{@code TOKENMARK_IT_MODEL}: the model name;</li>
 *   <li>{@code TOKENMARK_IT_ANSWER}: the answer the server streams;</li>
 *   <li>{@code TOKENMARK_IT_CHUNK_INTERVAL_MS}: the time between its chunks.</li>
 * </ul>
 */
@EnabledIfEnvironmentVariable(named = "TOKENMARK_IT_URL", matches = ".+")
class MockLlmIntegrationTest {
    private static final int CONCURRENCY = 2;
    private static final int REQUESTS = 8;
    /** Measured ICL may differ from the server's interval by this much: timer jitter of Node. */
    private static final double ICL_TOLERANCE_MS = 5;
    /**
     * Measured TTFT may exceed the interval by this much: the server parses the request and
     * matches its rules before its first timer starts (about 3 ms on a loaded 2-core machine).
     */
    private static final double TTFT_EXTRA_MS = 10;

    @TempDir
    static Path out;

    private static String answer;
    private static double intervalMs;
    private static RunResult result;
    private static List<JsonNode> requests;

    @BeforeAll
    static void runBenchmark() throws Exception {
        answer = System.getenv("TOKENMARK_IT_ANSWER");
        intervalMs = Double.parseDouble(System.getenv("TOKENMARK_IT_CHUNK_INTERVAL_MS"));
        result = JmhTestRuns.runOne(JmhTestRuns.options(MockLlmBenchmark.class, 0)
                .warmupIterations(1)
                .measurementIterations(1)
                .param("url", System.getenv("TOKENMARK_IT_URL"))
                .param("model", System.getenv("TOKENMARK_IT_MODEL"))
                .param("concurrency", Integer.toString(CONCURRENCY))
                .param("requests", Integer.toString(REQUESTS))
                .param("out", out.toString()));
        requests = JmhTestRuns.requestLines(out.resolve("mock-llm"));
    }

    @Test
    void everyRequestSucceeds() {
        assertThat(requests).hasSize(REQUESTS);
        assertThat(requests).allSatisfy(line -> {
            assertThat(line.get("success").asBoolean()).as(line.toString()).isTrue();
            assertThat(line.get("error").isNull()).as(line.toString()).isTrue();
        });
    }

    @Test
    void outputTokensEqualAnswerLength() {
        assertThat(requests).allSatisfy(line ->
                assertThat(line.get("output_tokens").asInt()).isEqualTo(answer.length()));
    }

    @Test
    void tokenCountsComeFromEventCount() {
        assertThat(requests).allSatisfy(line -> {
            assertThat(line.get("output_token_source").asText()).isEqualTo("event_count");
            assertThat(line.get("tokens_per_event_source").asText()).isEqualTo("event_count");
            assertThat(line.get("token_events").asInt()).isEqualTo(answer.length());
        });
    }

    @Test
    void ttftIsCloseToChunkInterval() {
        Distribution ttft = JmhTestRuns.secondaryDistribution(result, "ttft");

        assertThat(ttft.mean() / 1e6).isBetween(intervalMs - ICL_TOLERANCE_MS,
                intervalMs + TTFT_EXTRA_MS);
    }

    @Test
    void iclIsCloseToChunkInterval() {
        Distribution icl = JmhTestRuns.secondaryDistribution(result, "icl");

        assertThat(icl.count()).isEqualTo((long) REQUESTS * (answer.length() - 1));
        assertThat(icl.mean() / 1e6).isCloseTo(intervalMs, within(ICL_TOLERANCE_MS));
    }
}
