package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.report.RequestLogReader;
import io.tokenmark.core.report.SummaryReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C as a user sends it: SIGINT to a real {@code tokenmark run} process during the second
 * sweep point. The process exits with status 130 after writing the finished point and the cut
 * one ({@code complete: false}); {@code run --resume}, also as a process, keeps the first point,
 * repeats the cut one and finishes the sweep.
 */
@Timeout(180)
@Tag("slow")
class InterruptResumeProcessTest {
    @TempDir
    Path folder;

    @Test
    void sigintThenResumeFinishesRun() throws Exception {
        Path run = folder.resolve("results").resolve("cut");
        int interruptedExit;
        String interruptedOutput;
        try (ChildJvm child = ChildJvm.start(folder, "run", "--out", "results", "--label", "cut",
                "--time-scale", "0.2", "--concurrency", "1,2,4", "--number", "3,200,10",
                "--input-tokens", "32", "--output-tokens", "8", "--progress", "plain",
                "--progress-interval", "100ms", "--stop-grace", "2s")) {
            child.awaitLine(line -> line.startsWith("Point c2:"), Duration.ofSeconds(90));
            child.awaitLine(line -> line.startsWith("c2 ") && !line.startsWith("c2  0/"),
                    Duration.ofSeconds(30));

            child.interrupt();
            interruptedExit = child.awaitExit(Duration.ofSeconds(60));
            interruptedOutput = child.output();
        }

        assertThat(interruptedExit).as(interruptedOutput).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(interruptedOutput).contains("Stopping:", "complete: false",
                "java -jar tokenmark.jar run --resume " + run.toAbsolutePath());
        List<Summary> cut = SummaryReader.readRunSummary(run.resolve("summary.json"));
        assertThat(cut).extracting(s -> s.load().label() + ":" + s.complete())
                .containsExactly("c1:true", "c2:false");
        assertThat(cut.get(1).totalRequests()).isBetween(1L, 199L);
        assertThat(Files.exists(run.resolve("summary-c4.json"))).isFalse();
        long linesBeforeResume = RequestLogReader.read(run.resolve("requests.jsonl")).size();
        assertThat(linesBeforeResume).isEqualTo(3 + cut.get(1).totalRequests());

        int resumedExit;
        String resumedOutput;
        try (ChildJvm child = ChildJvm.start(folder, "run", "--resume", "results/cut",
                "--progress", "off")) {
            resumedExit = child.awaitExit(Duration.ofSeconds(90));
            resumedOutput = child.output();
        }

        assertThat(resumedExit).as(resumedOutput).isEqualTo(ExitCodes.OK);
        assertThat(resumedOutput).contains("Point c1 is already complete", "Point c2:",
                "Point c4:");
        List<Summary> done = SummaryReader.readRunSummary(run.resolve("summary.json"));
        assertThat(done).extracting(s -> s.load().label() + ":" + s.complete())
                .containsExactly("c1:true", "c2:true", "c4:true");
        assertThat(done).extracting(Summary::totalRequests).containsExactly(3L, 200L, 10L);
        List<RequestLogEntry> requests = RequestLogReader.read(run.resolve("requests.jsonl"));
        assertThat(requests).hasSize(213);
        Set<Long> ids = requests.stream().map(RequestLogEntry::requestId).collect(Collectors.toSet());
        assertThat(ids).hasSize(213);
        assertThat(Files.readAllLines(run.resolve("requests.interrupted.jsonl")))
                .hasSize((int) cut.get(1).totalRequests());
    }
}
