package io.tokenmark.jmh.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link SoakMain} twice in child JVMs with a 1 GiB heap, first with paranoid leak detection
 * (no leak may be reported), then with leak detection disabled (the heap must stay flat), and
 * prints their figures. Together they take about six minutes, so they run only when the system
 * property {@code tokenmark.soak} is {@code true}, as {@code .ci/run} sets it:
 *
 * <pre>
 * mvn -B -pl jmh-benchmarks -am test -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtokenmark.soak=true
 * </pre>
 *
 * {@code -Dtokenmark.soak.seconds=N} shortens or lengthens each load (default 120).
 */
@Tag("soak")
@EnabledIfSystemProperty(named = "tokenmark.soak", matches = "true")
class SoakTest {
    @TempDir
    Path folder;

    @Test
    void soakWithParanoidLeakDetectionLeaksNothing() throws Exception {
        String stdout = soak("paranoid");

        assertThat(stdout).contains("figure leak_detection PARANOID");
        assertThat(stdout).contains("figure leak_reports 0");
    }

    @Test
    void soakWithoutLeakTrackingKeepsHeapFlat() throws Exception {
        String stdout = soak("disabled");

        assertThat(stdout).contains("figure leak_detection DISABLED");
        assertThat(stdout).contains("figure heap_slope_mib_per_minute");
    }

    private String soak(String leakDetection) throws Exception {
        int seconds = Integer.getInteger("tokenmark.soak.seconds", 120);
        ChildJvm.Output output = ChildJvm.run(folder, SoakMain.class,
                List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError",
                        "-Dio.netty.leakDetection.level=" + leakDetection),
                Map.of(), List.of(Integer.toString(seconds), "1000",
                        folder.resolve("out").toString()),
                Duration.ofSeconds(seconds + 300));

        System.out.println("Soak with leak detection " + leakDetection + ":\n" + output.stdout());
        assertThat(output.exitCode()).as(output.stdout() + tail(output.stderr())).isZero();
        assertThat(output.stdout()).contains("SOAK PASSED");
        return output.stdout();
    }

    private static String tail(String text) {
        return text.length() <= 20_000 ? text : text.substring(text.length() - 20_000);
    }
}
