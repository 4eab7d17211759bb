package io.tokenmark.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.util.Utils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HuggingFaceTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HuggingFaceTokenizer qwen3 = SharedQwen3.tokenizer();

    static Stream<Arguments> goldenEncodings() throws IOException {
        JsonNode golden;
        try (InputStream in = HuggingFaceTokenizerTest.class.getResourceAsStream("/qwen3/golden-encodings.json")) {
            golden = JSON.readTree(in);
        }
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : golden.get("cases")) {
            int[] ids = new int[c.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = c.get("ids").get(i).asInt();
            }
            cases.add(Arguments.of(c.get("text").asText(), ids));
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(16);
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("goldenEncodings")
    void encodeMatchesGoldenIds(String text, int[] expectedIds) {
        assertThat(qwen3.encode(text)).containsExactly(expectedIds);
    }

    @ParameterizedTest
    @MethodSource("goldenEncodings")
    void countMatchesGoldenLength(String text, int[] expectedIds) {
        assertThat(qwen3.count(text)).isEqualTo(expectedIds.length);
    }

    @ParameterizedTest
    @MethodSource("goldenEncodings")
    void decodeRestoresGoldenText(String text, int[] expectedIds) {
        assertThat(qwen3.decode(expectedIds)).isEqualTo(text);
    }

    @Test
    void encodeDoesNotTruncateLongText() {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(1000);

        assertThat(qwen3.count(text)).isEqualTo(10 * 1000 + 1);
    }

    @Test
    void tokenEndsAreUtf16Indexes() {
        String text = "a😀b 你好世界 ok";

        int[] ends = qwen3.tokenEnds(text);

        assertThat(ends).hasSize(qwen3.count(text));
        assertThat(ends).containsExactly(1, 3, 4, 5, 7, 9, 12);
        assertThat(ends[ends.length - 1]).isEqualTo(text.length());
    }

    @Test
    void tokenEndsCoverPartialCharacterTokens() {
        String text = "x ﬁ y";

        int[] ends = qwen3.tokenEnds(text);

        assertThat(ends).hasSize(qwen3.count(text));
        assertThat(ends).isSorted();
        assertThat(ends[ends.length - 1]).isEqualTo(text.length());
    }

    @Test
    void vocabularySizeCountsAddedTokens() {
        assertThat(qwen3.vocabularySize()).isEqualTo(151_669);
    }

    @Test
    void addedTokenIdsMatchQwen3() {
        int[] added = qwen3.addedTokenIds();

        assertThat(added).hasSize(26);
        assertThat(added[0]).isEqualTo(151_643);
        assertThat(added[25]).isEqualTo(151_668);
        assertThat(qwen3.isAddedToken(151_645)).isTrue();
        assertThat(qwen3.isAddedToken(151_642)).isFalse();
    }

    @Test
    void completionPromptCountAddsNoBosForQwen3() {
        assertThat(qwen3.countCompletionPrompt("Hello, world!")).isEqualTo(4);
    }

    @Test
    void decodeRejectsIdOutsideVocabulary() {
        assertThatThrownBy(() -> qwen3.decode(new int[] {9707, 151_669}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("151669")
                .hasMessageContaining("0 to 151668");
    }

    @Test
    void classInitialisationOptsOutOfDjlTracking() {
        // DJL queries the EC2 metadata address unless this resolves to true.
        assertThat(Utils.getEnvOrSystemProperty("OPT_OUT_TRACKING")).isEqualToIgnoringCase("true");
    }

    @Test
    void concurrentEncodesMatchSequentialOnes() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            texts.add("request " + i + ": " + "部署 Qwen3 with 🚀 and tabs\t".repeat(i % 7 + 1));
        }
        List<int[]> sequential = new ArrayList<>();
        for (String text : texts) {
            sequential.add(qwen3.encode(text));
        }

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (String text : texts) {
                    results.add(pool.submit(() -> qwen3.encode(text)));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).containsExactly(sequential.get(i % texts.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loadReadsFolderWithGzipAndConfig(@TempDir Path folder) throws IOException {
        copyBundled("tokenizer.json.gz", folder.resolve("tokenizer.json.gz"));
        copyBundled("tokenizer_config.json", folder.resolve("tokenizer_config.json"));

        try (HuggingFaceTokenizer loaded = HuggingFaceTokenizer.load(folder)) {
            assertThat(loaded.encode("Hello, world!")).containsExactly(9707, 11, 1879, 0);
            assertThat(loaded.chatTemplate()).isPresent();
            assertThat(loaded.name()).isEqualTo(folder.toString());
        }
    }

    @Test
    void loadReadsPlainTokenizerJsonWithoutConfig(@TempDir Path folder) throws IOException {
        Path json = folder.resolve("tokenizer.json");
        Files.write(json, bundledTokenizerJson());

        try (HuggingFaceTokenizer loaded = HuggingFaceTokenizer.load(json)) {
            assertThat(loaded.count("Hello, world!")).isEqualTo(4);
            assertThat(loaded.chatTemplate()).isEmpty();
        }
    }

    @Test
    void loadPrefersChatTemplateFileOverConfig(@TempDir Path folder) throws IOException {
        Files.write(folder.resolve("tokenizer.json"), bundledTokenizerJson());
        copyBundled("tokenizer_config.json", folder.resolve("tokenizer_config.json"));
        Files.writeString(folder.resolve("chat_template.jinja"),
                "{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}");

        try (HuggingFaceTokenizer loaded = HuggingFaceTokenizer.load(folder)) {
            assertThat(loaded.renderChatPrompt(List.of(io.tokenmark.core.workload.ChatMessage.user("hi"))))
                    .contains("[user]hi");
        }
    }

    @Test
    void loadRejectsMissingPath(@TempDir Path folder) {
        Path missing = folder.resolve("nope").resolve("tokenizer.json");

        assertThatThrownBy(() -> HuggingFaceTokenizer.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void loadRejectsFolderWithoutTokenizer(@TempDir Path folder) {
        assertThatThrownBy(() -> HuggingFaceTokenizer.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(folder.resolve("tokenizer.json").toString());
    }

    @Test
    void loadRejectsInvalidJson(@TempDir Path folder) throws IOException {
        Path json = folder.resolve("tokenizer.json");
        Files.writeString(json, "{\"model\": {\"vocab\": ");

        assertThatThrownBy(() -> HuggingFaceTokenizer.load(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(json.toString());
    }

    @Test
    void loadRejectsJsonThatIsNoTokenizer(@TempDir Path folder) throws IOException {
        Path json = folder.resolve("tokenizer.json");
        Files.writeString(json, "{\"name\": \"not a tokenizer\"}");

        assertThatThrownBy(() -> HuggingFaceTokenizer.load(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.vocab");
    }

    @Test
    void loadRejectsInvalidConfig(@TempDir Path folder) throws IOException {
        Files.write(folder.resolve("tokenizer.json"), bundledTokenizerJson());
        Path config = folder.resolve("tokenizer_config.json");
        Files.writeString(config, "{\"chat_template\": ");

        assertThatThrownBy(() -> HuggingFaceTokenizer.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(config.toString());
    }

    @Test
    void useAfterCloseFails(@TempDir Path folder) throws IOException {
        Files.write(folder.resolve("tokenizer.json"), bundledTokenizerJson());
        HuggingFaceTokenizer loaded = HuggingFaceTokenizer.load(folder);
        loaded.close();
        loaded.close();

        assertThatThrownBy(() -> loaded.count("hi")).isInstanceOf(IllegalStateException.class);
    }

    static byte[] bundledTokenizerJson() throws IOException {
        try (InputStream in = new GZIPInputStream(bundled("tokenizer.json.gz"))) {
            return in.readAllBytes();
        }
    }

    static void copyBundled(String file, Path target) throws IOException {
        try (InputStream in = bundled(file)) {
            Files.copy(in, target);
        }
    }

    private static InputStream bundled(String file) {
        InputStream in = HuggingFaceTokenizer.class.getResourceAsStream(
                HuggingFaceTokenizer.QWEN3_RESOURCE_DIR + file);
        assertThat(in).as("bundled %s", file).isNotNull();
        return in;
    }
}
