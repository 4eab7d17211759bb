package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.metric.ClientHealth;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-bound flag end to end, through {@code BenchmarkRun}, the Netty client's busy-time
 * accounting, the summary file and the console table.
 */
@Tag("slow")
class ClientBoundFlagTest {
    @TempDir
    Path folder;

    @Test
    void overloadedClientIsFlaggedInConsoleAndFile() throws InterruptedException {
        ClientBoundBenchmark.Outcome outcome =
                ClientBoundBenchmark.runOverloaded(folder, 1500, 200);

        ClientHealth written = outcome.written().clientHealth();
        assertThat(written.clientBound()).isTrue();
        assertThat(written.clientBoundReasons()).isNotEmpty();
        assertThat(written.eventLoopBusyShare()).isBetween(0.0, 1.0);
        assertThat(outcome.consoleText()).contains("WARNING: client-bound: "
                + written.clientBoundReasons().get(0));
        assertThat(outcome.consoleText()).contains("Client: schedule lag p99 ");
    }

    @Test
    void lightRunReportsLowBusyShare() throws InterruptedException {
        ClientBoundBenchmark.Outcome outcome = ClientBoundBenchmark.runLight(folder);

        double busyShare = outcome.written().clientHealth().eventLoopBusyShare();
        assertThat(busyShare).isGreaterThan(0.0);
        assertThat(busyShare).isLessThan(ClientHealth.EVENT_LOOP_BUSY_SHARE_LIMIT);
        assertThat(outcome.written().clientHealth().clientBoundReasons())
                .noneMatch(reason -> reason.startsWith("event-loop busy share"));
        assertThat(outcome.summary().succeededRequests()).isEqualTo(200);
    }
}
