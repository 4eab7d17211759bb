package io.tokenmark.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.workload.ChatMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer whose chat template cannot render counts chat prompts without it and logs one
 * warning.
 * The warning is read from standard error, where the test logger (slf4j-simple) writes.
 */
class ChatTemplateFallbackTest {
    @Test
    void brokenTemplateCountsContentAndWarnsOnce(@TempDir Path folder) throws IOException {
        Files.write(folder.resolve("tokenizer.json"), HuggingFaceTokenizerTest.bundledTokenizerJson());
        Files.writeString(folder.resolve("tokenizer_config.json"),
                "{\"chat_template\": \"{% for m in messages[::2] %}{{ m.content }}{% endfor %}\"}");
        List<ChatMessage> messages = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello, world!"));

        String log;
        int[] counts = new int[3];
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.load(folder)) {
            log = captureStandardError(() -> {
                counts[0] = tokenizer.countChatPrompt(messages);
                counts[1] = tokenizer.countChatPrompt(messages);
                counts[2] = tokenizer.renderChatPrompt(messages).isPresent() ? 1 : 0;
            });
        }

        int expected = SharedQwen3.tokenizer().count("Be brief.") + SharedQwen3.tokenizer().count("Hello, world!");
        assertThat(counts[0]).isEqualTo(expected);
        assertThat(counts[1]).isEqualTo(expected);
        assertThat(counts[2]).isZero();
        assertThat(log.lines().filter(line -> line.contains("WARN")).count()).isEqualTo(1);
        assertThat(log).contains("Chat template of tokenizer " + folder);
    }

    @Test
    void workingTemplateLogsNothing(@TempDir Path folder) throws IOException {
        Files.write(folder.resolve("tokenizer.json"), HuggingFaceTokenizerTest.bundledTokenizerJson());
        Files.writeString(folder.resolve("tokenizer_config.json"),
                "{\"chat_template\": \"{% for m in messages %}{{ m.content }}{% endfor %}\"}");

        String log;
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.load(folder)) {
            log = captureStandardError(() -> tokenizer.countChatPrompt(List.of(ChatMessage.user("hi"))));
        }

        assertThat(log).doesNotContain("WARN");
    }

    private static String captureStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
