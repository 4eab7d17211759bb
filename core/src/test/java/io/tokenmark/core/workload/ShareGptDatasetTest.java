package io.tokenmark.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.tokenizer.SharedQwen3;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShareGptDatasetTest {
    private static final String QUESTION = "What is the capital of France, and why is it famous?";
    private static final String ANSWER = "Paris is the capital of France. It is famous for art, food and the Eiffel Tower.";

    private final Tokenizer qwen3 = SharedQwen3.tokenizer();

    @TempDir
    Path folder;

    @Test
    void firstExchangeSetsPromptAndOutput() throws IOException {
        Path file = write("sharegpt.json", "[\n"
                + entry("gpt", "Welcome!", "human", QUESTION, "gpt", ANSWER) + "\n]\n");

        RequestSpec spec = builder(file).build().get(0);

        assertThat(spec.messages()).containsExactly(ChatMessage.user(QUESTION));
        assertThat(spec.maxTokens()).isEqualTo(qwen3.count(ANSWER));
        assertThat(spec.expectedInputTokens()).isEqualTo(qwen3.countChatPrompt(spec.messages()));
    }

    @Test
    void entriesWithoutHumanTurnAndReplyAreSkipped() throws IOException {
        Path file = write("sharegpt.json", "[\n"
                + "{\"id\": \"no-conversations\"},\n"
                + entry("human", QUESTION) + ",\n"
                + entry("gpt", ANSWER, "gpt", ANSWER) + ",\n"
                + "{\"conversations\": []},\n"
                + entry("human", "Tell me about Rome, the capital of Italy.", "gpt", ANSWER) + "\n]");

        DatasetWorkload workload = builder(file).build();

        assertThat(workload.size()).isEqualTo(1);
        assertThat(workload.get(0).messages().get(0).content()).startsWith("Tell me about Rome");
        assertThat(workload.get(0).datasetIndex()).isEqualTo(4);
    }

    @Test
    void pruningSkipsShortPromptsLikeVllm() throws IOException {
        Path file = write("sharegpt.json", "[\n"
                + entry("human", "Hi", "gpt", ANSWER) + ",\n"
                + entry("human", QUESTION, "gpt", "Yes.") + ",\n"
                + entry("human", QUESTION, "gpt", ANSWER) + "\n]");

        assertThat(builder(file).build().size()).isEqualTo(1);
        assertThat(builder(file).prune(false).build().size()).isEqualTo(3);
    }

    @Test
    void pruningSkipsLongPrompts() throws IOException {
        String longPrompt = "word ".repeat(1100);
        Path file = write("sharegpt.json", "[\n"
                + entry("human", longPrompt, "gpt", ANSWER) + ",\n"
                + entry("human", QUESTION, "gpt", ANSWER) + "\n]");

        DatasetWorkload workload = builder(file).build();

        assertThat(workload.size()).isEqualTo(1);
        assertThat(workload.get(0).messages().get(0).content()).isEqualTo(QUESTION);
    }

    @Test
    void outputTokensOverrideReplyLength() throws IOException {
        Path file = write("sharegpt.json", "[\n" + entry("human", QUESTION, "gpt", "Yes.") + "\n]");

        RequestSpec spec = builder(file).outputTokens(300).build().get(0);

        assertThat(spec.maxTokens()).isEqualTo(300);
    }

    @Test
    void shuffleDependsOnSeedOnly() throws IOException {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < 20; i++) {
            json.append(i == 0 ? "" : ",\n").append(entry("human", "Question number " + i + " about history?", "gpt", ANSWER));
        }
        Path file = write("sharegpt.json", json.append("\n]").toString());

        List<Integer> first = order(builder(file).seed(1).build());
        List<Integer> again = order(builder(file).seed(1).build());
        List<Integer> other = order(builder(file).seed(2).build());
        List<Integer> unshuffled = order(builder(file).shuffle(false).build());

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first).containsExactlyInAnyOrderElementsOf(first);
        assertThat(unshuffled).isSorted();
        assertThat(first).isNotEqualTo(unshuffled);
    }

    @Test
    void promptsLimitsUsableConversations() throws IOException {
        Path file = write("sharegpt.json", "[\n"
                + entry("human", "Hi", "gpt", ANSWER) + ",\n"
                + entry("human", QUESTION, "gpt", ANSWER) + ",\n"
                + entry("human", QUESTION + " Explain.", "gpt", ANSWER) + "\n]");

        DatasetWorkload workload = builder(file).shuffle(false).prompts(1).build();

        assertThat(workload.size()).isEqualTo(1);
        assertThat(workload.get(0).datasetIndex()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "entry not object       | \"text\"                                                       | entry 2 is not a JSON object",
        "conversations object   | {\"conversations\": {\"from\": \"human\"}}                     | \"conversations\" is an object",
        "turn without value     | {\"conversations\": [{\"from\": \"human\"}, {\"from\": \"gpt\", \"value\": \"a\"}]} | turn 1",
        "turn value not string  | {\"conversations\": [{\"from\": \"human\", \"value\": 3}]}     | turn 1",
        "missing comma          | {\"conversations\": [] \"x\": 1}                              | invalid JSON",
    })
    void malformedEntryNamesFileAndLine(String name, String badEntry, String problem) throws IOException {
        Path file = write("bad.json", "[\n" + entry("human", QUESTION, "gpt", ANSWER) + ",\n" + badEntry + "\n]");

        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ":3: ")
                .hasMessageContaining(problem);
    }

    @Test
    void invalidUtf8NamesLine() throws IOException {
        Path file = folder.resolve("latin1.json");
        byte[] head = ("[\n" + entry("human", QUESTION, "gpt", ANSWER) + ",\n"
                + "{\"conversations\": [{\"from\": \"human\", \"value\": \"caf").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}]}\n]".getBytes(StandardCharsets.UTF_8);
        Files.write(file, JsonlDatasetTest.concat(head, new byte[] {(byte) 0xE9}, tail));

        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ":3: ")
                .hasMessageContaining("UTF-8");
    }

    @Test
    void topLevelObjectFails() throws IOException {
        Path file = write("object.json", "{\"conversations\": []}");

        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ":1: ")
                .hasMessageContaining("expected a JSON array");
    }

    @Test
    void contentAfterArrayFails() throws IOException {
        Path file = write("trailing.json", "[\n" + entry("human", QUESTION, "gpt", ANSWER) + "\n]\n[]");

        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ":4: ")
                .hasMessageContaining("after the array");
    }

    @Test
    void emptyFileFails() throws IOException {
        Path file = write("empty.json", "");

        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("empty");
    }

    @Test
    void noUsableConversationFails() throws IOException {
        Path file = write("none.json", "[\n" + entry("human", QUESTION) + "\n]");

        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no usable conversation among 1 entries");
    }

    @Test
    void everythingPrunedFails() throws IOException {
        Path file = write("short.json", "[\n" + entry("human", "Hi", "gpt", "Hello") + "\n]");

        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("pruned");
    }

    @Test
    void missingFileFails() {
        Path file = folder.resolve("missing.json");

        assertThatThrownBy(() -> builder(file).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("file not found");
    }

    @Test
    void tokenizerIsRequired() throws IOException {
        Path file = write("sharegpt.json", "[\n" + entry("human", QUESTION, "gpt", ANSWER) + "\n]");

        assertThatThrownBy(() -> DatasetWorkload.builder(DatasetFormat.SHAREGPT, file).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a tokenizer");
    }

    private DatasetWorkload.Builder builder(Path file) {
        return DatasetWorkload.builder(DatasetFormat.SHAREGPT, file).tokenizer(qwen3);
    }

    private static List<Integer> order(Workload workload) {
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < workload.size(); i++) {
            indexes.add(workload.get(i).datasetIndex());
        }
        return indexes;
    }

    /** Returns one entry on one line. The arguments alternate speaker and text. */
    private static String entry(String... turns) {
        StringBuilder json = new StringBuilder("{\"conversations\": [");
        for (int i = 0; i < turns.length; i += 2) {
            json.append(i == 0 ? "" : ", ")
                    .append("{\"from\": \"").append(turns[i]).append("\", \"value\": \"")
                    .append(turns[i + 1]).append("\"}");
        }
        return json.append("]}").toString();
    }

    private Path write(String name, String content) throws IOException {
        Path file = folder.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
