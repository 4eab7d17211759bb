package io.tokenmark.jmh.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.report.RequestLogReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams that never end, run by {@link BoundedMemoryMain} in a child JVM capped at 64 MiB of
 * heap and 64 MiB of direct memory, which exits on the first {@code OutOfMemoryError}. An endless
 * stream must end at the total deadline and an endless event at the event size limit, each
 * with a clear error, and the JVM must survive. The child prints its peak memory; this test
 * passes the figures on to the console.
 */
class BoundedResourcesTest {
    private static final List<String> CAPPED_JVM = List.of("-Xmx64m",
            "-XX:MaxDirectMemorySize=64m", "-XX:+ExitOnOutOfMemoryError");

    @TempDir
    Path folder;

    @Test
    void endlessStreamEndsAtTotalDeadline() throws Exception {
        List<RequestLogEntry> lines = runCapped("endless");

        assertThat(lines).hasSize(BoundedMemoryMain.REQUESTS);
        for (RequestLogEntry line : lines) {
            assertThat(line.error()).isEqualTo("cancelled");
            assertThat(line.errorMessage()).contains("passed its total deadline of "
                    + BoundedMemoryMain.DEADLINE_MILLIS + " ms");
            assertThat(line.httpStatus()).isEqualTo(200);
            assertThat(line.tokenEvents()).as("token events read before the deadline")
                    .isGreaterThan(1_000);
        }
    }

    @Test
    void endlessEventEndsAtSizeLimit() throws Exception {
        List<RequestLogEntry> lines = runCapped("huge-event");

        assertThat(lines).hasSize(BoundedMemoryMain.REQUESTS);
        for (RequestLogEntry line : lines) {
            assertThat(line.error()).isEqualTo("malformed_event");
            assertThat(line.errorMessage())
                    .contains("SSE event exceeds the limit of " + 16 * 1024 * 1024 + " bytes");
            assertThat(line.tokenEvents()).isZero();
        }
    }

    private List<RequestLogEntry> runCapped(String scenario) throws Exception {
        Path out = folder.resolve("out");
        ChildJvm.Output output = ChildJvm.run(folder, BoundedMemoryMain.class, CAPPED_JVM,
                Map.of(), List.of(scenario, out.toString()), Duration.ofMinutes(2));

        System.out.println("Bounded memory, scenario " + scenario + ":\n" + output.stdout());
        assertThat(output.exitCode()).as(output.console()).isZero();
        assertThat(output.stdout()).contains("run " + scenario + " COMPLETED");
        assertThat(output.stdout()).contains("figure peak_heap_used_mib");
        return RequestLogReader.read(OutputLayout.of(out, scenario).requestsFile());
    }
}
