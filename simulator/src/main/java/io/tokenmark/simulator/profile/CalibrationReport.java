package io.tokenmark.simulator.profile;

import io.tokenmark.simulator.engine.EngineProfile;
import java.util.List;
import java.util.Locale;

/**
 * Prints the calibrated profiles' virtual-time results beside the published measurements, as
 * the Markdown tables of the simulator calibration section in {@code docs/benchmarks.md}: one
 * table per client turnaround given in milliseconds, 0 and 30 when none is given.
 *
 * <pre>
 * java -cp simulator/target/tokenmark-simulator.jar \
 *     io.tokenmark.simulator.profile.CalibrationReport 0 30
 * </pre>
 *
 * A turnaround is the simulated time from the end of one request to the arrival of the same
 * client's next request ({@link ClosedLoopRun.Settings#clientTurnaroundNanos()}).
 */
public final class CalibrationReport {
    private CalibrationReport() {
    }

    /**
     * Prints one table per turnaround to standard output.
     *
     * @param args client turnarounds in simulated milliseconds, each at least 0
     * @throws NumberFormatException if an argument is not a number
     */
    public static void main(String[] args) {
        String[] turnarounds = args.length > 0 ? args : new String[] {"0", "30"};
        for (String turnaround : turnarounds) {
            double millis = Double.parseDouble(turnaround);
            long nanos = Math.round(millis * 1e6);
            System.out.printf(Locale.ROOT, "Client turnaround %s ms:%n%n", turnaround);
            System.out.println("| profile | concurrency | requests"
                    + " | mean TTFT (s) published / simulated"
                    + " | mean TPOT (s) published / simulated"
                    + " | output tok/s published / simulated"
                    + " | total tok/s published / simulated |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
            print(Profiles.ep8(), PublishedMeasurement.EP8, nanos);
            print(Profiles.tp4pp2(), PublishedMeasurement.TP4PP2, nanos);
            System.out.println();
        }
    }

    private static void print(EngineProfile profile, List<PublishedMeasurement> rows,
            long turnaroundNanos) {
        for (PublishedMeasurement row : rows) {
            ClosedLoopRun.Summary s = ClosedLoopRun.summarize(profile,
                    row.settings(1).withClientTurnaroundNanos(turnaroundNanos));
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
