package io.tokenmark.jmh.cli;

import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.run.BenchmarkRun;
import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.jmh.report.RunData;
import io.tokenmark.jmh.testing.CliRunner;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.openai.PromptTokenCounter;
import io.tokenmark.simulator.profile.Profiles;
import io.tokenmark.simulator.truth.GroundTruth;
import io.tokenmark.simulator.truth.RequestTruth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Measures the client turnaround of {@code tokenmark run} against the simulator on this machine,
 * so that the calibrated profiles can be fitted to stay within tolerance with it. Not a test: run
 * it by hand, and copy its figures into the calibration section of {@code docs/benchmarks.md}.
 *
 * <pre>
 * mvn -B -o -q -pl jmh-benchmarks -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -cp "jmh-benchmarks/target/test-classes:jmh-benchmarks/target/classes:$(cat jmh-benchmarks/target/classpath.txt)" \
 *     io.tokenmark.jmh.cli.ClientTurnaroundProbe tp4pp2 0.05 1024
 * </pre>
 *
 * Arguments: the profile ({@code tp4pp2}), the time scale (0.05) and the output tokens per
 * request (1,024; fewer keep a run at time scale 1 short). It serves the profile from a simulator
 * that records its ground truth, and runs the calibration sweep through the command line with
 * {@code --url}: closed loop at concurrency 1, 10, 50 and 100 with 4, 20, 100 and 200 requests of
 * 1,070 random input tokens (1,078 with the chat template).
 *
 * <p>For each request that followed another of the same closed-loop user (the successor's
 * scheduled time is its predecessor's end), it prints, per point, in real milliseconds and in
 * simulated milliseconds (real divided by the time scale):
 * <ul>
 *   <li><b>turnaround</b>: the successor's arrival at the simulator (its request read and
 *       decoded) − the flush of the predecessor's last token event. At the engine, this is
 *       the gap between one request's end and the next request's arrival, which
 *       {@code ClosedLoopRun} models as {@code clientTurnaroundNanos}.</li>
 *   <li><b>client gap</b>: the successor's send − its scheduled time (the predecessor's end of
 *       stream), the part of the turnaround spent in the client between two requests.</li>
 *   <li><b>TTFT excess</b>, over every request: the client's TTFT − the simulator's (first token
 *       event flushed − request read), the time the request and the first token spend between
 *       the client and the engine.</li>
 * </ul>
 */
public final class ClientTurnaroundProbe {
    /** Prompt tokens of every request: 1,070 random tokens and 8 of the Qwen3 chat template. */
    private static final int PROMPT_TOKENS = 1078;

    private ClientTurnaroundProbe() {
    }

    public static void main(String[] args) throws IOException {
        String profile = args.length > 0 ? args[0] : Profiles.TP4PP2;
        double timeScale = args.length > 1 ? Double.parseDouble(args[1]) : 0.05;
        int outputTokens = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        String concurrency = args.length > 3 ? args[3] : "1,10,50,100";
        String number = args.length > 4 ? args[4] : "4,20,100,200";
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        for (int round = 1; round <= rounds; round++) {
            probe(profile, timeScale, outputTokens, concurrency, number, round);
        }
    }

