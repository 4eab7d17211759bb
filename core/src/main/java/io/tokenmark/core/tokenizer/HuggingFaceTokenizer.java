package io.tokenmark.core.tokenizer;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.workload.ChatMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Tokenizer} over a Hugging Face {@code tokenizer.json}, run by the Rust
 * {@code tokenizers} library through DJL ({@code ai.djl.huggingface:tokenizers}), so counts are
 * the ones vLLM and SGLang get from the same file.
 *
 * <h2>Loading</h2>
 * {@link #load(Path)} takes a {@code tokenizer.json}, a {@code tokenizer.json.gz}, or a model
 * folder holding either. The chat template is read from {@code chat_template.jinja} or
 * {@code tokenizer_config.json} in the same folder, when present. {@link #qwen3()} loads the
 * Qwen3 tokenizer bundled in this jar (see {@code qwen3/NOTICE.md} beside it).
 *
 * <h2>Offline use</h2>
 * DJL's jar carries the native library for Linux (x86-64, aarch64), macOS (aarch64) and Windows
 * (x86-64). The first load copies it to {@code ~/.djl.ai/tokenizers} and nothing is downloaded.
 * {@code ENGINE_CACHE_DIR} or {@code DJL_CACHE_DIR}, as an environment variable or system
 * property, moves that folder. DJL 0.38.0 does make one network call of its own: on the first
 * tokenizer it creates in a JVM, it queries the EC2 instance metadata address
 * 169.254.169.254 for usage tracking, unless {@code OPT_OUT_TRACKING} is {@code true} as an
 * environment variable or system property. This class sets the system property
 * {@code OPT_OUT_TRACKING=true} before using DJL, unless the variable or property is already set.
 *
 * <h2>Threading</h2>
 * All methods are safe for concurrent use: the Rust tokenizer is immutable and shared, and chat
 * templates render under a lock. {@link #close()} must not race with other calls, and a call
 * after it throws {@link IllegalStateException}.
 */
public final class HuggingFaceTokenizer implements Tokenizer {
    private static final Logger log = LoggerFactory.getLogger(HuggingFaceTokenizer.class);

    /** Classpath folder of the bundled Qwen3 tokenizer files. */
    static final String QWEN3_RESOURCE_DIR = "/io/tokenmark/core/tokenizer/qwen3/";

    private static final String TRACKING_SETTING = "OPT_OUT_TRACKING";
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        if (System.getenv(TRACKING_SETTING) == null && System.getProperty(TRACKING_SETTING) == null) {
            System.setProperty(TRACKING_SETTING, "true");
        }
    }

    private final String name;
    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer djlTokenizer;
    private final int vocabularySize;
    private final int[] addedTokenIds;
    private final int specialTokensPerPrompt;
    private final ChatTemplate chatTemplate;
    private final AtomicBoolean templateFailureLogged = new AtomicBoolean();

    private HuggingFaceTokenizer(String name, byte[] tokenizerJson, ChatTemplate chatTemplate)
            throws IOException {
        TokenizerVocabulary vocabulary = TokenizerVocabulary.parse(tokenizerJson);
        this.name = name;
        this.vocabularySize = vocabulary.size();
        this.addedTokenIds = vocabulary.addedTokenIds();
        this.chatTemplate = chatTemplate;
        this.djlTokenizer = createDjlTokenizer(tokenizerJson);
        this.specialTokensPerPrompt = djlTokenizer.encode("", true, false).getIds().length;
    }

    private static ai.djl.huggingface.tokenizers.HuggingFaceTokenizer createDjlTokenizer(byte[] json)
            throws IOException {
        // DJL truncates at 512 tokens and pads by default, and counting needs neither. Special
        // tokens are chosen per call, so the default here does not matter.
        Map<String, String> options = Map.of(
                "addSpecialTokens", "false",
                "truncation", "false",
                "padding", "false");
        try (InputStream in = new ByteArrayInputStream(json)) {
            return ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(in, options);
        } catch (RuntimeException e) {
            // The native library reports an invalid file as a RuntimeException with its reason.
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Loads the Qwen3 tokenizer and chat template bundled in this jar. Each call loads a new
     * instance, which takes a second or more, so share one where you can.
     *
     * @throws IllegalStateException if the bundled files are missing from the classpath
     */
    public static HuggingFaceTokenizer qwen3() {
        try {
            byte[] json;
            try (InputStream in = resource("tokenizer.json.gz")) {
                json = new GZIPInputStream(in).readAllBytes();
            }
            JsonNode config;
            try (InputStream in = resource("tokenizer_config.json")) {
                config = JSON.readTree(in);
            }
            ChatTemplate template = ChatTemplate.fromTokenizerConfig(config, null).orElse(null);
            return new HuggingFaceTokenizer("qwen3 (bundled)", json, template);
        } catch (IOException e) {
            throw new IllegalStateException("failed to load the bundled Qwen3 tokenizer from "
                    + QWEN3_RESOURCE_DIR + ": " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String file) throws IOException {
        InputStream in = HuggingFaceTokenizer.class.getResourceAsStream(QWEN3_RESOURCE_DIR + file);
        if (in == null) {
            throw new IOException(file + " is not on the classpath");
        }
        return in;
    }

    /**
     * Loads a tokenizer from a local path.
     *
     * @param path a {@code tokenizer.json}, a {@code tokenizer.json.gz}, or a folder holding one
     *     of them. {@code chat_template.jinja} and {@code tokenizer_config.json} are read from
     *     the same folder when present.
     * @throws IllegalArgumentException naming the path if it does not exist, cannot be read, or
     *     is not a valid tokenizer or configuration file
     */
    public static HuggingFaceTokenizer load(Path path) {
        Objects.requireNonNull(path, "path");
        Path file = tokenizerFile(path);
        Path folder = file.toAbsolutePath().getParent();
        try {
            byte[] json = readTokenizerJson(file);
            JsonNode config = readConfig(folder.resolve("tokenizer_config.json"));
            String templateFile = readOptional(folder.resolve("chat_template.jinja"));
            ChatTemplate template = ChatTemplate.fromTokenizerConfig(config, templateFile).orElse(null);
            return new HuggingFaceTokenizer(path.toString(), json, template);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("tokenizer file not found: " + e.getFile()
                    + ": give a tokenizer.json, a tokenizer.json.gz or a model folder holding one", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("failed to load tokenizer " + file + ": " + e.getMessage()
                    + ": give a Hugging Face tokenizer.json (or .gz) that the tokenizers library reads", e);
        }
    }

    private static Path tokenizerFile(Path path) {
        if (!Files.isDirectory(path)) {
            return path;
        }
        Path json = path.resolve("tokenizer.json");
        Path gz = path.resolve("tokenizer.json.gz");
        if (Files.exists(json) || !Files.exists(gz)) {
            return json;
        }
        return gz;
    }

    private static byte[] readTokenizerJson(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".gz")) {
            return Files.readAllBytes(file);
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static JsonNode readConfig(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException("invalid JSON in " + file + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String readOptional(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }

    @Override
    public String name() {
        return name;
    }

    /** Returns the chat template, or empty when the tokenizer has none. */
    public Optional<ChatTemplate> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        return toInts(djlTokenizer.encode(text, false, false).getIds());
    }

    @Override
    public int count(String text) {
        Objects.requireNonNull(text, "text");
        return djlTokenizer.encode(text, false, false).getIds().length;
    }

    /**
     * Returns the token ends from the tokenizer's own character spans, in one encode. The
     * {@code tokenizers} library gives spans in Unicode code points, which this converts to
     * UTF-16 indexes. A token without a span ends where the token before it ends.
     */
    @Override
    public int[] tokenEnds(String text) {
        Objects.requireNonNull(text, "text");
        CharSpan[] spans = djlTokenizer.encode(text, false, false).getCharTokenSpans();
        int[] ends = new int[spans.length];
        int previous = 0;
        int codePoints = 0;
        int utf16 = 0;
        for (int i = 0; i < spans.length; i++) {
            if (spans[i] != null) {
                int endCodePoint = spans[i].getEnd();
                if (endCodePoint > codePoints) {
                    utf16 = text.offsetByCodePoints(utf16, endCodePoint - codePoints);
                    codePoints = endCodePoint;
                }
                previous = Math.max(previous, utf16);
            }
            ends[i] = previous;
        }
        return ends;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabularySize) {
                throw new IllegalArgumentException("invalid token id " + ids[i] + " at index " + i
                        + ": must be from 0 to " + (vocabularySize - 1));
            }
            longs[i] = ids[i];
        }
        return djlTokenizer.decode(longs, false);
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public int[] addedTokenIds() {
        return addedTokenIds.clone();
    }

    @Override
    public boolean isAddedToken(int id) {
        return Arrays.binarySearch(addedTokenIds, id) >= 0;
    }

    @Override
    public int countCompletionPrompt(String prompt) {
        return count(prompt) + specialTokensPerPrompt;
    }

    @Override
    public Optional<String> renderChatPrompt(List<ChatMessage> messages) {
        if (chatTemplate == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(chatTemplate.render(messages, true));
        } catch (ChatTemplateException e) {
            if (templateFailureLogged.compareAndSet(false, true)) {
                log.warn("Chat template of tokenizer {} failed to render ({}). Chat prompts are "
                        + "counted without the template from now on, so input counts miss its "
                        + "tokens. Later failures are not logged.", name, e.getMessage());
            }
            return Optional.empty();
        }
    }

    @Override
    public int countChatPrompt(List<ChatMessage> messages) {
        Optional<String> rendered = renderChatPrompt(messages);
        if (rendered.isPresent()) {
            return count(rendered.get());
        }
        int total = 0;
        for (ChatMessage message : messages) {
            total += count(message.content());
        }
        return total;
    }

    @Override
    public void close() {
        djlTokenizer.close();
    }

    @Override
    public String toString() {
        return "HuggingFaceTokenizer[" + name + ", vocabulary " + vocabularySize
                + ", chat template " + (chatTemplate == null ? "none" : "yes") + "]";
    }

    private static int[] toInts(long[] ids) {
        int[] ints = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ints[i] = (int) ids[i];
        }
        return ints;
    }
}
