package io.tokenmark.jmh.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs every performance benchmark of this package, each in a JVM of its own with the heap it
 * needs, and prints all their figures together at the end.
 *
 * <table>
 *   <caption>Benchmarks, in the order they run</caption>
 *   <tr><th>name</th><th>class</th><th>JVM options</th><th>about</th></tr>
 *   <tr><td>ParseCost</td><td>{@link ParseCostBenchmark}</td><td>none (JMH forks)</td>
 *       <td>60 s</td></tr>
 *   <tr><td>TimingFidelity</td><td>{@link TimingFidelityBenchmark}</td><td>-Xmx2g</td>
 *       <td>40 s</td></tr>
 *   <tr><td>ThroughputCeiling</td><td>{@link ThroughputCeilingBenchmark}</td><td>-Xmx2g</td>
 *       <td>20 s</td></tr>
 *   <tr><td>SimulatorCapacity</td><td>{@link SimulatorCapacityBenchmark}</td><td>-Xmx2g</td>
 *       <td>15 s</td></tr>
 *   <tr><td>Scale</td><td>{@link ScaleBenchmark}</td><td>-Xmx1g</td><td>30 s</td></tr>
 *   <tr><td>ClientBound</td><td>{@link ClientBoundBenchmark}</td><td>-Xmx2g</td>
 *       <td>15 s</td></tr>
 * </table>
 *
 * <pre>
 * java -cp CLASSPATH io.tokenmark.jmh.perf.PerfSuite [--benchmarks Scale,TimingFidelity]
 * </pre>
 *
 * <p>Each benchmark runs with its default settings; run its class directly to change them.
 * The exit status is 0 when every benchmark ran, whatever its verdicts, and 1 when one failed
 * to run.
 */
public final class PerfSuite {
    private static final Map<String, Child> BENCHMARKS = new LinkedHashMap<>();

    static {
        add(ParseCostBenchmark.NAME, ParseCostBenchmark.class);
        add(TimingFidelityBenchmark.NAME, TimingFidelityBenchmark.class, "-Xmx2g");
        add(ThroughputCeilingBenchmark.NAME, ThroughputCeilingBenchmark.class, "-Xmx2g");
        add(SimulatorCapacityBenchmark.NAME, SimulatorCapacityBenchmark.class, "-Xmx2g");
        add(ScaleBenchmark.NAME, ScaleBenchmark.class, "-Xmx1g");
        add(ClientBoundBenchmark.NAME, ClientBoundBenchmark.class, "-Xmx2g");
    }

    /** A benchmark's main class and the JVM options it runs with. */
    private record Child(Class<?> mainClass, List<String> jvmOptions) {
    }

    private PerfSuite() {
    }

    private static void add(String name, Class<?> mainClass, String... jvmOptions) {
        BENCHMARKS.put(name, new Child(mainClass, List.of(jvmOptions)));
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        List<String> names = PerfMain.settings("PerfSuite", args, arguments -> {
            PerfArgs parsed = new PerfArgs(arguments, Set.of("--benchmarks"));
            String text = parsed.text("--benchmarks", String.join(",", BENCHMARKS.keySet()));
            List<String> chosen = new ArrayList<>();
            for (String name : text.split(",")) {
                if (!BENCHMARKS.containsKey(name.strip())) {
                    throw new IllegalArgumentException("unknown benchmark '" + name.strip()
                            + "' in --benchmarks: use one or more of "
                            + String.join(",", BENCHMARKS.keySet()));
                }
                chosen.add(name.strip());
            }
            return chosen;
        });

        PrintStream out = System.out;
        List<String> figureRows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String name : names) {
            out.println("==== " + name + " ====");
            out.flush();
            int status = runChild(BENCHMARKS.get(name), figureRows, out);
            if (status != 0) {
                failed.add(name + " (exit status " + status + ")");
            }
        }

        out.println();
        out.println("==== All figures ====");
        int misses = 0;
        for (String row : figureRows) {
            out.println(row);
            if (row.endsWith("| MISS")) {
                misses++;
            }
        }
        out.println(misses + " of the figures with a target missed it"
                + (failed.isEmpty() ? "." : "; benchmarks that did not finish: " + failed));
        out.flush();
        System.exit(failed.isEmpty() ? 0 : 1);
    }

    /** Runs one benchmark, echoing its output and keeping its figure rows; returns its status. */
    private static int runChild(Child child, List<String> figureRows, PrintStream out)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(SimulatorProcess.javaExecutable());
        command.addAll(child.jvmOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(child.mainClass().getName());
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        process.getOutputStream().close();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.println(line);
                if (line.startsWith(FigureTable.ROW_PREFIX + " |")) {
                    figureRows.add(line);
                }
            }
        }
        return process.waitFor();
    }
}
