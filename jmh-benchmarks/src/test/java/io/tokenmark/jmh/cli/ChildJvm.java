package io.tokenmark.jmh.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code tokenmark} command line in a child JVM, started with this test JVM's class path, so
 * tests can send it real signals.
 *
 * <p>Pitfall: a process started with SIGINT ignored (as a shell does for background jobs
 * without job control) passes that on, and a JVM that starts with SIGINT ignored never handles
 * it. Where this JVM ignores SIGINT, the child is started through {@code env
 * --default-signal=INT} (GNU coreutils 8.31 or later), which restores the default first.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        drain(process.getInputStream(), stdout, "child-stdout");
        drain(process.getErrorStream(), stderr, "child-stderr");
    }

    /** Starts {@code TokenMarkCommand} with {@code args} in {@code workingDirectory}. */
    static ChildJvm start(Path workingDirectory, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (sigintIgnored()) {
            command.addAll(List.of("env", "--default-signal=INT"));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(classPath());
        command.add(TokenMarkCommand.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.environment().remove("TOKENMARK_API_KEY");
        builder.environment().remove("OPENAI_API_KEY");
        return new ChildJvm(builder.start());
    }

    /** Returns the process id. */
    long pid() {
        return process.pid();
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -INT " + process.pid() + " failed");
        }
    }

    /**
     * Waits until a line of standard output or error matches, and returns it.
     *
     * @throws AssertionError with both outputs when no line matches in time or the process ends
     */
    String awaitLine(Predicate<String> matcher, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (List<String> lines : List.of(stdout, stderr)) {
                for (String line : lines) {
                    if (matcher.test(line)) {
                        return line;
                    }
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching line within " + timeout + "; " + output());
    }

    /** Waits for the process to end and returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child JVM did not exit within " + timeout + "; "
                    + output());
        }
        return process.exitValue();
    }

    /** Returns both outputs so far, for failure messages. */
    String output() {
        return "--- stdout ---\n" + String.join("\n", stdout) + "\n--- stderr ---\n"
                + String.join("\n", stderr);
    }

    String stdout() {
        return String.join("\n", stdout);
    }

    String stderr() {
        return String.join("\n", stderr);
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Returns the test class path: Surefire puts it in {@code surefire.test.class.path}, because
     * its own {@code java.class.path} may be a jar whose manifest lists the entries.
     */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank()
                ? surefire : System.getProperty("java.class.path");
    }

    /** Returns whether this JVM started with SIGINT ignored, from Linux's /proc. */
    private static boolean sigintIgnored() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (mask & (1L << (2 - 1))) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    private static void drain(java.io.InputStream stream, List<String> lines, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(" + name + " closed: " + e + ")");
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public String toString() {
        return "ChildJvm[pid " + process.pid() + "]";
    }
}
