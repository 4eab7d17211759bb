package io.tokenmark.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.tokenizer.SharedQwen3;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RandomPromptWorkloadTest {
    private final Tokenizer qwen3 = SharedQwen3.tokenizer();

    @ParameterizedTest(name = "{0} tokens")
    @CsvSource({"1, 20", "128, 10", "1024, 4", "8192, 2"})
    void promptsEncodeToExactLength(int tokens, int prompts) {
        RandomPromptWorkload workload = RandomPromptWorkload.builder(qwen3)
                .inputTokens(tokens).prompts(prompts).seed(7).build();

        for (int i = 0; i < prompts; i++) {
            String prompt = userText(workload.get(i));
            assertThat(qwen3.count(prompt)).as("prompt %d", i).isEqualTo(tokens);
            assertThat(workload.promptTokens(i)).isEqualTo(tokens);
        }
    }

    @Test
    void sharedPrefixKeepsExactLengthAndPrefixIds() {
        RandomPromptWorkload workload = RandomPromptWorkload.builder(qwen3)
                .prefixTokens(256).inputTokens(128).prompts(6).seed(3).build();

        int[] firstPrefix = null;
        for (int i = 0; i < workload.size(); i++) {
            int[] ids = qwen3.encode(userText(workload.get(i)));
            assertThat(ids).as("prompt %d", i).hasSize(256 + 128);
            int[] prefix = Arrays.copyOf(ids, 256);
            if (firstPrefix == null) {
                firstPrefix = prefix;
            }
            assertThat(prefix).as("prefix of prompt %d", i).containsExactly(firstPrefix);
        }
        assertThat(userText(workload.get(0))).isNotEqualTo(userText(workload.get(1)));
    }

    @Test
    void sameSeedGivesIdenticalPrompts() {
        List<RequestSpec> first = specs(build(b -> b.inputTokens(64).rangeRatio(0.3).prompts(8).seed(42)));
        List<RequestSpec> second = specs(build(b -> b.inputTokens(64).rangeRatio(0.3).prompts(8).seed(42)));

        for (int i = 0; i < first.size(); i++) {
            assertThat(userText(second.get(i))).isEqualTo(userText(first.get(i)));
            assertThat(second.get(i).maxTokens()).isEqualTo(first.get(i).maxTokens());
            assertThat(second.get(i).expectedInputTokens()).isEqualTo(first.get(i).expectedInputTokens());
        }
    }

    @Test
    void otherSeedGivesOtherPrompts() {
        List<RequestSpec> first = specs(build(b -> b.inputTokens(64).prompts(8).seed(42)));
        List<RequestSpec> second = specs(build(b -> b.inputTokens(64).prompts(8).seed(43)));

        for (int i = 0; i < first.size(); i++) {
            assertThat(userText(second.get(i))).isNotEqualTo(userText(first.get(i)));
        }
    }

    @Test
    void rangeRatioKeepsLengthsWithinBounds() {
        RandomPromptWorkload workload = build(b -> b.inputTokens(40).outputTokens(100)
                .rangeRatio(0.5).prompts(200).seed(1));

        Set<Integer> inputLengths = new HashSet<>();
        Set<Integer> outputLengths = new HashSet<>();
        for (int i = 0; i < workload.size(); i++) {
            RequestSpec spec = workload.get(i);
            int input = qwen3.count(userText(spec));
            assertThat(input).isBetween(20, 60);
            assertThat(spec.maxTokens()).isBetween(50, 150);
            inputLengths.add(input);
            outputLengths.add(spec.maxTokens());
        }
        // 200 uniform draws from 41 and 101 values reach close to both ends.
        assertThat(inputLengths).contains(20, 60).hasSizeGreaterThan(30);
        assertThat(outputLengths.stream().mapToInt(Integer::intValue).min().orElseThrow()).isLessThan(60);
        assertThat(outputLengths.stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(140);
    }

    @Test
    void zeroRangeRatioGivesFixedLengths() {
        RandomPromptWorkload workload = build(b -> b.inputTokens(32).outputTokens(16).prompts(5));

        for (int i = 0; i < workload.size(); i++) {
            assertThat(workload.promptTokens(i)).isEqualTo(32);
            assertThat(workload.get(i).maxTokens()).isEqualTo(16);
        }
    }

    @Test
    void promptsContainNoAddedTokens() {
        RandomPromptWorkload workload = build(b -> b.inputTokens(2048).prompts(3).seed(11));

        for (int i = 0; i < workload.size(); i++) {
            for (int id : qwen3.encode(userText(workload.get(i)))) {
                assertThat(qwen3.isAddedToken(id)).as("token %d of prompt %d", id, i).isFalse();
            }
        }
    }

    @Test
    void chatSpecCountsTemplate() {
        RequestSpec spec = build(b -> b.inputTokens(100).prompts(1)).get(0);

        assertThat(spec.prompt()).isNull();
        assertThat(spec.messages()).hasSize(1);
        assertThat(spec.messages().get(0).role()).isEqualTo("user");
        assertThat(spec.expectedInputTokens())
                .isEqualTo(qwen3.count(qwen3.renderChatPrompt(spec.messages()).orElseThrow()))
                .isGreaterThan(100);
    }

    @Test
    void completionsSpecCarriesPromptOnly() {
        RequestSpec spec = build(b -> b.inputTokens(100).prompts(1).api(ApiKind.COMPLETIONS)).get(0);

        assertThat(spec.messages()).isNull();
        assertThat(qwen3.count(spec.prompt())).isEqualTo(100);
        assertThat(spec.expectedInputTokens()).isEqualTo(100);
    }

    @Test
    void minTokensAndIgnoreEosAreSent() {
        RequestSpec spec = build(b -> b.inputTokens(8).outputTokens(64).prompts(1)
                .minTokens(true).ignoreEos(true)).get(0);

        assertThat(spec.minTokens()).isEqualTo(64);
        assertThat(spec.ignoreEos()).isTrue();
    }

    @Test
    void defaultsLeaveMinTokensAndIgnoreEosOut() {
        RequestSpec spec = build(b -> b.inputTokens(8).prompts(1)).get(0);

        assertThat(spec.minTokens()).isEqualTo(-1);
        assertThat(spec.ignoreEos()).isFalse();
        assertThat(spec.maxTokens()).isEqualTo(128);
    }

    @Test
    void getWrapsAroundSize() {
        RandomPromptWorkload workload = build(b -> b.inputTokens(8).prompts(3));

        assertThat(workload.get(3)).isSameAs(workload.get(0));
        assertThat(workload.get(7)).isSameAs(workload.get(1));
        assertThat(workload.get(2).datasetIndex()).isEqualTo(2);
    }

    @Test
    void descriptionNamesLengthsAndSeed() {
        RandomPromptWorkload workload = build(b -> b.inputTokens(16).outputTokens(8).rangeRatio(0.25)
                .prefixTokens(4).prompts(2).seed(5));

        assertThat(workload.description())
                .isEqualTo("random: 16 in (±25%, prefix 4), 8 out, 2 prompts, seed 5, chat");
    }

    static Stream<Arguments> invalidOptions() {
        return Stream.of(
                Arguments.of((UnaryOperator<RandomPromptWorkload.Builder>) b -> b.inputTokens(-1), "input tokens -1"),
                Arguments.of((UnaryOperator<RandomPromptWorkload.Builder>) b -> b.outputTokens(0), "output tokens 0"),
                Arguments.of((UnaryOperator<RandomPromptWorkload.Builder>) b -> b.prefixTokens(-5), "prefix tokens -5"),
                Arguments.of((UnaryOperator<RandomPromptWorkload.Builder>) b -> b.prompts(0), "prompts 0"),
                Arguments.of((UnaryOperator<RandomPromptWorkload.Builder>) b -> b.rangeRatio(1.0), "range ratio 1.0"),
                Arguments.of((UnaryOperator<RandomPromptWorkload.Builder>) b -> b.rangeRatio(Double.NaN), "range ratio NaN"),
                Arguments.of((UnaryOperator<RandomPromptWorkload.Builder>) b -> b.inputTokens(0), "0 tokens"),
                Arguments.of((UnaryOperator<RandomPromptWorkload.Builder>) b -> b.inputTokens(1).rangeRatio(0.5), "0 tokens"));
    }

    @ParameterizedTest
    @MethodSource("invalidOptions")
    void buildRejectsInvalidOption(UnaryOperator<RandomPromptWorkload.Builder> options, String message) {
        RandomPromptWorkload.Builder builder = options.apply(RandomPromptWorkload.builder(qwen3));

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    private RandomPromptWorkload build(UnaryOperator<RandomPromptWorkload.Builder> options) {
        return options.apply(RandomPromptWorkload.builder(qwen3)).build();
    }

    private static List<RequestSpec> specs(Workload workload) {
        List<RequestSpec> specs = new ArrayList<>();
        for (int i = 0; i < workload.size(); i++) {
            specs.add(workload.get(i));
        }
        return specs;
    }

    static String userText(RequestSpec spec) {
        return spec.messages() != null ? spec.messages().get(0).content() : spec.prompt();
    }
}
