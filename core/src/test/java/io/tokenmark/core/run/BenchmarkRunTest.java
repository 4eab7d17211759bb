package io.tokenmark.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.report.RequestLogReader;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.core.sampler.DelayedResponseClient;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.NumberedWorkload;
import io.tokenmark.core.sampler.Sweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkRunTest {
    @TempDir
    Path out;

    private static RunMetadata metadata(String label) {
        return new RunMetadata(label, Instant.now(), "test", "http://127.0.0.1:1/v1", "m", "chat",
                null, "numbered", "closed loop, concurrency 1,2", Slo.none(),
                RunMetadata.Host.current(), Map.of("warmup", "0"));
    }

    private static Sweep sweep(int requestsPerPoint, int... users) {
        return Sweep.concurrencies(LoadPoint.closedLoop(1).requests(requestsPerPoint).build(), users);
    }

    private BenchmarkRun.Builder run(DelayedResponseClient client, Sweep sweep) {
        return BenchmarkRun.builder()
                .client(client)
                .workload(new NumberedWorkload(8))
                .sweep(sweep)
                .layout(OutputLayout.of(out, "base"))
                .metadata(metadata("base"));
    }

    @Test
    void runWritesOneSummaryPerPointAndEveryRequestLine() throws Exception {
        try (DelayedResponseClient client = DelayedResponseClient.withDelay(Duration.ofMillis(5))) {
            RunResult result = run(client, sweep(6, 1, 2)).build().run();

            assertThat(result.outcome()).isEqualTo(RunOutcome.COMPLETED);
            assertThat(result.summaries()).extracting(s -> s.load().label())
                    .containsExactly("c1", "c2");
        }
        OutputLayout layout = OutputLayout.of(out, "base");
        assertThat(SummaryReader.readPoint(layout.pointSummaryFile("c1")).totalRequests())
                .isEqualTo(6);
        assertThat(SummaryReader.readPoint(layout.pointSummaryFile("c2")).complete()).isTrue();
        List<RequestLogEntry> lines = RequestLogReader.read(layout.requestsFile());
        assertThat(lines).hasSize(12);
        assertThat(lines.stream().map(RequestLogEntry::requestId).collect(Collectors.toSet()))
                .hasSize(12);
        assertThat(RunMetadata.read(layout.runFile()).settings())
                .containsKeys(BenchmarkRun.SETTING_RUN_ID, BenchmarkRun.SETTING_SEED);
    }

    @Test
    void newRunRejectsFolderHoldingRun() throws Exception {
        try (DelayedResponseClient client = DelayedResponseClient.withDelay(Duration.ofMillis(1))) {
            run(client, sweep(1, 1)).build().run();

            assertThatThrownBy(() -> run(client, sweep(1, 1)).build().run())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already contains a run")
                    .hasMessageContaining("resume");
        }
    }

    @Test
    void stopMarksCutPointIncompleteAndSkipsRest() throws Exception {
        try (DelayedResponseClient client = DelayedResponseClient.neverResponding()) {
            BenchmarkRun run = run(client, sweep(4, 2, 4)).build();
            Thread stopper = new Thread(() -> {
                sleep(200);
                run.stop(Duration.ofMillis(50));
            });
            stopper.start();

            RunResult result = run.run();
            stopper.join();

            assertThat(result.outcome()).isEqualTo(RunOutcome.STOPPED);
            assertThat(result.summaries()).hasSize(1);
            Summary cut = result.summaries().get(0);
            assertThat(cut.complete()).isFalse();
            assertThat(cut.failuresByError()).containsEntry("cancelled", 2L);
        }
        OutputLayout layout = OutputLayout.of(out, "base");
        assertThat(Files.exists(layout.pointSummaryFile("c2"))).isTrue();
        assertThat(Files.exists(layout.pointSummaryFile("c4"))).isFalse();
    }

    @Test
    void resumeSkipsCompletePointsAndRepeatsCutOne() throws Exception {
        OutputLayout layout = OutputLayout.of(out, "base");
        try (DelayedResponseClient client = DelayedResponseClient.withDelay(Duration.ofMillis(2))) {
            run(client, sweep(3, 1)).build().run();
        }
        try (DelayedResponseClient stuck = DelayedResponseClient.neverResponding()) {
            // The same run continued with a second point that gets cut.
            BenchmarkRun second = run(stuck, sweep(3, 1, 2)).resume(true).build();
            Thread stopper = new Thread(() -> {
                sleep(200);
                second.stop(Duration.ZERO);
            });
            stopper.start();
            assertThat(second.run().outcome()).isEqualTo(RunOutcome.STOPPED);
            stopper.join();
        }
        long linesBeforeResume = RequestLogReader.read(layout.requestsFile()).size();

        try (DelayedResponseClient client = DelayedResponseClient.withDelay(Duration.ofMillis(2))) {
            RunResult resumed = run(client, sweep(3, 1, 2)).resume(true).build().run();

            assertThat(resumed.outcome()).isEqualTo(RunOutcome.COMPLETED);
            assertThat(resumed.summaries()).extracting(s -> s.load().label()).containsExactly("c2");
        }
        List<RequestLogEntry> lines = RequestLogReader.read(layout.requestsFile());
        assertThat(linesBeforeResume).isEqualTo(5);
        assertThat(lines).hasSize(6);
        Set<Long> ids = lines.stream().map(RequestLogEntry::requestId).collect(Collectors.toSet());
        assertThat(ids).hasSize(6);
        assertThat(Files.readAllLines(layout.runDirectory()
                .resolve(RunResumption.INTERRUPTED_REQUESTS_FILE))).hasSize(2);
        assertThat(SummaryReader.readRunSummary(layout.runSummaryFile()))
                .extracting(s -> s.load().label() + ":" + s.complete())
                .containsExactly("c1:true", "c2:true");
    }

    @Test
    void resumeRejectsFolderWithoutRun() {
        try (DelayedResponseClient client = DelayedResponseClient.withDelay(Duration.ofMillis(1))) {
            assertThatThrownBy(() -> run(client, sweep(1, 1)).resume(true).build().run())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot resume")
                    .hasMessageContaining("run.json");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
