package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RunMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Mode;

class RunFolderTest {
    @TempDir
    Path out;

    private static RunMetadata trial(String load) {
        return new RunMetadata("ep8", Instant.parse("2025-06-01T12:00:00Z"), null,
                "http://127.0.0.1:8000/v1", "m", "chat", "ep8", "fixed prompt", load, Slo.none(),
                new RunMetadata.Host("jvm", "os", 2, 1 << 30), Map.of("run_id", "r1"));
    }

    private OutputLayout layoutWithEarlierRun(String invocation) throws IOException {
        OutputLayout layout = OutputLayout.of(out, "ep8");
        RunFolder.open(layout, invocation).writeMetadata(trial("c1: closed loop"));
        Files.writeString(layout.requestsFile(), "{}\n");
        Files.writeString(layout.pointSummaryFile("c1"), "{}");
        Files.writeString(layout.runDirectory().resolve("notes.txt"), "mine");
        return layout;
    }

    @Test
    void openClearsRunOfAnotherInvocation() throws IOException {
        OutputLayout layout = layoutWithEarlierRun("100@2025-06-01T12:00:00Z");

        RunFolder.open(layout, "200@2025-06-01T13:00:00Z");

        assertThat(layout.runFile()).doesNotExist();
        assertThat(layout.requestsFile()).doesNotExist();
        assertThat(layout.pointSummaryFile("c1")).doesNotExist();
        assertThat(layout.runDirectory().resolve("notes.txt")).exists();
    }

    @Test
    void openKeepsRunOfSameInvocation() throws IOException {
        OutputLayout layout = layoutWithEarlierRun("100@2025-06-01T12:00:00Z");

        RunFolder.open(layout, "100@2025-06-01T12:00:00Z");

        assertThat(layout.requestsFile()).exists();
        assertThat(layout.pointSummaryFile("c1")).exists();
    }

    @Test
    void claimPointLabelAddsSuffixWhenSummaryExists() throws IOException {
        OutputLayout layout = layoutWithEarlierRun("100@x");
        RunFolder folder = RunFolder.open(layout, "100@x");

        assertThat(folder.claimPointLabel("c4")).isEqualTo("c4");
        assertThat(folder.claimPointLabel("c1")).isEqualTo("c1-2");
    }

    @Test
    void writeMetadataAppendsLoadOfLaterTrials() throws IOException {
        OutputLayout layout = layoutWithEarlierRun("100@x");

        RunMetadata written = RunFolder.open(layout, "100@x").writeMetadata(trial("c4: closed loop"));

        assertThat(written.load()).isEqualTo("c1: closed loop; c4: closed loop");
        assertThat(RunMetadata.read(layout.runFile()).load()).isEqualTo(written.load());
        assertThat(written.settings()).containsEntry(RunFolder.SETTING_INVOCATION, "100@x");
    }

    @Test
    void invocationOfForkedTrialIsParentProcess() {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();

        assertThat(RunFolder.invocationOf(TestParams.of(Mode.Throughput, 1, 1, 1)))
                .startsWith(parent + "@");
        assertThat(RunFolder.invocationOf(TestParams.of(Mode.Throughput, 0, 1, 1)))
                .startsWith(ProcessHandle.current().pid() + "@");
    }

    @Test
    void defaultLabelIsClassAndMethod() {
        assertThat(Harness.defaultLabel(TestParams.of(Mode.Throughput)))
                .isEqualTo("ExampleBenchmark.request");
    }
}
