package io.tokenmark.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.workload.DatasetFormat;
import io.tokenmark.core.workload.DatasetWorkload;
import io.tokenmark.jmh.TokenMarkProfiler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link CustomDatasetBenchmark} on a three-record JSONL file against the simulator at a
 * tenth of real time: one warm-up and one measured iteration of 6 requests at concurrency 2.
 */
class CustomDatasetBenchmarkTest {
    private static final int REQUESTS = 6;
    /** {@code max_tokens} of each record, by dataset position. */
    private static final int[] MAX_TOKENS = {5, 8, 12};

    @TempDir
    static Path folder;

    private static List<JsonNode> requests;

    @BeforeAll
    static void runBenchmark() throws Exception {
        Path dataset = folder.resolve("prompts.jsonl");
        Files.writeString(dataset, String.join("\n",
                "{\"prompt\": \"What is a token?\", \"max_tokens\": " + MAX_TOKENS[0] + "}",
                "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                        + " {\"role\": \"user\", \"content\": \"Define TTFT.\"}], \"max_tokens\": "
                        + MAX_TOKENS[1] + "}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Define TPOT.\"}],"
                        + " \"max_tokens\": " + MAX_TOKENS[2] + "}"), StandardCharsets.UTF_8);
        Path out = folder.resolve("out");

        new Runner(ExampleRuns.quick(TimeValue.seconds(1))
                .include("^" + Pattern.quote(CustomDatasetBenchmark.class.getName()) + "\\.")
                .param("dataset", dataset.toString())
                .param("concurrency", "2")
                .param("requests", Integer.toString(REQUESTS))
                .param("timeScale", "0.1")
                .param("out", out.toString())
                .addProfiler(TokenMarkProfiler.class)
                .build()).run();

        ObjectMapper json = new ObjectMapper();
        requests = new ArrayList<>();
        for (String line : Files.readAllLines(OutputLayout.of(out, "dataset").requestsFile())) {
            requests.add(json.readTree(line));
        }
    }

    @Test
    void measuredIterationSendsItsRequests() {
        assertThat(requests).hasSize(REQUESTS);
        assertThat(requests).allSatisfy(line -> assertThat(line.get("success").asBoolean()).isTrue());
    }

    @Test
    void everyRecordIsSent() {
        Map<Integer, Long> perRecord = requests.stream().collect(Collectors.groupingBy(
                line -> line.get("dataset_index").asInt(), Collectors.counting()));

        assertThat(perRecord).containsOnlyKeys(0, 1, 2);
    }

    @Test
    void outputFollowsEachRecordsMaxTokens() {
        assertThat(requests).allSatisfy(line -> assertThat(line.get("output_tokens").asInt())
                .isEqualTo(MAX_TOKENS[line.get("dataset_index").asInt()]));
    }

    @Test
    void bundledDatasetIsValid() {
        // The benchmark's default dataset, relative to the examples module as Maven runs it.
        DatasetWorkload workload = DatasetWorkload.builder(DatasetFormat.JSONL,
                Path.of("datasets/support-questions.jsonl")).build();

        assertThat(workload.size()).isEqualTo(8);
    }

    @Test
    void tokenizerCountsEachPrompt() {
        assertThat(requests).allSatisfy(line ->
                assertThat(line.get("expected_input_tokens").asInt()).isPositive());
    }
}
