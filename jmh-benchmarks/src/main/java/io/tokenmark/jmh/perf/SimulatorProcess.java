package io.tokenmark.jmh.perf;

import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A simulator in a JVM of its own, for benchmarks whose client needs the whole JVM: the
 * 10,000-stream run would otherwise hold 20,000 sockets in one process, above the usual limit
 * on open files.
 *
 * <p>{@link #main} starts a simulator with the {@code fixed} profile on a free port of
 * 127.0.0.1, prints {@code port <n>} on standard output, and serves until its standard input
 * ends, which happens when the parent exits or closes the pipe. {@link #start} runs that
 * {@code main} in a child process of the same class path and waits for the port.
 */
public final class SimulatorProcess implements AutoCloseable {
    private static final String PORT_LINE = "port ";

    private final Process process;
    private final int port;

    private SimulatorProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts a child JVM serving the {@code fixed} profile and waits up to 60 s for its port.
     *
     * @param heap the child's {@code -Xmx} value, such as {@code 2g}
     * @param ttftMillis time to first token, in ms
     * @param itlMillis time between token events, in ms
     * @throws IOException if the child cannot be started or exits before printing its port
     */
    public static SimulatorProcess start(String heap, double ttftMillis, double itlMillis)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-Xmx" + heap);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SimulatorProcess.class.getName());
        command.add("--ttft-ms");
        command.add(Double.toString(ttftMillis));
        command.add("--itl-ms");
        command.add(Double.toString(itlMillis));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();

        BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith(PORT_LINE)) {
                return new SimulatorProcess(process,
                        Integer.parseInt(line.substring(PORT_LINE.length()).strip()));
            }
        }
        process.destroyForcibly();
        throw new IOException("the simulator process exited with code " + exitCode(process)
                + " before printing its port; its error output is above");
    }

    /** Returns the base URL of the child's OpenAI API. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port + "/v1");
    }

    /** Returns the model name the child serves. */
    public String modelName() {
        return SimulatorOptions.DEFAULT_MODEL;
    }

    /** Ends the child by closing its input, and kills it if it has not exited within 10 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String exitCode(Process process) {
        try {
            return process.waitFor(5, TimeUnit.SECONDS)
                    ? Integer.toString(process.exitValue()) : "unknown (still running)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Runs the child: serves until standard input ends. */
    public static void main(String[] args) throws IOException {
        PerfArgs parsed = new PerfArgs(args, Set.of("--ttft-ms", "--itl-ms"));
        double ttftMillis = parsed.positiveDouble("--ttft-ms", 50);
        double itlMillis = parsed.positiveDouble("--itl-ms", 20);
        SimulatorOptions options = SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofNanos(Math.round(ttftMillis * 1e6)),
                        Duration.ofNanos(Math.round(itlMillis * 1e6))))
                .groundTruthCapacity(0)
                .build();
        try (Simulator simulator = Simulator.start(options)) {
            PrintStream out = System.out;
            out.println(PORT_LINE + simulator.port());
            out.flush();
            while (System.in.read() >= 0) {
                // Serve until the parent closes the pipe or exits.
            }
        }
    }

    /** Returns the {@code java} launcher of the running JVM. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