    private static void probe(String profile, double timeScale, int outputTokens,
            String concurrency, String number, int round) throws IOException {

        Path out = Files.createTempDirectory("tokenmark-turnaround");
        SimulatorOptions options = SimulatorOptions.builder()
                .profile(Profiles.byName(profile))
                .timeScale(timeScale)
                .groundTruthCapacity(1024)
                .promptTokenCounter(new ConstantCounter(PROMPT_TOKENS))
                .build();
        RunData run;
        GroundTruth truth;
        try (Simulator simulator = Simulator.start(options)) {
            CliRunner.Result result = CliRunner.run("run", "--url", simulator.baseUrl().toString(),
                    "--model", simulator.modelName(), "--out", out.toString(), "--label", profile,
                    "--concurrency", concurrency, "--number", number, "--input-tokens", "1070",
                    "--output-tokens", Integer.toString(outputTokens), "--ignore-eos",
                    "--progress", "off");
            if (result.exitCode() != ExitCodes.OK) {
                throw new IllegalStateException("tokenmark run failed: " + result);
            }
            truth = simulator.groundTruth();
            run = RunData.load(out.resolve(profile));
        }

        String runId = run.metadata().settings().get(BenchmarkRun.SETTING_RUN_ID);
        System.out.printf(Locale.ROOT, "round %d: %s at time scale %s, %d output tokens; %d cores,"
                        + " load average %.2f%n", round, profile, timeScale, outputTokens,
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        System.out.println("point | pairs | turnaround real ms: mean p50 p90 max"
                + " | simulated ms: mean p90 | client gap real ms: mean p90"
                + " | TTFT excess real ms: mean p90 | simulated ms: mean");
        Map<String, List<RequestLogEntry>> byPoint = new java.util.LinkedHashMap<>();
        for (RequestLogEntry entry : run.requests()) {
            byPoint.computeIfAbsent(entry.point(), p -> new ArrayList<>()).add(entry);
        }
        for (Map.Entry<String, List<RequestLogEntry>> point : byPoint.entrySet()) {
            double turnaroundMillis = printPoint(point.getKey(), point.getValue(), truth, runId,
                    timeScale);
            printVersusModel(profile, run.point(point.getKey()), point.getValue().size(),
                    outputTokens, timeScale, turnaroundMillis / timeScale);
        }
    }

    private static void printVersusModel(String profile, io.tokenmark.core.metric.Summary point,
            int requests, int outputTokens, double timeScale, double turnaroundSimMillis) {
        double ttft = point.stats(io.tokenmark.core.metric.Metric.TTFT).mean() / 1000 / timeScale;
        double tpot = point.stats(io.tokenmark.core.metric.Metric.TPOT).mean() / 1000 / timeScale;
        double out = point.outputTokenThroughput() * timeScale;
        int users = point.load().concurrency();
        io.tokenmark.simulator.profile.ClosedLoopRun.Settings settings =
                new io.tokenmark.simulator.profile.ClosedLoopRun.Settings(users, requests,
                        PROMPT_TOKENS, PROMPT_TOKENS, outputTokens, 0);
        io.tokenmark.simulator.profile.ClosedLoopRun.Summary zero =
                io.tokenmark.simulator.profile.ClosedLoopRun.summarize(Profiles.byName(profile),
                        settings);
        io.tokenmark.simulator.profile.ClosedLoopRun.Summary measured =
                io.tokenmark.simulator.profile.ClosedLoopRun.summarize(Profiles.byName(profile),
                        settings.withClientTurnaroundNanos(Math.round(turnaroundSimMillis * 1e6)));
        System.out.printf(Locale.ROOT, "  client TTFT %.4f s TPOT %.4f s out %.1f tok/s"
                        + " | model T=0: %.4f %.4f %.1f | model T=%.0f ms: %.4f %.4f %.1f%n",
                ttft, tpot, out, zero.meanTtftSeconds(), zero.meanTpotSeconds(),
                zero.outputTokensPerSecond(), turnaroundSimMillis, measured.meanTtftSeconds(),
                measured.meanTpotSeconds(), measured.outputTokensPerSecond());
    }

    private static double printPoint(String label, List<RequestLogEntry> entries, GroundTruth truth,
            String runId, double timeScale) {
        Map<Double, RequestLogEntry> byEnd = new HashMap<>();
        for (RequestLogEntry entry : entries) {
            byEnd.put(entry.endMillis(), entry);
        }
        List<Double> turnaround = new ArrayList<>();
        List<Double> clientGap = new ArrayList<>();
        List<Double> ttftExcess = new ArrayList<>();
        List<Double> dispatchGap = new ArrayList<>();
        for (RequestLogEntry entry : entries) {
            RequestTruth served = find(truth, runId, entry);
            if (served == null || entry.ttftMillis() == null) {
                continue;
            }
            ttftExcess.add(entry.ttftMillis() - served.ttftNanos() / 1e6);
            RequestLogEntry predecessor = byEnd.get(entry.scheduledMillis());
            RequestTruth previous = predecessor == null ? null : find(truth, runId, predecessor);
            if (previous == null || previous.tokenEvents() == 0) {
                continue;
            }
            long lastFlush = previous.tokenEventNanos(previous.tokenEvents() - 1);
            turnaround.add((served.receivedNanos() - lastFlush) / 1e6);
            clientGap.add(entry.sendMillis() - entry.scheduledMillis());
            dispatchGap.add(entry.dispatchMillis() - entry.scheduledMillis());
        }
        double[] t = sorted(turnaround);
        double[] g = sorted(clientGap);
        double[] e = sorted(ttftExcess);
        double[] d = sorted(dispatchGap);
        System.out.printf(Locale.ROOT, "  end to dispatch mean %.3f p90 %.3f%n", mean(d), rank(d, 0.9));
        System.out.printf(Locale.ROOT, "%s | %d | %.3f %.3f %.3f %.3f | %.1f %.1f | %.3f %.3f"
                        + " | %.3f %.3f | %.1f%n",
                label, t.length, mean(t), rank(t, 0.5), rank(t, 0.9), rank(t, 1),
                mean(t) / timeScale, rank(t, 0.9) / timeScale, mean(g), rank(g, 0.9),
                mean(e), rank(e, 0.9), mean(e) / timeScale);
        return t.length == 0 ? 0 : mean(t);
    }

    private static RequestTruth find(GroundTruth truth, String runId, RequestLogEntry entry) {
        Optional<RequestTruth> served = truth.get("tm-" + runId + "-" + entry.requestId());
        return served.orElse(null);
    }

    private static double[] sorted(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(array);
        return array;
    }

    private static double mean(double[] values) {
        return values.length == 0 ? Double.NaN : Arrays.stream(values).average().orElseThrow();
    }

    /** Nearest-rank percentile, {@code share} in (0, 1]. */
    private static double rank(double[] values, double share) {
        if (values.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(share * values.length) - 1;
        return values[Math.max(0, index)];
    }

    /** Counts every prompt as the same length, which the calibration workload's prompts have. */
    private record ConstantCounter(int tokens) implements PromptTokenCounter {
        @Override
        public int countChat(List<ChatMessage> messages) {
            return tokens;
        }

        @Override
        public int countPrompt(String prompt) {
            return tokens;
        }
    }
}
