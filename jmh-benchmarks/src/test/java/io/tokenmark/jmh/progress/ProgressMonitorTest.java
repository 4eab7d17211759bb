package io.tokenmark.jmh.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.run.BenchmarkRun;
import io.tokenmark.core.run.RunOutcome;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.Sweep;
import io.tokenmark.core.workload.FixedPromptWorkload;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The progress display of a real run against the simulator over 127.0.0.1. */
@Timeout(60)
class ProgressMonitorTest {
    private static final Pattern LINE = Pattern.compile(
            "c2  (\\d+)/40 requests \\[\\d+:\\d\\d<([^]]+)]  (\\d+) in flight  (\\S+) req/s"
                    + "  (\\S+) tok/s  (\\d+) errors?");

    @TempDir
    Path folder;

    private List<String> runWithProgress() throws InterruptedException {
        StringWriter text = new StringWriter();
        ProgressConsole console = ProgressConsole.plain(new PrintWriter(text, true));
        AtomicReference<BenchmarkRun> running = new AtomicReference<>();
        ProgressMonitor monitor = new ProgressMonitor(console,
                () -> running.get() == null ? Optional.empty() : running.get().currentPoint(),
                Duration.ofMillis(40));
        try (Simulator simulator = Simulator.start(SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(20), Duration.ofMillis(5))).build());
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(simulator.baseUrl()).model(simulator.modelName())
                                .ioThreads(1).build())) {
            BenchmarkRun run = BenchmarkRun.builder()
                    .client(client)
                    .workload(new FixedPromptWorkload("Count to ten.", 10))
                    .sweep(Sweep.of(LoadPoint.closedLoop(2).requests(40).build()))
                    .layout(OutputLayout.of(folder, "progress"))
                    .metadata(new RunMetadata("progress", Instant.now(), "test",
                            simulator.baseUrl().toString(), simulator.modelName(), "chat",
                            "fixed", "fixed prompt", "closed loop, concurrency 2", Slo.none(),
                            RunMetadata.Host.current(), Map.of()))
                    .observer(monitor)
                    .build();
            running.set(run);
            assertThat(run.run().outcome()).isEqualTo(RunOutcome.COMPLETED);
        } finally {
            monitor.close();
        }
        return List.of(text.toString().split("\\R"));
    }

    @Test
    void monitorShowsLiveCountsOfRunningPoint() throws InterruptedException {
        List<String> lines = runWithProgress();

        List<Integer> done = new ArrayList<>();
        boolean rateShown = false;
        boolean etaShown = false;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("progress line '%s'", line).isTrue();
            done.add(Integer.parseInt(m.group(1)));
            assertThat(Integer.parseInt(m.group(3))).isBetween(0, 2);
            assertThat(m.group(6)).isEqualTo("0");
            rateShown |= !m.group(4).equals("-") && Double.parseDouble(m.group(4)) > 0;
            etaShown |= !m.group(2).equals("?");
        }
        assertThat(done).isNotEmpty().isSorted();
        assertThat(done.get(done.size() - 1)).isBetween(1, 40);
        assertThat(rateShown).as("a positive request rate in %s", lines).isTrue();
        assertThat(etaShown).as("an estimate in %s", lines).isTrue();
    }
}
