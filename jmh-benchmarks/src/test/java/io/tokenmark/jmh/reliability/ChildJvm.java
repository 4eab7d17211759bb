package io.tokenmark.jmh.reliability;

import io.tokenmark.simulator.SimulatorOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a main class of the test classpath in a new JVM. A test needs one for what it cannot
 * control in its own JVM: heap and direct-memory caps, JVM flags read once at startup (leak
 * detection, the hosts file, the log level), environment variables, and a clean heap to measure.
 */
final class ChildJvm {
    /** A host file that resolves only {@code localhost}, so no lookup leaves the host. */
    static final String LOOPBACK_HOSTS = "127.0.0.1 localhost\n";

    private ChildJvm() {
    }

    /**
     * What the child left.
     *
     * @param exitCode the exit status
     * @param stdout everything the child wrote to standard output
     * @param stderr everything the child wrote to standard error, logs included
     */
    record Output(int exitCode, String stdout, String stderr) {
        /** Returns standard output and standard error together. */
        String console() {
            return stdout + stderr;
        }
    }

    /**
     * Runs {@code mainClass} with the test's classpath and waits for it.
     *
     * @param folder where the child's output files go
     * @param jvmOptions options before the class name, such as {@code -Xmx64m}
     * @param environment variables added to the child's environment; the API key variables
     *     {@code TOKENMARK_API_KEY} and {@code OPENAI_API_KEY} are removed first, so a key in
     *     the test's own environment never reaches the child
     * @param arguments the program arguments
     * @throws AssertionError if the child does not exit within {@code timeout}; it is killed
     */
    static Output run(Path folder, Class<?> mainClass, List<String> jvmOptions,
            Map<String, String> environment, List<String> arguments, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(jvmOptions);
        command.add(mainClass.getName());
        command.addAll(arguments);

        Files.createDirectories(folder);
        Path stdout = Files.createTempFile(folder, mainClass.getSimpleName(), ".out");
        Path stderr = Files.createTempFile(folder, mainClass.getSimpleName(), ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().remove("TOKENMARK_API_KEY");
        builder.environment().remove("OPENAI_API_KEY");
        builder.environment().putAll(environment);

        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(mainClass.getSimpleName() + " did not finish within "
                    + timeout + "; its output:\n" + Files.readString(stdout, StandardCharsets.UTF_8)
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        return new Output(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /**
     * Returns the JVM options of a short run of the JMH main command
     * ({@code io.tokenmark.jmh.main.MainCommand}) against {@code url}: concurrency 2, no warm-up,
     * one 1-second iteration in the command's own JVM, results under {@code out}. JMH's lock file
     * is ignored, so another JMH run on the machine does not block the test.
     */
    static List<String> jmhMainCommandOptions(String url, Path out) {
        return List.of("-Djmh.ignoreLock=true",
                "-Dtokenmark.url=" + url,
                "-Dtokenmark.model=" + SimulatorOptions.DEFAULT_MODEL,
                "-Dtokenmark.concurrency=2",
                "-Dtokenmark.warmup-iterations=0",
                "-Dtokenmark.iterations=1",
                "-Dtokenmark.iteration-seconds=1",
                "-Dtokenmark.forks=0",
                "-Dtokenmark.input-tokens=16",
                "-Dtokenmark.output-tokens=4",
                "-Dtokenmark.label=jmh",
                "-Dtokenmark.out=" + out);
    }

    /** Writes {@link #LOOPBACK_HOSTS} to a file and returns the JVM option that uses it. */
    static String loopbackHostsOption(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path hosts = folder.resolve("hosts");
        Files.writeString(hosts, LOOPBACK_HOSTS, StandardCharsets.US_ASCII);
        return "-Djdk.net.hosts.file=" + hosts;
    }
}
