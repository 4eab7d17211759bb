package io.tokenmark.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.workload.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HuggingFaceTokenizer qwen3 = SharedQwen3.tokenizer();

    /** Conversations with the text Python Jinja2 renders for them (see NOTICE.md beside them). */
    static Stream<Arguments> qwen3Renderings() throws IOException {
        JsonNode file;
        try (InputStream in = ChatTemplateTest.class.getResourceAsStream("/qwen3/chat-template-renders.json")) {
            file = JSON.readTree(in);
        }
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : file.get("conversations")) {
            List<ChatMessage> messages = new ArrayList<>();
            for (JsonNode m : c.get("messages")) {
                messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
            }
            cases.add(Arguments.of(c.get("name").asText(), messages, c.get("rendered").asText()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("qwen3Renderings")
    void qwen3TemplateRendersAsJinja2(String name, List<ChatMessage> messages, String expected) {
        assertThat(qwen3.renderChatPrompt(messages)).contains(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("qwen3Renderings")
    void chatCountIsCountOfRenderedText(String name, List<ChatMessage> messages, String expected) {
        assertThat(qwen3.countChatPrompt(messages)).isEqualTo(qwen3.count(expected));
    }

    @Test
    void qwen3SystemAndUserRenderExactly() {
        List<ChatMessage> messages = List.of(
                ChatMessage.system("You are a helpful assistant."),
                ChatMessage.user("Hi"));

        assertThat(qwen3.renderChatPrompt(messages)).contains(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void qwen3UserTurnCountsNineTokens() {
        // <|im_start|> user \n Hello <|im_end|> \n <|im_start|> assistant \n
        int[] ids = qwen3.encode(qwen3.renderChatPrompt(List.of(ChatMessage.user("Hello"))).orElseThrow());

        assertThat(ids).hasSize(9);
        assertThat(ids).startsWith(151_644, 872, 198, 9707, 151_645, 198, 151_644);
        assertThat(qwen3.countChatPrompt(List.of(ChatMessage.user("Hello")))).isEqualTo(9);
    }

    @Test
    void templateSyntaxInContentStaysText() {
        String content = "{{ 1 + 1 }} {% if x %}y{% endif %} {# c #} {{ messages[::-1] }}";

        assertThat(qwen3.renderChatPrompt(List.of(ChatMessage.user(content))))
                .contains("<|im_start|>user\n" + content + "<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void renderWithoutGenerationPromptEndsAfterLastTurn() {
        ChatTemplate template = qwen3.chatTemplate().orElseThrow();

        assertThat(template.render(List.of(ChatMessage.user("Hello")), false))
                .isEqualTo("<|im_start|>user\nHello<|im_end|>\n");
    }

    @Test
    void templateSeesSpecialTokenGlobals() {
        ChatTemplate template = ChatTemplate.of("{{ bos_token }}{{ messages[0].content }}{{ eos_token }}",
                Map.of("bos_token", "<s>", "eos_token", "</s>"));

        assertThat(template.render(List.of(ChatMessage.user("x")), true)).isEqualTo("<s>x</s>");
    }

    @Test
    void raiseExceptionFailsWithTemplateMessage() {
        ChatTemplate template = ChatTemplate.of(
                "{% if messages[0].role != 'system' %}{{ raise_exception('first message must be system') }}{% endif %}",
                Map.of());

        assertThatThrownBy(() -> template.render(List.of(ChatMessage.user("x")), true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("first message must be system");
    }

    @Test
    void unsupportedSliceStepFailsWithLine() {
        ChatTemplate template = ChatTemplate.of("ok\n{{ messages[::2] }}", Map.of());

        assertThatThrownBy(() -> template.render(List.of(ChatMessage.user("x")), true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void renderRejectsEmptyConversation() {
        ChatTemplate template = qwen3.chatTemplate().orElseThrow();

        assertThatThrownBy(() -> template.render(List.of(), true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ofRejectsBlankSource() {
        assertThatThrownBy(() -> ChatTemplate.of("  ", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void configListTemplateUsesDefaultEntry() throws IOException {
        JsonNode config = JSON.readTree("{\"eos_token\": {\"content\": \"</s>\"}, \"chat_template\": ["
                + "{\"name\": \"tool_use\", \"template\": \"tools\"},"
                + "{\"name\": \"default\", \"template\": \"{{ messages[0].content }}{{ eos_token }}\"}]}");

        ChatTemplate template = ChatTemplate.fromTokenizerConfig(config, null).orElseThrow();

        assertThat(template.render(List.of(ChatMessage.user("hi")), true)).isEqualTo("hi</s>");
    }

    @Test
    void configWithoutTemplateGivesNone() throws IOException {
        assertThat(ChatTemplate.fromTokenizerConfig(JSON.readTree("{\"eos_token\": \"</s>\"}"), null)).isEmpty();
        assertThat(ChatTemplate.fromTokenizerConfig(null, null)).isEmpty();
    }
}
