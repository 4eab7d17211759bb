package io.tokenmark.netty.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.openai.RequestBodyWriter.InvalidRequestException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestBodyWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI BASE = URI.create("http://127.0.0.1:8000/v1");

    private static JsonNode write(ClientOptions options, RequestSpec spec) throws Exception {
        byte[] body = new RequestBodyWriter(new JsonFactory(), options).write(spec);
        return JSON.readTree(body);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void chatBodyHasMembersInOrder() throws Exception {
        RequestSpec spec = RequestSpec.builder()
                .messages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")))
                .maxTokens(128).minTokens(16).ignoreEos(true).temperature(0.0).build();
        JsonNode body = write(ClientOptions.builder(BASE).model("qwen3").build(), spec);

        assertThat(names(body)).containsExactly("model", "messages", "max_tokens", "min_tokens",
                "ignore_eos", "temperature", "stream", "stream_options");
        assertThat(body.get("model").asText()).isEqualTo("qwen3");
        assertThat(body.get("messages").get(1).get("role").asText()).isEqualTo("user");
        assertThat(body.get("messages").get(1).get("content").asText()).isEqualTo("Hi");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(128);
        assertThat(body.get("min_tokens").asInt()).isEqualTo(16);
        assertThat(body.get("ignore_eos").asBoolean()).isTrue();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.0);
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(body.get("stream_options").has("continuous_usage_stats")).isFalse();
    }

    @Test
    void chatBodyLeavesOutUnsetMembers() throws Exception {
        RequestSpec spec = RequestSpec.builder().messages(List.of(ChatMessage.user("Hi"))).build();
        JsonNode body = write(ClientOptions.builder(BASE).build(), spec);
        assertThat(names(body)).containsExactly("model", "messages", "stream", "stream_options");
    }

    @Test
    void chatBodyTurnsPromptIntoUserMessage() throws Exception {
        RequestSpec spec = RequestSpec.builder().prompt("Tell me a story").maxTokens(8).build();
        JsonNode messages = write(ClientOptions.builder(BASE).build(), spec).get("messages");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).get("content").asText()).isEqualTo("Tell me a story");
    }

    @Test
    void completionsBodyCarriesPrompt() throws Exception {
        RequestSpec spec = RequestSpec.builder().prompt("Once upon").maxTokens(8).build();
        JsonNode body = write(ClientOptions.builder(BASE).api(ApiKind.COMPLETIONS).build(), spec);
        assertThat(names(body)).containsExactly("model", "prompt", "max_tokens", "stream",
                "stream_options");
        assertThat(body.get("prompt").asText()).isEqualTo("Once upon");
    }

    @Test
    void completionsRejectsSpecWithOnlyMessages() {
        RequestSpec spec = RequestSpec.ofUserMessage("Hi", 8);
        RequestBodyWriter writer = new RequestBodyWriter(new JsonFactory(),
                ClientOptions.builder(BASE).api(ApiKind.COMPLETIONS).build());
        assertThatThrownBy(() -> writer.write(spec)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("completions API needs a prompt");
    }

    @Test
    void streamOptionsFollowConfiguration() throws Exception {
        RequestSpec spec = RequestSpec.ofUserMessage("Hi", 8);
        JsonNode both = write(ClientOptions.builder(BASE).continuousUsageStats(true).build(), spec);
        assertThat(both.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(both.get("stream_options").get("continuous_usage_stats").asBoolean()).isTrue();

        JsonNode none = write(ClientOptions.builder(BASE).includeUsage(false).build(), spec);
        assertThat(none.has("stream_options")).isFalse();
    }

    @Test
    void extraBodyOverridesEarlierMembers() throws Exception {
        ClientOptions options = ClientOptions.builder(BASE)
                .extraBody("max_tokens", 5)
                .extraBody("top_k", 20)
                .extraBody("chat_template_kwargs", Map.of("enable_thinking", false))
                .build();
        RequestSpec spec = RequestSpec.builder().messages(List.of(ChatMessage.user("Hi")))
                .maxTokens(100).extraBody("top_k", 40).extraBody("stop", List.of("\n", "END"))
                .build();
        JsonNode body = write(options, spec);

        assertThat(names(body)).containsExactly("model", "messages", "stream", "stream_options",
                "max_tokens", "chat_template_kwargs", "top_k", "stop");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(5);
        assertThat(body.get("top_k").asInt()).isEqualTo(40);
        assertThat(body.get("chat_template_kwargs").get("enable_thinking").asBoolean()).isFalse();
        assertThat(body.get("stop").get(1).asText()).isEqualTo("END");
    }

    @Test
    void writerRejectsUnwritableExtraValueInOptions() {
        ClientOptions options = ClientOptions.builder(BASE).extraBody("when", new Object()).build();
        assertThatThrownBy(() -> new RequestBodyWriter(new JsonFactory(), options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("extra body field 'when'");
    }

    @Test
    void writerRejectsUnwritableExtraValueInSpec() {
        RequestSpec spec = RequestSpec.builder().messages(List.of(ChatMessage.user("Hi")))
                .extraBody("when", new Object()).build();
        RequestBodyWriter writer = new RequestBodyWriter(new JsonFactory(),
                ClientOptions.builder(BASE).build());
        assertThatThrownBy(() -> writer.write(spec)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("extra body field 'when'");
    }
}
