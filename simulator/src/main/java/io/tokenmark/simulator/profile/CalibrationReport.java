package io.tokenmark.simulator.profile;

import io.tokenmark.simulator.engine.EngineProfile;
import java.util.List;
import java.util.Locale;

/**
 * Prints the calibrated profiles' virtual-time results beside the published measurements, as
 * the Markdown table of the simulator section in {@code docs/benchmarks.md}.
 *
 * <pre>
 * java -cp simulator/target/tokenmark-simulator.jar \
 *     io.tokenmark.simulator.profile.CalibrationReport
 * </pre>
 */
public final class CalibrationReport {
    private CalibrationReport() {
    }

    /** Prints the table to standard output. */
    public static void main(String[] args) {
        System.out.println("| profile | concurrency | requests | mean TTFT (s) published / simulated"
                + " | mean TPOT (s) published / simulated | output tok/s published / simulated"
                + " | total tok/s published / simulated |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        print(Profiles.ep8(), PublishedMeasurement.EP8);
        print(Profiles.tp4pp2(), PublishedMeasurement.TP4PP2);
    }

    private static void print(EngineProfile profile, List<PublishedMeasurement> rows) {
        for (PublishedMeasurement row : rows) {
            ClosedLoopRun.Summary s = ClosedLoopRun.summarize(profile, row.settings(1));
            System.out.println(String.format(Locale.ROOT,
                    "| %s | %d | %d | %.4f / %.4f (%+.1f%%) | %.4f / %.4f (%+.1f%%)"
                            + " | %.2f / %.2f (%+.1f%%) | %.2f / %.2f (%+.1f%%) |",
                    profile.name(), row.concurrency(), row.requests(),
                    row.meanTtftSeconds(), s.meanTtftSeconds(),
                    percent(s.meanTtftSeconds(), row.meanTtftSeconds()),
                    row.meanTpotSeconds(), s.meanTpotSeconds(),
                    percent(s.meanTpotSeconds(), row.meanTpotSeconds()),
                    row.outputTokensPerSecond(), s.outputTokensPerSecond(),
                    percent(s.outputTokensPerSecond(), row.outputTokensPerSecond()),
                    row.totalTokensPerSecond(), s.totalTokensPerSecond(),
                    percent(s.totalTokensPerSecond(), row.totalTokensPerSecond())));
        }
    }

    private static double percent(double simulated, double published) {
        return 100 * (simulated / published - 1);
    }
}
