package io.tokenmark.jmh.perf;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine and JVM a benchmark ran on, printed before its figures so that a reader can tell
 * whether two results are comparable: processors, CPU model, JVM, heap limit and the load
 * average when the benchmark started. A load average near or above the processor count means
 * other processes competed for the cores.
 */
public final class MachineDescription {
    private MachineDescription() {
    }

    /** Prints the description, one {@code machine:} line per fact. */
    public static void print(PrintStream out) {
        out.println("machine: " + Runtime.getRuntime().availableProcessors() + " processors, "
                + cpuModel() + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.println("machine: JVM " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + "), max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        printLoadAverage(out, "start");
    }

    /**
     * Prints the one-minute load average, such as {@code machine: load average (1 min) at end
     * 1.05}; call it after the figures to show whether the load changed during the run.
     */
    public static void printLoadAverage(PrintStream out, String when) {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.println("machine: load average (1 min) at " + when + " "
                + (load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load)));
        out.flush();
    }

    /** Returns the first {@code model name} of {@code /proc/cpuinfo}, or {@code CPU model unknown}. */
    static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the os line still names the architecture.
        }
        return "CPU model unknown";
    }
}
