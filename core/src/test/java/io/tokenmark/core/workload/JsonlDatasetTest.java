package io.tokenmark.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.tokenizer.SharedQwen3;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonlDatasetTest {
    private final Tokenizer qwen3 = SharedQwen3.tokenizer();

    @TempDir
    Path folder;

    @Test
    void readsPromptAndMessagesRecords() throws IOException {
        Path file = write("good.jsonl",
                "{\"prompt\": \"Summarise Hamlet.\", \"max_tokens\": 256, \"id\": \"a\"}\n"
                        + "\n"
                        + "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                        + " {\"role\": \"user\", \"content\": \"Hi\"}]}\n");

        DatasetWorkload workload = DatasetWorkload.builder(DatasetFormat.JSONL, file)
                .tokenizer(qwen3).outputTokens(64).build();

        assertThat(workload.size()).isEqualTo(2);
        RequestSpec prompt = workload.get(0);
        assertThat(prompt.messages()).containsExactly(ChatMessage.user("Summarise Hamlet."));
        assertThat(prompt.maxTokens()).isEqualTo(256);
        assertThat(prompt.datasetIndex()).isZero();
        assertThat(prompt.expectedInputTokens()).isEqualTo(qwen3.countChatPrompt(prompt.messages()));
        RequestSpec chat = workload.get(1);
        assertThat(chat.messages()).containsExactly(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));
        assertThat(chat.maxTokens()).isEqualTo(64);
        assertThat(chat.datasetIndex()).isEqualTo(1);
        assertThat(workload.description()).isEqualTo("jsonl: good.jsonl, 2 prompts, chat");
    }

    @Test
    void completionsApiSendsPrompt() throws IOException {
        Path file = write("prompts.jsonl", "{\"prompt\": \"Hello, world!\"}\n");

        RequestSpec spec = DatasetWorkload.builder(DatasetFormat.JSONL, file)
                .tokenizer(qwen3).api(ApiKind.COMPLETIONS).build().get(0);

        assertThat(spec.prompt()).isEqualTo("Hello, world!");
        assertThat(spec.messages()).isNull();
        assertThat(spec.expectedInputTokens()).isEqualTo(4);
        assertThat(spec.maxTokens()).isEqualTo(-1);
    }

    @Test
    void completionsApiRejectsMessagesRecord() throws IOException {
        Path file = write("chat.jsonl", "{\"prompt\": \"a\"}\n{\"messages\": [{\"role\": \"user\", \"content\": \"b\"}]}\n");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, file)
                .api(ApiKind.COMPLETIONS).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ":2: ")
                .hasMessageContaining("completions");
    }

    @Test
    void withoutTokenizerExpectedInputIsUnknown() throws IOException {
        Path file = write("p.jsonl", "{\"prompt\": \"x\"}\n");

        assertThat(DatasetWorkload.builder(DatasetFormat.JSONL, file).build().get(0).expectedInputTokens())
                .isEqualTo(-1);
    }

    @Test
    void minTokensFollowsMaxTokens() throws IOException {
        Path file = write("p.jsonl", "{\"prompt\": \"x\", \"max_tokens\": 9}\n{\"prompt\": \"y\"}\n");

        DatasetWorkload workload = DatasetWorkload.builder(DatasetFormat.JSONL, file)
                .outputTokens(20).minTokens(true).ignoreEos(true).build();

        assertThat(workload.get(0).minTokens()).isEqualTo(9);
        assertThat(workload.get(1).minTokens()).isEqualTo(20);
        assertThat(workload.get(1).ignoreEos()).isTrue();
    }

    @Test
    void minTokensWithoutOutputLengthFailsOnRecord() throws IOException {
        Path file = write("p.jsonl", "{\"prompt\": \"x\", \"max_tokens\": 9}\n{\"prompt\": \"y\"}\n");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, file).minTokens(true).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ":2: ")
                .hasMessageContaining("output tokens");
    }

    @Test
    void promptsTakesFirstRecordsInFileOrder() throws IOException {
        Path file = write("p.jsonl", "{\"prompt\": \"a\"}\n{\"prompt\": \"b\"}\n{\"prompt\": \"c\"}\n");

        DatasetWorkload workload = DatasetWorkload.builder(DatasetFormat.JSONL, file).prompts(2).build();

        assertThat(workload.size()).isEqualTo(2);
        assertThat(workload.get(1).messages().get(0).content()).isEqualTo("b");
    }

    @Test
    void byteOrderMarkAndCrLfAreAccepted() throws IOException {
        Path file = write("bom.jsonl", "\uFEFF{\"prompt\": \"a\"}\r\n{\"prompt\": \"b\"}\r\n");

        DatasetWorkload workload = DatasetWorkload.builder(DatasetFormat.JSONL, file).build();

        assertThat(workload.size()).isEqualTo(2);
        assertThat(workload.get(0).messages().get(0).content()).isEqualTo("a");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "invalid JSON        | {\"prompt\": \"a\",                                   | invalid JSON",
        "array record        | [\"a\"]                                              | not a JSON object",
        "number record       | 42                                                   | not a JSON object",
        "both fields         | {\"prompt\": \"a\", \"messages\": []}                | both",
        "neither field       | {\"text\": \"a\"}                                    | neither",
        "prompt not string   | {\"prompt\": 5}                                      | \"prompt\" is a number",
        "empty prompt        | {\"prompt\": \"\"}                                   | \"prompt\" is empty",
        "zero max_tokens     | {\"prompt\": \"a\", \"max_tokens\": 0}               | invalid \"max_tokens\" 0",
        "string max_tokens   | {\"prompt\": \"a\", \"max_tokens\": \"9\"}           | invalid \"max_tokens\"",
        "fraction max_tokens | {\"prompt\": \"a\", \"max_tokens\": 1.5}             | invalid \"max_tokens\" 1.5",
        "empty messages      | {\"messages\": []}                                   | non-empty array",
        "message not object  | {\"messages\": [\"hi\"]}                             | message 1 is a string",
        "message no role     | {\"messages\": [{\"content\": \"hi\"}]}              | message 1 has no \"role\"",
        "content parts       | {\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}]} | message 1 has no \"content\" string",
    })
    void malformedRecordNamesFileAndLine(String name, String record, String problem) throws IOException {
        Path file = write("bad.jsonl", "{\"prompt\": \"fine\"}\n\n" + record + "\n{\"prompt\": \"also fine\"}\n");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ":3: ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((DatasetException) e).lineNumber()).isEqualTo(3));
    }

    @Test
    void invalidUtf8NamesLine() throws IOException {
        Path file = folder.resolve("latin1.jsonl");
        byte[] good = "{\"prompt\": \"ok\"}\n{\"prompt\": \"caf".getBytes(StandardCharsets.UTF_8);
        byte[] rest = "\"}\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, concat(good, new byte[] {(byte) 0xE9}, rest));

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ":2: ")
                .hasMessageContaining("invalid UTF-8")
                .hasMessageContaining("byte 16");
    }

    @Test
    void emptyFileFails() throws IOException {
        Path file = write("empty.jsonl", "");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("no records");
    }

    @Test
    void blankFileFails() throws IOException {
        Path file = write("blank.jsonl", "\n  \n\t\n");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no records");
    }

    @Test
    void missingFileFails() {
        Path file = folder.resolve("missing.jsonl");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessage(file + ": file not found: check the path");
    }

    @Test
    void folderFails() {
        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, folder).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("is a folder");
    }

    @Test
    void invalidOptionsFail() throws IOException {
        Path file = write("p.jsonl", "{\"prompt\": \"x\"}\n");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, file).outputTokens(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid output tokens 0");
        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.JSONL, file).prompts(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid prompts -1");
    }

    private Path write(String name, String content) throws IOException {
        Path file = folder.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
