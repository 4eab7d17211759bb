package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.jmh.report.RunData;
import io.tokenmark.jmh.testing.CliRunner;
import io.tokenmark.simulator.profile.Profiles;
import io.tokenmark.simulator.profile.PublishedMeasurement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two calibrated simulator profiles through {@code run} and {@code compare}, with the
 * workload of their calibration table: Qwen3-235B-A22B-GPTQ-Int4 on vLLM 0.9.2, 8×A100 40 GB,
 * expert parallel ({@code ep8}) against TP=4 with PP=2 ({@code tp4pp2}), closed loop at
 * concurrency 1, 10, 50 and 100 with 10, 20, 100 and 200 requests.
 *
 * <p>Workload: 1,070 random input tokens, which the Qwen3 chat template makes 1,078, the middle
 * of the 1,062 to 1,094 tokens the measured server counted, and 1,024 output tokens with
 * {@code ignore_eos}. The simulator runs at {@link #TIME_SCALE} (0.25) of real time, so every
 * measured time is divided by it (and every rate multiplied) before it is compared with the
 * table. The test takes about six and a half minutes, so it is tagged {@code slow}, which
 * {@code mvn test} leaves out and CI runs in a step of its own:
 * <pre>
 * mvn -B test -Dtokenmark.test.excludedGroups= -Dgroups=slow \
 *     -Dtest=CalibratedProfilesCompareTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>Checks: {@code compare} names ep8 the better run at concurrency 1 for mean TTFT, mean TPOT
 * and output throughput, and tp4pp2 the better run for output throughput at 10, 50 and 100; and
 * every row's mean TTFT, mean TPOT and output throughput are within 15 % of the table. One busy
 * moment of a shared CI machine can delay a whole point. So a profile with a row outside 15 %
 * runs once more, and the second run is the one checked. A real bias misses both times.
 *
 * <p>Why the time scale matters: a real millisecond of client turnaround (from a request's last
 * token to the arrival of the same user's next request at the simulator) is 1 / {@code TIME_SCALE}
 * simulated milliseconds. On 2-core CI machines the client alone took 0.5 to 14 ms of it, mean
 * schedule lag per point, mostly waiting for a core that the simulator's event loop and the
 * record thread also wanted. In virtual time tp4pp2's mean TTFT at concurrency 50 is 3 % to
 * 5 % above the table for turnarounds up to 50 simulated ms. From 75 ms on it is 10 % to 16 %
 * above, because later arrivals miss a prefill batch. At time scale 0.1 a CI machine's 5.8 ms of
 * mean turnaround (58 simulated ms) put that row 15.3 % high. At 0.25 the same delay is 23
 * simulated ms, and 12.5 ms would still be under 50. The TTFT of each request also includes the
 * real time its request and first token spend between client and simulator. That was 1 to 13 ms
 * on average on a 2-core machine, at most 1.5 % of the table's TTFT at 0.25.
 */
@Tag("slow")
@Timeout(1200)
class CalibratedProfilesCompareTest {
    private static final Logger LOG = LoggerFactory.getLogger(CalibratedProfilesCompareTest.class);
    /**
     * Share of real time the simulator runs at; {@code -Dtokenmark.calibration.timeScale=0.5}
     * doubles the test's time and halves the effect of the client's delays.
     */
    static final double TIME_SCALE =
            Double.parseDouble(System.getProperty("tokenmark.calibration.timeScale", "0.25"));
    private static final int ATTEMPTS = 2;
    private static final double TOLERANCE = 0.15;
    private static final Pattern POINT = Pattern.compile("^(c\\d+): ");

    @TempDir
    static Path out;

    private static RunData ep8;
    private static RunData tp4pp2;
    /** Point label to metric title to the label of the better run, from the compare output. */
    private static Map<String, Map<String, String>> better;

    @BeforeAll
    static void runBothProfiles() {
        // A short run of the same workload first compiles the paths that large prompts and long
        // streams take in the client and the simulator, so the first point is not measured cold.
        run("warm-up", Profiles.TP4PP2, "10", "20", "64");
        ep8 = runProfile(Profiles.EP8, PublishedMeasurement.EP8);
        tp4pp2 = runProfile(Profiles.TP4PP2, PublishedMeasurement.TP4PP2);

        CliRunner.Result compare = CliRunner.run("compare", ep8.directory().toString(),
                tp4pp2.directory().toString());
        assertThat(compare.exitCode()).as(compare.toString()).isEqualTo(ExitCodes.OK);
        better = betterRuns(compare.out());
    }

    /**
     * Runs the profile's sweep, and runs it once more when a row misses the table, so that the
     * row tests check the last run.
     */
    private static RunData runProfile(String profile, List<PublishedMeasurement> rows) {
        RunData data = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            data = RunData.load(run(out.resolve("attempt-" + attempt), profile, profile,
                    "1,10,50,100", "10,20,100,200", "1024"));
            List<String> misses = new ArrayList<>();
            for (PublishedMeasurement row : rows) {
                Deviation deviation = Deviation.of(data, row);
                LOG.info("{} attempt {}: {}", profile, attempt, deviation);
                if (!deviation.withinTolerance()) {
                    misses.add("concurrency " + row.concurrency());
                }
            }
            if (misses.isEmpty()) {
                break;
            }
            LOG.warn("{} attempt {} of {}: {} outside {}% of the table", profile, attempt,
                    ATTEMPTS, misses, Math.round(TOLERANCE * 100));
        }
        return data;
    }

    private static Path run(String label, String profile, String concurrency, String number,
            String outputTokens) {
        return run(out, label, profile, concurrency, number, outputTokens);
    }

    private static Path run(Path directory, String label, String profile, String concurrency,
            String number, String outputTokens) {
        CliRunner.Result result = CliRunner.run("run", "--out", directory.toString(),
                "--label", label,
                "--profile", profile, "--time-scale", Double.toString(TIME_SCALE),
                "--concurrency", concurrency, "--number", number, "--input-tokens", "1070",
                "--output-tokens", outputTokens, "--ignore-eos", "--progress", "off");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        return directory.resolve(label);
    }

    @Test
    void expertParallelWinsAtConcurrencyOne() {
        assertThat(better.get("c1").get("Mean TTFT (ms)")).isEqualTo("ep8");
        assertThat(better.get("c1").get("Mean TPOT (ms)")).isEqualTo("ep8");
        assertThat(better.get("c1").get("Output token throughput (tok/s)")).isEqualTo("ep8");
    }

    @Test
    void pipelineParallelWinsThroughputFromConcurrencyTen() {
        for (String point : List.of("c10", "c50", "c100")) {
            assertThat(better.get(point).get("Output token throughput (tok/s)")).as(point)
                    .isEqualTo("tp4pp2");
        }
    }

    static Stream<Arguments> publishedRows() {
        return Stream.concat(
                PublishedMeasurement.EP8.stream().map(row -> Arguments.of(Profiles.EP8, row)),
                PublishedMeasurement.TP4PP2.stream()
                        .map(row -> Arguments.of(Profiles.TP4PP2, row)));
    }

    @ParameterizedTest(name = "{0} concurrency {1}")
    @MethodSource("publishedRows")
    void runReproducesPublishedRow(String profile, PublishedMeasurement row) {
        RunData run = profile.equals(Profiles.EP8) ? ep8 : tp4pp2;
        Deviation deviation = Deviation.of(run, row);
        assertThat(deviation.succeededRequests()).as("successful requests")
                .isEqualTo(row.requests());

        assertThat(deviation.ttftSeconds()).as("mean TTFT (s); " + deviation)
                .isCloseTo(row.meanTtftSeconds(), within(TOLERANCE * row.meanTtftSeconds()));
        assertThat(deviation.tpotSeconds()).as("mean TPOT (s); " + deviation)
                .isCloseTo(row.meanTpotSeconds(), within(TOLERANCE * row.meanTpotSeconds()));
        assertThat(deviation.outputPerSecond()).as("output tok/s; " + deviation)
                .isCloseTo(row.outputTokensPerSecond(),
                        within(TOLERANCE * row.outputTokensPerSecond()));
    }

    /**
     * One point of a run against its table row, in the table's units: times divided by the time
     * scale, rates multiplied by it.
     */
    private record Deviation(PublishedMeasurement row, long succeededRequests, double ttftSeconds,
            double tpotSeconds, double outputPerSecond, double scheduleLagMillis) {
        static Deviation of(RunData run, PublishedMeasurement row) {
            Summary point = run.point("c" + row.concurrency());
            return new Deviation(row, point.succeededRequests(),
                    point.stats(Metric.TTFT).mean() / 1000 / TIME_SCALE,
                    point.stats(Metric.TPOT).mean() / 1000 / TIME_SCALE,
                    point.outputTokenThroughput() * TIME_SCALE,
                    point.stats(Metric.SCHEDULE_LAG).mean());
        }

        boolean withinTolerance() {
            return succeededRequests == row.requests()
                    && close(ttftSeconds, row.meanTtftSeconds())
                    && close(tpotSeconds, row.meanTpotSeconds())
                    && close(outputPerSecond, row.outputTokensPerSecond());
        }

        private static boolean close(double measured, double published) {
            return Math.abs(measured - published) <= TOLERANCE * published;
        }

        private static double percent(double measured, double published) {
            return 100 * (measured / published - 1);
        }

        @Override
        public String toString() {
            // The client's own delay between a stream's end and the next send explains most
            // misses, so it is part of every line.
            return String.format(Locale.ROOT,
                    "concurrency %d: mean TTFT %+.1f%%, mean TPOT %+.1f%%, output tok/s %+.1f%%"
                            + " of the table; mean schedule lag %.2f ms real",
                    row.concurrency(), percent(ttftSeconds, row.meanTtftSeconds()),
                    percent(tpotSeconds, row.meanTpotSeconds()),
                    percent(outputPerSecond, row.outputTokensPerSecond()), scheduleLagMillis);
        }
    }

    /** Reads the {@code Better} column of every table of the compare output. */
    private static Map<String, Map<String, String>> betterRuns(String compareOutput) {
        Map<String, Map<String, String>> result = new HashMap<>();
        String point = null;
        int betterColumn = -1;
        for (String line : compareOutput.split("\\R")) {
            Matcher title = POINT.matcher(line);
            if (title.find()) {
                point = title.group(1);
                result.put(point, new HashMap<>());
                continue;
            }
            if (!line.startsWith("|") || point == null) {
                continue;
            }
            String[] cells = line.split("\\|");
            if (cells[1].strip().equals("Metric")) {
                for (int i = 0; i < cells.length; i++) {
                    if (cells[i].strip().equals("Better")) {
                        betterColumn = i;
                    }
                }
                continue;
            }
            result.get(point).put(cells[1].strip(), cells[betterColumn].strip());
        }
        return result;
    }
}
