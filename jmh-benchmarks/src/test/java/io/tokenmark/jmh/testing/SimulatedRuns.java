package io.tokenmark.jmh.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.jmh.cli.ExitCodes;
import io.tokenmark.jmh.report.RunData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Small real runs against the embedded simulator, written once per JVM for the comparison and
 * report tests: the fixed profile (50 ms to the first token, then 10 ms per token) at time scale
 * 1 ({@link #slow()}), and five times faster at 0.2 ({@link #fast()} with points c1 and c4,
 * {@link #middle()} with c2 only). Each point sends 8 requests of 32 input and 8 output tokens.
 * The folder is deleted when the JVM exits.
 *
 * <p>A first, unused run warms the JVM up, because the first requests of a fresh JVM are slowed
 * by class loading and compilation, and one such outlier among 8 requests can hide a
 * difference from the noise test.
 */
public final class SimulatedRuns {
    private static final Path OUT = createOut();
    private static boolean warm;
    private static RunData fast;
    private static RunData slow;
    private static RunData middle;

    private SimulatedRuns() {
    }

    /** Returns the parent folder of the run folders. */
    public static Path out() {
        return OUT;
    }

    public static synchronized RunData fast() {
        warmUp();
        if (fast == null) {
            fast = RunData.load(write(OUT, "fast", 0.2, "1,4"));
        }
        return fast;
    }

    public static synchronized RunData slow() {
        warmUp();
        if (slow == null) {
            slow = RunData.load(write(OUT, "slow", 1, "1,4"));
        }
        return slow;
    }

    public static synchronized RunData middle() {
        warmUp();
        if (middle == null) {
            middle = RunData.load(write(OUT, "middle", 0.2, "2"));
        }
        return middle;
    }

    /** Runs the fixed profile at {@code timeScale} and returns the run folder. */
    public static Path write(Path out, String label, double timeScale, String concurrency) {
        List<String> args = List.of("run", "--out", out.toString(), "--label", label,
                "--profile", "fixed", "--time-scale", Double.toString(timeScale),
                "--concurrency", concurrency, "--number", "8", "--input-tokens", "32",
                "--output-tokens", "8", "--progress", "off");
        CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        return out.resolve(label);
    }

    private static void warmUp() {
        if (!warm) {
            write(OUT.resolve("warm-up"), "warm-up", 0.2, "4");
            warm = true;
        }
    }

    private static Path createOut() {
        try {
            Path out = Files.createTempDirectory("tokenmark-runs");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(out)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary folder is harmless.
        }
    }
}
