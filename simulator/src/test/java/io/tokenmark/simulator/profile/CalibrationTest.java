package io.tokenmark.simulator.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.simulator.engine.EngineProfile;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The calibrated profiles reproduce the published closed-loop measurements in virtual time:
 * mean TTFT, mean TPOT and output throughput within 15% on every row, and the crossover between
 * the two deployments.
 */
class CalibrationTest {
    private static final double TOLERANCE = 0.15;
    private static final long SEED = 1;

    static Stream<Arguments> rows() {
        return Stream.concat(
                PublishedMeasurement.EP8.stream().map(row -> Arguments.of(Profiles.EP8, row)),
                PublishedMeasurement.TP4PP2.stream().map(row -> Arguments.of(Profiles.TP4PP2, row)));
    }

    @ParameterizedTest(name = "{0} concurrency {1}")
    @MethodSource("rows")
    void profileReproducesPublishedRow(String profile, PublishedMeasurement row) {
        ClosedLoopRun.Summary simulated =
                ClosedLoopRun.summarize(Profiles.byName(profile), row.settings(SEED));

        assertThat(simulated.meanTtftSeconds()).as("mean TTFT (s)")
                .isCloseTo(row.meanTtftSeconds(), within(TOLERANCE * row.meanTtftSeconds()));
        assertThat(simulated.meanTpotSeconds()).as("mean TPOT (s)")
                .isCloseTo(row.meanTpotSeconds(), within(TOLERANCE * row.meanTpotSeconds()));
        assertThat(simulated.outputTokensPerSecond()).as("output tok/s")
                .isCloseTo(row.outputTokensPerSecond(),
                        within(TOLERANCE * row.outputTokensPerSecond()));
    }

    @Test
    void expertParallelIsFasterForSingleRequest() {
        ClosedLoopRun.Summary ep8 = summarize(Profiles.EP8, PublishedMeasurement.EP8.get(0));
        ClosedLoopRun.Summary tp4pp2 =
                summarize(Profiles.TP4PP2, PublishedMeasurement.TP4PP2.get(0));

        assertThat(ep8.meanTtftSeconds()).isLessThan(tp4pp2.meanTtftSeconds());
        assertThat(ep8.meanTpotSeconds()).isLessThan(tp4pp2.meanTpotSeconds());
        assertThat(ep8.outputTokensPerSecond()).isGreaterThan(tp4pp2.outputTokensPerSecond());
    }

    @Test
    void pipelineParallelGivesMoreThroughputFromConcurrencyTen() {
        for (int row = 1; row < 4; row++) {
            ClosedLoopRun.Summary ep8 = summarize(Profiles.EP8, PublishedMeasurement.EP8.get(row));
            ClosedLoopRun.Summary tp4pp2 =
                    summarize(Profiles.TP4PP2, PublishedMeasurement.TP4PP2.get(row));

            assertThat(tp4pp2.outputTokensPerSecond())
                    .as("output tok/s at concurrency %d", PublishedMeasurement.EP8.get(row).concurrency())
                    .isGreaterThan(ep8.outputTokensPerSecond());
        }
    }

    @Test
    void closedLoopRunIsDeterministic() {
        PublishedMeasurement row = PublishedMeasurement.EP8.get(1);
        List<RequestRecord> first = ClosedLoopRun.run(Profiles.ep8(), row.settings(SEED));
        List<RequestRecord> second = ClosedLoopRun.run(Profiles.ep8(), row.settings(SEED));

        assertThat(first).hasSize(row.requests());
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).tokenEventNanos()).isEqualTo(first.get(i).tokenEventNanos());
            assertThat(second.get(i).inputTokens()).isEqualTo(first.get(i).inputTokens());
        }
    }

    @Test
    void closedLoopKeepsConcurrencyAndInputRange() {
        PublishedMeasurement row = PublishedMeasurement.TP4PP2.get(2);
        List<RequestRecord> records = ClosedLoopRun.run(Profiles.tp4pp2(), row.settings(SEED));

        for (RequestRecord record : records) {
            assertThat(record.inputTokens()).isBetween(PublishedMeasurement.MIN_INPUT_TOKENS,
                    PublishedMeasurement.MAX_INPUT_TOKENS);
            assertThat(record.outputTokens()).isEqualTo(PublishedMeasurement.OUTPUT_TOKENS);
            long inFlight = records.stream()
                    .filter(other -> other.sendNanos() <= record.sendNanos()
                            && other.endNanos() > record.sendNanos())
                    .count();
            assertThat(inFlight).isLessThanOrEqualTo(row.concurrency());
        }
    }

    private static ClosedLoopRun.Summary summarize(String profile, PublishedMeasurement row) {
        EngineProfile engineProfile = Profiles.byName(profile);
        return ClosedLoopRun.summarize(engineProfile, row.settings(SEED));
    }
}
