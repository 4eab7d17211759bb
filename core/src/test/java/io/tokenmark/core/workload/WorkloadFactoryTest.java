package io.tokenmark.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.tokenizer.SharedQwen3;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadFactoryTest {
    private final Tokenizer qwen3 = SharedQwen3.tokenizer();

    @TempDir
    Path folder;

    @Test
    void randomTakesEveryOption() {
        Workload workload = WorkloadFactory.create("random", Map.of(
                "input-tokens", "64", "output-tokens", "32", "range-ratio", "0.5", "prefix-tokens", "8",
                "prompts", "3", "seed", "9", "min-tokens", "true", "ignore-eos", "TRUE", "api", "completions"),
                qwen3);

        assertThat(workload).isInstanceOf(RandomPromptWorkload.class);
        assertThat(workload.size()).isEqualTo(3);
        RequestSpec spec = workload.get(0);
        assertThat(spec.prompt()).isNotNull();
        assertThat(spec.minTokens()).isEqualTo(spec.maxTokens());
        assertThat(spec.ignoreEos()).isTrue();
        assertThat(qwen3.count(spec.prompt())).isBetween(8 + 32, 8 + 96);
        assertThat(workload.description()).isEqualTo("random: 64 in (±50%, prefix 8), 32 out, 3 prompts, seed 9, completions");
    }

    @Test
    void randomDefaultsMatchVllm() {
        Workload workload = WorkloadFactory.create("random", Map.of("prompts", "1"), qwen3);

        assertThat(((RandomPromptWorkload) workload).promptTokens(0)).isEqualTo(1024);
        assertThat(workload.get(0).maxTokens()).isEqualTo(128);
        assertThat(workload.get(0).messages()).hasSize(1);
    }

    @Test
    void datasetNamesReadTheirFormats() throws IOException {
        Path jsonl = Files.writeString(folder.resolve("p.jsonl"), "{\"prompt\": \"a\"}\n{\"prompt\": \"b\"}\n");
        Path lines = Files.writeString(folder.resolve("p.txt"), "a\nb\nc\n");
        Path shareGpt = Files.writeString(folder.resolve("s.json"), "[{\"conversations\": ["
                + "{\"from\": \"human\", \"value\": \"What is the capital of France?\"},"
                + "{\"from\": \"gpt\", \"value\": \"Paris is the capital of France.\"}]}]");

        assertThat(WorkloadFactory.create("jsonl", Map.of("path", jsonl.toString()), null).size()).isEqualTo(2);
        assertThat(WorkloadFactory.create("lines", Map.of("path", lines.toString(), "prompts", "2"), qwen3).size())
                .isEqualTo(2);
        Workload share = WorkloadFactory.create("sharegpt", Map.of("path", shareGpt.toString()), qwen3);
        assertThat(share.get(0).maxTokens()).isEqualTo(qwen3.count("Paris is the capital of France."));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "input-tokens  | -1     | invalid value '-1' for option input-tokens: must be from 0 to 1048576",
        "input-tokens  | 1e3    | invalid value '1e3' for option input-tokens: must be an integer from 0 to 1048576",
        "output-tokens | 0      | invalid value '0' for option output-tokens: must be from 1 to 1048576",
        "prefix-tokens | 2000000| invalid value '2000000' for option prefix-tokens: must be from 0 to 1048576",
        "prompts       | 0      | invalid value '0' for option prompts: must be from 1 to 1000000",
        "range-ratio   | 1      | invalid value '1' for option range-ratio: must be at least 0 and below 1",
        "range-ratio   | half   | invalid value 'half' for option range-ratio: must be a number at least 0 and below 1",
        "seed          | 0x10   | invalid value '0x10' for option seed: must be an integer",
        "min-tokens    | yes    | invalid value 'yes' for option min-tokens: use true or false",
        "api           | grpc   | invalid value 'grpc' for option api: use chat or completions",
        "path          | x.txt  | unknown option 'path' for workload random: valid options are api, ignore-eos, input-tokens",
    })
    void randomRejectsInvalidOption(String option, String value, String message) {
        Map<String, String> options = new HashMap<>();
        options.put(option, value);

        assertThatThrownBy(() -> WorkloadFactory.create("random", options, qwen3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void unknownWorkloadNamesTheChoices() {
        assertThatThrownBy(() -> WorkloadFactory.create("sonnet", Map.of(), qwen3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown workload 'sonnet': use random, jsonl, sharegpt or lines");
    }

    @Test
    void datasetNeedsPath() {
        assertThatThrownBy(() -> WorkloadFactory.create("jsonl", Map.of(), qwen3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing option path");
    }

    @Test
    void randomNeedsTokenizer() {
        assertThatThrownBy(() -> WorkloadFactory.create("random", Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workload random needs a tokenizer");
    }

    @Test
    void pruneIsOnlyForShareGpt() {
        assertThat(WorkloadFactory.optionNames("sharegpt")).contains("prune", "path", "shuffle");
        assertThatThrownBy(() -> WorkloadFactory.create("lines", Map.of("path", "x", "prune", "false"), qwen3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option 'prune' for workload lines");
    }

    @Test
    void datasetErrorsPassThrough() {
        Path missing = folder.resolve("missing.jsonl");

        assertThatThrownBy(() -> WorkloadFactory.create("jsonl", Map.of("path", missing.toString()), qwen3))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("file not found");
    }
}
