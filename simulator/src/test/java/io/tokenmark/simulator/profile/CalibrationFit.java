package io.tokenmark.simulator.profile;

import io.tokenmark.simulator.engine.BatchingProfile;
import java.util.List;
import java.util.Locale;

/**
 * Fits the step-time parameters of a batching profile to published measurements, in virtual
 * time, by Nelder–Mead over the logarithms of the time parameters. Not a test: run it by
 * hand when the model or the measurements change, then copy the printed values into
 * {@link Profiles}.
 *
 * <pre>
 * mvn -B -o -q -pl simulator -am test-compile
 * java -cp "simulator/target/classes:simulator/target/test-classes:core/target/classes:$(cat cp.txt)" \
 *     io.tokenmark.simulator.profile.CalibrationFit ep8
 * </pre>
 *
 * The objective is the sum of squared relative errors of mean TTFT, mean TPOT and output
 * throughput over the four rows, plus ten times the square of the largest one, so that no row is
 * sacrificed for the others, plus a penalty when the crossover with the other profile (as it is
 * now in {@link Profiles}) has less than a 3% margin.
 */
public final class CalibrationFit {
    private static final String[] NAMES = {
        "admissionDelayNanos", "stepBaseNanos", "perDecodeSequenceNanos",
        "perContextTokenNanos", "prefillBaseNanos", "perPrefillTokenNanos",
        "perActiveExpertNanos"};

    private CalibrationFit() {
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "ep8";
        List<PublishedMeasurement> rows = name.equals("ep8")
                ? PublishedMeasurement.EP8 : PublishedMeasurement.TP4PP2;
        BatchingProfile start = (BatchingProfile) Profiles.byName(name);
        double[] x = {
            Math.log(Math.max(1e3, start.admissionDelayNanos())),
            Math.log(Math.max(1e3, start.stepBaseNanos())),
            Math.log(Math.max(1e2, start.perDecodeSequenceNanos())),
            Math.log(Math.max(1e-2, start.perContextTokenNanos())),
            Math.log(Math.max(1e3, start.prefillBaseNanos())),
            Math.log(Math.max(1e2, start.perPrefillTokenNanos())),
            Math.log(Math.max(1e3, start.perActiveExpertNanos()))};
        // Restarting from the best point with a fresh simplex escapes early collapse.
        List<PublishedMeasurement> rivalRows = name.equals("ep8")
                ? PublishedMeasurement.TP4PP2 : PublishedMeasurement.EP8;
        BatchingProfile rival = (BatchingProfile) Profiles.byName(
                name.equals("ep8") ? Profiles.TP4PP2 : Profiles.EP8);
        double[] rivalThroughput = new double[rivalRows.size()];
        for (int r = 0; r < rivalRows.size(); r++) {
            rivalThroughput[r] = ClosedLoopRun.summarize(rival, rivalRows.get(r).settings(1))
                    .outputTokensPerSecond();
        }
        double[] best = x;
        for (int restart = 0; restart < 3; restart++) {
            best = nelderMead(p -> objective(profile(start, p), rows, rivalThroughput), best, 0.3,
                    2000);
        }
        BatchingProfile fitted = profile(start, best);
        System.out.println(fitted);
        for (int i = 0; i < NAMES.length; i++) {
            System.out.printf(Locale.ROOT, "  .%s(%.1f)%n", NAMES[i], Math.exp(best[i]));
        }
        for (PublishedMeasurement row : rows) {
            ClosedLoopRun.Summary s = ClosedLoopRun.summarize(fitted, row.settings(1));
            System.out.printf(Locale.ROOT, "c=%3d ttft %.4f (%.4f, %+.1f%%) tpot %.4f (%.4f, %+.1f%%)"
                            + " out %.2f (%.2f, %+.1f%%) total %.2f (%.2f)%n",
                    row.concurrency(), s.meanTtftSeconds(), row.meanTtftSeconds(),
                    pct(s.meanTtftSeconds(), row.meanTtftSeconds()), s.meanTpotSeconds(),
                    row.meanTpotSeconds(), pct(s.meanTpotSeconds(), row.meanTpotSeconds()),
                    s.outputTokensPerSecond(), row.outputTokensPerSecond(),
                    pct(s.outputTokensPerSecond(), row.outputTokensPerSecond()),
                    s.totalTokensPerSecond(), row.totalTokensPerSecond());
        }
    }

    private static double pct(double actual, double expected) {
        return 100 * (actual / expected - 1);
    }

