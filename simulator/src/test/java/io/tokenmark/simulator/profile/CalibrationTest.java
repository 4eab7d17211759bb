package io.tokenmark.simulator.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.simulator.engine.EngineProfile;
import java.util.List;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The calibrated profiles reproduce the published closed-loop measurements in virtual time:
 * mean TTFT, mean TPOT and output throughput within 15% on every row, and the crossover between
 * the two deployments, at every client turnaround of {@link #TURNAROUND_MILLIS}.
 *
 * <p>The turnarounds cover a real client at full scale and at reduced time scales. {@code
 * tokenmark run} against the simulator on a 2-core machine took 1.5 to 11 ms, mean per sweep
 * point, from the flush of a request's last token to the arrival of the same user's next
 * request, whatever the time scale (see {@code ClientTurnaroundProbe} and
 * {@code docs/benchmarks.md}). At time scale 0.25, where the calibration test through the client
 * runs, a real millisecond is 4 simulated ones, so 50 ms here covers 12.5 ms of real turnaround.
 */
class CalibrationTest {
    private static final double TOLERANCE = 0.15;
    private static final long SEED = 1;
    /** Simulated client turnarounds in milliseconds: 0 to 10 at full scale, up to 50 at 0.25. */
    static final double[] TURNAROUND_MILLIS = DoubleStream.concat(
            DoubleStream.of(0, 0.25, 0.5, 1, 2, 3, 5, 7.5),
            DoubleStream.iterate(10, t -> t <= 50, t -> t + 2.5)).toArray();

    static Stream<Arguments> rows() {
        return DoubleStream.of(TURNAROUND_MILLIS).boxed().flatMap(turnaround -> Stream.concat(
                PublishedMeasurement.EP8.stream()
                        .map(row -> Arguments.of(Profiles.EP8, row, turnaround)),
                PublishedMeasurement.TP4PP2.stream()
                        .map(row -> Arguments.of(Profiles.TP4PP2, row, turnaround))));
    }

    static Stream<Double> turnarounds() {
        return DoubleStream.of(TURNAROUND_MILLIS).boxed();
    }

    @ParameterizedTest(name = "{0} concurrency {1}, turnaround {2} ms")
    @MethodSource("rows")
    void profileReproducesPublishedRow(String profile, PublishedMeasurement row,
            double turnaroundMillis) {
        ClosedLoopRun.Summary simulated = summarize(profile, row, turnaroundMillis);

        assertThat(simulated.meanTtftSeconds()).as("mean TTFT (s)")
                .isCloseTo(row.meanTtftSeconds(), within(TOLERANCE * row.meanTtftSeconds()));
        assertThat(simulated.meanTpotSeconds()).as("mean TPOT (s)")
                .isCloseTo(row.meanTpotSeconds(), within(TOLERANCE * row.meanTpotSeconds()));
        assertThat(simulated.outputTokensPerSecond()).as("output tok/s")
                .isCloseTo(row.outputTokensPerSecond(),
                        within(TOLERANCE * row.outputTokensPerSecond()));
    }

    @ParameterizedTest(name = "turnaround {0} ms")
    @MethodSource("turnarounds")
    void expertParallelIsFasterForSingleRequest(double turnaroundMillis) {
        ClosedLoopRun.Summary ep8 =
                summarize(Profiles.EP8, PublishedMeasurement.EP8.get(0), turnaroundMillis);
        ClosedLoopRun.Summary tp4pp2 =
                summarize(Profiles.TP4PP2, PublishedMeasurement.TP4PP2.get(0), turnaroundMillis);

        assertThat(ep8.meanTtftSeconds()).as("mean TTFT (s)")
                .isLessThan(tp4pp2.meanTtftSeconds());
        assertThat(ep8.meanTpotSeconds()).as("mean TPOT (s)")
                .isLessThan(tp4pp2.meanTpotSeconds());
        assertThat(ep8.outputTokensPerSecond()).as("output tok/s")
                .isGreaterThan(tp4pp2.outputTokensPerSecond());
    }

    @ParameterizedTest(name = "turnaround {0} ms")
    @MethodSource("turnarounds")
    void pipelineParallelGivesMoreThroughputFromConcurrencyTen(double turnaroundMillis) {
        for (int row = 1; row < 4; row++) {
            ClosedLoopRun.Summary ep8 =
                    summarize(Profiles.EP8, PublishedMeasurement.EP8.get(row), turnaroundMillis);
            ClosedLoopRun.Summary tp4pp2 = summarize(Profiles.TP4PP2,
                    PublishedMeasurement.TP4PP2.get(row), turnaroundMillis);

            assertThat(tp4pp2.outputTokensPerSecond())
                    .as("output tok/s at concurrency %d",
                            PublishedMeasurement.EP8.get(row).concurrency())
                    .isGreaterThan(ep8.outputTokensPerSecond());
        }
    }

    @Test
    void closedLoopRunIsDeterministic() {
        PublishedMeasurement row = PublishedMeasurement.EP8.get(1);
        ClosedLoopRun.Settings settings = row.settings(SEED).withClientTurnaroundNanos(3_000_000);
        List<RequestRecord> first = ClosedLoopRun.run(Profiles.ep8(), settings);
        List<RequestRecord> second = ClosedLoopRun.run(Profiles.ep8(), settings);

        assertThat(first).hasSize(row.requests());
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).sendNanos()).isEqualTo(first.get(i).sendNanos());
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

    @Test
    void closedLoopSendsNextRequestAfterTurnaround() {
        PublishedMeasurement row = PublishedMeasurement.EP8.get(0);
        long turnaroundNanos = 7_000_000;
        List<RequestRecord> records = ClosedLoopRun.run(Profiles.ep8(),
                row.settings(SEED).withClientTurnaroundNanos(turnaroundNanos));

        // One user: each request follows the previous one by exactly the turnaround.
        assertThat(records).hasSize(row.requests());
        assertThat(records.get(0).sendNanos()).isZero();
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).sendNanos() - records.get(i - 1).endNanos())
                    .as("gap before request %d (ns)", i).isEqualTo(turnaroundNanos);
        }
    }

    @Test
    void turnaroundLeavesSingleUserLatenciesUnchanged() {
        PublishedMeasurement row = PublishedMeasurement.TP4PP2.get(0);
        ClosedLoopRun.Summary immediate =
                ClosedLoopRun.summarize(Profiles.tp4pp2(), row.settings(SEED));
        ClosedLoopRun.Summary delayed = ClosedLoopRun.summarize(Profiles.tp4pp2(),
                row.settings(SEED).withClientTurnaroundNanos(50_000_000));

        // Each request meets an idle engine either way; only the idle gaps lengthen the run.
        assertThat(delayed.meanTtftSeconds()).isEqualTo(immediate.meanTtftSeconds());
        assertThat(delayed.meanTpotSeconds()).isEqualTo(immediate.meanTpotSeconds());
        assertThat(delayed.durationSeconds() - immediate.durationSeconds())
                .isCloseTo((row.requests() - 1) * 0.050, within(1e-6));
    }

    @Test
    void settingsRejectNegativeTurnaround() {
        ClosedLoopRun.Settings settings = PublishedMeasurement.EP8.get(0).settings(SEED);

        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> settings.withClientTurnaroundNanos(-1))
                .withMessageContaining("clientTurnaroundNanos -1");
    }

    private static ClosedLoopRun.Summary summarize(String profile, PublishedMeasurement row,
            double turnaroundMillis) {
        EngineProfile engineProfile = Profiles.byName(profile);
        return ClosedLoopRun.summarize(engineProfile,
                row.settings(SEED).withClientTurnaroundNanos(Math.round(turnaroundMillis * 1e6)));
    }
}
