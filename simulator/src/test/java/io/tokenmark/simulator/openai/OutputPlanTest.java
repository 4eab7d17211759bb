package io.tokenmark.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Output length, finish reason and reasoning share of planned responses. */
class OutputPlanTest {
    @ParameterizedTest(name = "max {0} min {1} ignoreEos {2} natural {3}")
    @CsvSource({
        // maxTokens, minTokens, ignoreEos, answerTokens, outputTokens, finishReason
        "20, 0, false, 5, 5, stop",
        "20, 12, false, 5, 12, stop",
        "20, 20, false, 5, 20, length",
        "4, 0, false, 5, 4, length",
        "5, 0, false, 5, 5, length",
        "30, 0, true, 5, 30, length",
        "-1, 0, false, 7, 7, stop",
        "-1, 0, true, 7, 900, length"})
    void lengthAndFinishReasonFollowRequest(int maxTokens, int minTokens, boolean ignoreEos,
            int answerTokens, int outputTokens, String finishReason) {
        OutputPlan plan = OutputPlan.plan(100, maxTokens, minTokens, ignoreEos, 1000,
                answerTokens, 0, 0, 1);

        assertThat(plan.outputTokens()).isEqualTo(outputTokens);
        assertThat(plan.finishReason()).isEqualTo(finishReason);
    }

    @Test
    void reasoningShareRoundsUp() {
        assertThat(OutputPlan.plan(10, 10, 0, true, 1000, 5, 0, 0.25, 1).reasoningTokens())
                .isEqualTo(3);
        assertThat(OutputPlan.plan(10, 10, 0, true, 1000, 5, 0, 1.0, 1).reasoningTokens())
                .isEqualTo(9);
        assertThat(OutputPlan.plan(10, 1, 0, true, 1000, 5, 0, 0.5, 1).reasoningTokens())
                .isZero();
    }

    @Test
    void naturalLengthIsSeededWithinSpread() {
        for (long seed = 0; seed < 200; seed++) {
            int length = OutputPlan.naturalLength(100, 0.3, seed);
            assertThat(length).isBetween(70, 130);
            assertThat(OutputPlan.naturalLength(100, 0.3, seed)).isEqualTo(length);
        }
    }

    @Test
    void requestBeyondContextIsRejectedLikeVllm() {
        assertThatThrownBy(() -> OutputPlan.plan(900, 200, 0, false, 1000, 5, 0, 0, 1))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("maximum context length is 1000 tokens")
                .hasMessageContaining("1100 tokens (900 in the messages, 200 in the completion)");
    }
}