    private static BatchingProfile profile(BatchingProfile start, double[] p) {
        return start.toBuilder()
                .admissionDelayNanos(Math.exp(p[0]))
                .stepBaseNanos(Math.exp(p[1]))
                .perDecodeSequenceNanos(Math.exp(p[2]))
                .perContextTokenNanos(Math.exp(p[3]))
                .prefillBaseNanos(Math.exp(p[4]))
                .perPrefillTokenNanos(Math.exp(p[5]))
                .perActiveExpertNanos(start.experts() == 0 ? 0 : Math.exp(p[6]))
                .jitter(0)
                .build();
    }

    private static double objective(BatchingProfile profile, List<PublishedMeasurement> rows,
            double[] rivalThroughput) {
        double sum = 0;
        double max = 0;
        for (int r = 0; r < rows.size(); r++) {
            PublishedMeasurement row = rows.get(r);
            ClosedLoopRun.Summary s = ClosedLoopRun.summarize(profile, row.settings(1));
            // The crossover: ep8 has more throughput at concurrency 1, tp4pp2 from 10 on. A
            // fitted row must keep a 3% margin to the other profile's simulated throughput.
            double margin = r == 0
                    ? rivalThroughput[r] * 1.03 - s.outputTokensPerSecond()
                    : s.outputTokensPerSecond() - rivalThroughput[r] * 0.97;
            boolean ep8 = rows == PublishedMeasurement.EP8;
            double violation = (ep8 ? margin : -margin) / rivalThroughput[r];
            if (violation > 0) {
                sum += 100 * violation * violation;
            }
            double[] errors = {
                s.meanTtftSeconds() / row.meanTtftSeconds() - 1,
                s.meanTpotSeconds() / row.meanTpotSeconds() - 1,
                s.outputTokensPerSecond() / row.outputTokensPerSecond() - 1};
            for (double e : errors) {
                sum += e * e;
                max = Math.max(max, Math.abs(e));
            }
        }
        return sum + 10 * max * max;
    }

    private interface Function {
        double apply(double[] x);
    }

    private static double[] nelderMead(Function f, double[] x0, double step, int maxEvaluations) {
        int n = x0.length;
        double[][] simplex = new double[n + 1][];
        double[] values = new double[n + 1];
        simplex[0] = x0.clone();
        for (int i = 0; i < n; i++) {
            simplex[i + 1] = x0.clone();
            simplex[i + 1][i] += step;
        }
        for (int i = 0; i <= n; i++) {
            values[i] = f.apply(simplex[i]);
        }
        int evaluations = n + 1;
        while (evaluations < maxEvaluations) {
            sort(simplex, values);
            if (values[n] - values[0] < 1e-10) {
                break;
            }
            double[] centroid = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    centroid[j] += simplex[i][j] / n;
                }
            }
            double[] reflected = combine(centroid, simplex[n], -1);
            double fr = f.apply(reflected);
            evaluations++;
            if (fr < values[0]) {
                double[] expanded = combine(centroid, simplex[n], -2);
                double fe = f.apply(expanded);
                evaluations++;
                if (fe < fr) {
                    simplex[n] = expanded;
                    values[n] = fe;
                } else {
                    simplex[n] = reflected;
                    values[n] = fr;
                }
            } else if (fr < values[n - 1]) {
                simplex[n] = reflected;
                values[n] = fr;
            } else {
                double[] contracted = combine(centroid, simplex[n], 0.5);
                double fc = f.apply(contracted);
                evaluations++;
                if (fc < values[n]) {
                    simplex[n] = contracted;
                    values[n] = fc;
                } else {
                    for (int i = 1; i <= n; i++) {
                        simplex[i] = combine(simplex[0], simplex[i], 0.5);
                        values[i] = f.apply(simplex[i]);
                        evaluations++;
                    }
                }
            }
        }
        sort(simplex, values);
        System.out.printf(Locale.ROOT, "objective %.6f after %d evaluations%n", values[0],
                evaluations);
        return simplex[0];
    }

    /** Returns centroid + t · (point − centroid). */
    private static double[] combine(double[] centroid, double[] point, double t) {
        double[] result = new double[centroid.length];
        for (int i = 0; i < result.length; i++) {
            result[i] = centroid[i] + t * (point[i] - centroid[i]);
        }
        return result;
    }

    private static void sort(double[][] simplex, double[] values) {
        for (int i = 1; i < values.length; i++) {
            for (int j = i; j > 0 && values[j] < values[j - 1]; j--) {
                double v = values[j];
                values[j] = values[j - 1];
                values[j - 1] = v;
                double[] p = simplex[j];
                simplex[j] = simplex[j - 1];
                simplex[j - 1] = p;
            }
        }
    }
}
