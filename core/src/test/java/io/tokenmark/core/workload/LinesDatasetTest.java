package io.tokenmark.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.tokenizer.SharedQwen3;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinesDatasetTest {
    private final Tokenizer qwen3 = SharedQwen3.tokenizer();

    @TempDir
    Path folder;

    @Test
    void eachNonBlankLineIsPrompt() throws IOException {
        Path file = write("prompts.txt", "First prompt\r\n\n   \nSecond  prompt  \nlast without newline");

        DatasetWorkload workload = DatasetWorkload.builder(DatasetFormat.LINES, file)
                .tokenizer(qwen3).outputTokens(32).build();

        assertThat(workload.size()).isEqualTo(3);
        assertThat(workload.get(0).messages()).containsExactly(ChatMessage.user("First prompt"));
        assertThat(workload.get(1).messages().get(0).content()).isEqualTo("Second  prompt  ");
        assertThat(workload.get(2).messages().get(0).content()).isEqualTo("last without newline");
        assertThat(workload.get(2).maxTokens()).isEqualTo(32);
        assertThat(workload.get(0).expectedInputTokens())
                .isEqualTo(qwen3.countChatPrompt(workload.get(0).messages()));
    }

    @Test
    void completionsApiCountsPrompt() throws IOException {
        Path file = write("prompts.txt", "Hello, world!\n");

        RequestSpec spec = DatasetWorkload.builder(DatasetFormat.LINES, file)
                .tokenizer(qwen3).api(ApiKind.COMPLETIONS).build().get(0);

        assertThat(spec.prompt()).isEqualTo("Hello, world!");
        assertThat(spec.expectedInputTokens()).isEqualTo(4);
    }

    @Test
    void shuffleWithSeedReordersLines() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            text.append("prompt ").append(i).append('\n');
        }
        Path file = write("prompts.txt", text.toString());

        DatasetWorkload shuffled = DatasetWorkload.builder(DatasetFormat.LINES, file).shuffle(true).seed(3).build();
        DatasetWorkload again = DatasetWorkload.builder(DatasetFormat.LINES, file).shuffle(true).seed(3).build();

        boolean moved = false;
        for (int i = 0; i < shuffled.size(); i++) {
            assertThat(again.get(i).messages()).isEqualTo(shuffled.get(i).messages());
            moved |= shuffled.get(i).datasetIndex() != i;
        }
        assertThat(moved).isTrue();
    }

    @Test
    void invalidUtf8NamesLine() throws IOException {
        Path file = folder.resolve("latin1.txt");
        Files.write(file, JsonlDatasetTest.concat("ok\nsecond ok\ncaf".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xE9, '\n'}));

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.LINES, file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ":3: invalid UTF-8 byte sequence at byte 4")
                .satisfies(e -> assertThat(((DatasetException) e).file()).isEqualTo(file));
    }

    @Test
    void emptyFileFails() throws IOException {
        Path file = write("empty.txt", "");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.LINES, file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ": no prompts")
                .satisfies(e -> assertThat(((DatasetException) e).lineNumber()).isZero());
    }

    @Test
    void missingFileFails() {
        Path file = folder.resolve("missing.txt");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.LINES, file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("file not found");
    }

    @Test
    void unreadableFileFails() throws IOException {
        Path file = write("secret.txt", "prompt\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        // Root reads any file, so the check cannot fail for it.
        assumeFalse(Files.isReadable(file), "running as a user who can read any file");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.LINES, file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("permission denied");
    }

    private Path write(String name, String content) throws IOException {
        Path file = folder.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
