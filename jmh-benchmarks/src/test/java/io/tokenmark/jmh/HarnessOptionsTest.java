package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.workload.FixedPromptWorkload;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HarnessOptionsTest {
    private static HarnessOptions.Builder valid() {
        return HarnessOptions.builder()
                .target(Target.simulator("fixed"))
                .workload(new FixedPromptWorkload("Hello", 4))
                .closedLoop(2);
    }

    static Stream<Arguments> invalidOptions() {
        return Stream.of(
                Arguments.of("no target", (UnaryOperator<HarnessOptions.Builder>) b -> b.target(null),
                        "Target.server"),
                Arguments.of("concurrency 0", op(b -> b.closedLoop(0)), "invalid concurrency 0"),
                Arguments.of("concurrency above maximum", op(b -> b.closedLoop(2_000_000)),
                        "invalid concurrency 2000000"),
                Arguments.of("rate 0", op(b -> b.openLoop(0)), "invalid request rate 0.0"),
                Arguments.of("rate NaN", op(b -> b.openLoop(Double.NaN)), "invalid request rate NaN"),
                Arguments.of("burstiness 0", op(b -> b.openLoop(5).burstiness(0)),
                        "invalid burstiness 0.0"),
                Arguments.of("max concurrency -1", op(b -> b.openLoop(5).maxConcurrency(-1)),
                        "invalid max concurrency -1"),
                Arguments.of("burstiness of a closed loop", op(b -> b.burstiness(2)),
                        "open loop only"),
                Arguments.of("requests per iteration -1", op(b -> b.requestsPerIteration(-1)),
                        "invalid requests per iteration -1"),
                Arguments.of("label with a slash", op(b -> b.label("ep8/run")),
                        "invalid run label 'ep8/run'"));
    }

    private static UnaryOperator<HarnessOptions.Builder> op(UnaryOperator<HarnessOptions.Builder> op) {
        return op;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOptions")
    void buildRejectsInvalidOption(String name, UnaryOperator<HarnessOptions.Builder> change,
            String message) {
        assertThatThrownBy(() -> change.apply(valid()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void buildRequiresWorkload() {
        assertThatThrownBy(() -> HarnessOptions.builder()
                .target(Target.simulator("fixed")).closedLoop(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no workload");
    }

    @Test
    void buildRequiresLoad() {
        assertThatThrownBy(() -> HarnessOptions.builder()
                .target(Target.simulator("fixed"))
                .workload(new FixedPromptWorkload("Hello", 4)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("closedLoop(concurrency)");
    }

    @Test
    void readyWorkloadNeedsNoTokenizer() {
        assertThat(valid().countTokensWithTokenizer(false).build().needsTokenizer()).isFalse();
        assertThat(valid().build().needsTokenizer()).isTrue();
        assertThat(valid().workload(tokenizer -> new FixedPromptWorkload("Hi", 1)).build()
                .needsTokenizer()).isTrue();
    }

    @Test
    void openLoopPointCarriesRateAndCap() {
        HarnessOptions options = valid().openLoop(2.5).burstiness(0.5).maxConcurrency(8).build();

        assertThat(options.loadPoint().requests(1).build().label()).isEqualTo("r2.5-c8");
    }
}
