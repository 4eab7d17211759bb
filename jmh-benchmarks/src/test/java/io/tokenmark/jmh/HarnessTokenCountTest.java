package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;

/**
 * Runs {@link RandomPromptBatchBenchmark} once in the test's JVM and checks the token counts that
 * the harness reports against an embedded simulator: prompts as the workload counted them, and
 * one token per event of the fixed profile, counted by the tokenizer.
 */
class HarnessTokenCountTest {
    @TempDir
    static Path out;

    private static RunResult result;
    private static List<JsonNode> requests;

    @BeforeAll
    static void runBenchmark() throws Exception {
        result = JmhTestRuns.runOne(JmhTestRuns.options(RandomPromptBatchBenchmark.class, 0)
                .param("out", out.toString()));
        requests = JmhTestRuns.requestLines(out.resolve("random-prompts"));
    }

    @Test
    void inputTokensEqualWorkloadCount() {
        assertThat(requests).isNotEmpty();
        assertThat(requests).allSatisfy(line -> {
            // The 128 prompt tokens plus the Qwen3 chat template's 8.
            assertThat(line.get("expected_input_tokens").asInt())
                    .isEqualTo(RandomPromptBatchBenchmark.INPUT_TOKENS + 8);
            assertThat(line.get("input_tokens").asInt())
                    .isEqualTo(line.get("expected_input_tokens").asInt());
            assertThat(line.get("input_token_source").asText()).isEqualTo("usage");
        });
    }

    @Test
    void eventsAreCountedByTokenizer() {
        assertThat(requests).allSatisfy(line -> {
            assertThat(line.get("tokens_per_event_source").asText()).isEqualTo("tokenizer");
            assertThat(line.get("token_events").asInt())
                    .isEqualTo(FixedTimingSteadyBenchmark.ANSWER_TOKENS);
            assertThat(line.get("output_tokens").asInt())
                    .isEqualTo(FixedTimingSteadyBenchmark.ANSWER_TOKENS);
        });
    }

    @Test
    void itlSamplesEqualEventGaps() {
        long gaps = JmhTestRuns.secondaryDistribution(result, "icl").count();

        assertThat(gaps).isEqualTo((long) requests.size()
                * (FixedTimingSteadyBenchmark.ANSWER_TOKENS - 1));
        assertThat(JmhTestRuns.secondaryDistribution(result, "itl").count()).isEqualTo(gaps);
    }
}
