package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.jmh.testing.CliRunner;
import io.tokenmark.jmh.testing.SimulatedRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokenmark compare} and {@code tokenmark report} through the command line. */
class CompareAndReportCommandTest {
    @TempDir
    Path folder;

    private static String dir(io.tokenmark.jmh.report.RunData run) {
        return run.directory().toString();
    }

    @Test
    void comparePrintsTablePerPointWithBetterRun() {
        CliRunner.Result result = CliRunner.run("compare", dir(SimulatedRuns.slow()),
                dir(SimulatedRuns.fast()));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("c1: closed loop, concurrency 1 (slow: 8 requests,"
                + " 0 failed; fast: 8 requests, 0 failed)", "c4: closed loop, concurrency 4",
                "| Metric", " slow |", " fast |", "Better by", "Beyond noise",
                "Welch's t-test");
        String ttftRow = result.out().lines().filter(line -> line.startsWith("| Mean TTFT"))
                .findFirst().orElseThrow();
        assertThat(ttftRow).containsPattern("\\|\\s+fast \\|").contains("yes (p");
    }

    @Test
    void compareNeedsTwoFolders() {
        CliRunner.Result result = CliRunner.run("compare", dir(SimulatedRuns.fast()));

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("missing run folders", "at least 2");
    }

    @Test
    void compareRejectsFolderWithoutRun() throws IOException {
        Path empty = Files.createDirectories(folder.resolve("empty"));

        CliRunner.Result result = CliRunner.run("compare", dir(SimulatedRuns.fast()),
                empty.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("invalid run folder", empty.toString(),
                "contains no run.json");
    }

    @Test
    void compareRejectsMissingFolder() {
        CliRunner.Result result = CliRunner.run("compare", dir(SimulatedRuns.fast()),
                "/no/such/run");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("'/no/such/run'", "no such run folder");
    }

    @Test
    void reportWritesHtmlFile() throws IOException {
        Path file = folder.resolve("report.html");

        CliRunner.Result result = CliRunner.run("report", dir(SimulatedRuns.slow()),
                dir(SimulatedRuns.fast()), "--output", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("Wrote " + file);
        assertThat(Files.readString(file)).startsWith("<!DOCTYPE html>")
                .contains("TokenMark report: slow vs fast");
    }

    @Test
    void reportWritesBesideRunFoldersByDefault() {
        CliRunner.Result result = CliRunner.run("report", dir(SimulatedRuns.middle()));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        assertThat(Files.exists(SimulatedRuns.out().resolve(ReportCommand.DEFAULT_FILE))).isTrue();
    }

    @Test
    void reportRejectsFolderAsOutput() {
        CliRunner.Result result = CliRunner.run("report", dir(SimulatedRuns.fast()), "--output",
                folder.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--output", folder.toString(), "it is a folder");
    }

    @Test
    void reportNeedsFolder() {
        CliRunner.Result result = CliRunner.run("report");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("missing run folders", "at least 1");
    }
}
