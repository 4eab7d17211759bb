package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenmark.jmh.testing.CliRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dataset files that cannot be used, through the command line: each run exits with status 2
 * before anything is sent, and the message names {@code --dataset-path}, the file, the line
 * where a line is at fault, and what to do.
 */
class DatasetFileErrorsTest {
    @TempDir
    Path folder;

    private CliRunner.Result run(String dataset, Path file) {
        return CliRunner.run("run", "--out", folder.resolve("out").toString(), "--dataset",
                dataset, "--dataset-path", file.toString(), "--number", "1");
    }

    private void assertRejected(CliRunner.Result result, String... fragments) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).as(result.toString()).contains("--dataset-path");
        for (String fragment : fragments) {
            assertThat(result.err()).as(result.toString()).contains(fragment);
        }
        assertThat(Files.exists(folder.resolve("out"))).as("run folder written").isFalse();
    }

    @Test
    void missingFileIsRejected() {
        Path missing = folder.resolve("missing.jsonl");

        assertRejected(run("jsonl", missing), missing.toString(), "file not found",
                "check the path");
    }

    @Test
    void folderIsRejected() throws IOException {
        Path directory = Files.createDirectories(folder.resolve("prompts"));

        assertRejected(run("lines", directory), directory.toString(), "is a folder");
    }

    @Test
    void fileWithoutReadPermissionIsRejected() throws IOException {
        // Root reads files whatever their permissions, so this case needs another user.
        assumeTrue(!"root".equals(System.getProperty("user.name")),
                "running as root, which ignores read permissions");
        Path locked = Files.writeString(folder.resolve("locked.txt"), "a prompt\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));

        assertRejected(run("lines", locked), locked.toString(), "permission denied",
                "make the file readable");
    }

    @Test
    void fileThatFailsToReadIsRejected() {
        // Reading /proc/self/mem from offset 0 fails with an I/O error on Linux: a file that
        // opens but cannot be read, even by root.
        Path unreadable = Path.of("/proc/self/mem");
        assumeTrue(Files.exists(unreadable), "no /proc/self/mem on this system");

        assertRejected(run("lines", unreadable), unreadable.toString(), "read failed",
                "check the file");
    }

    @Test
    void emptyJsonlFileIsRejected() throws IOException {
        Path empty = Files.writeString(folder.resolve("empty.jsonl"), "");

        assertRejected(run("jsonl", empty), empty.toString(), "no records");
    }

    @Test
    void blankLinesFileIsRejected() throws IOException {
        Path blank = Files.writeString(folder.resolve("blank.txt"), "\n  \n");

        assertRejected(run("lines", blank), blank.toString(), "no prompts");
    }

    @Test
    void emptyShareGptFileIsRejected() throws IOException {
        Path empty = Files.writeString(folder.resolve("empty.json"), "");

        assertRejected(run("sharegpt", empty), empty.toString(), "the file is empty");
    }

    @Test
    void malformedJsonlRecordNamesLine() throws IOException {
        Path file = Files.writeString(folder.resolve("bad.jsonl"),
                "{\"prompt\": \"one\"}\n{\"prompt\": \"two\"}\n{\"prompt\": \"three\"\n");

        assertRejected(run("jsonl", file), file + ":3:", "invalid JSON");
    }

    @Test
    void wrongJsonlShapeNamesLine() throws IOException {
        Path file = Files.writeString(folder.resolve("shape.jsonl"),
                "{\"prompt\": \"one\"}\n{\"prompt\": 42}\n");

        assertRejected(run("jsonl", file), file + ":2:", "\"prompt\"");
    }

    @Test
    void invalidUtf8NamesLine() throws IOException {
        Path file = folder.resolve("latin1.txt");
        Files.write(file, "first prompt\ncaf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));

        assertRejected(run("lines", file), file + ":2:", "invalid UTF-8", "save the file as UTF-8");
    }

    @Test
    void invalidUtf8InJsonlNamesLine() throws IOException {
        Path file = folder.resolve("latin1.jsonl");
        Files.write(file, "{\"prompt\": \"ok\"}\n{\"prompt\": \"caf\u00e9\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1));

        assertRejected(run("jsonl", file), file + ":2:", "invalid UTF-8");
    }
}
