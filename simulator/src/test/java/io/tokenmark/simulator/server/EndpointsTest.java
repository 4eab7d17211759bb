package io.tokenmark.simulator.server;

import static io.tokenmark.simulator.SimulatorTestSupport.CHAT;
import static io.tokenmark.simulator.SimulatorTestSupport.COMPLETIONS;
import static io.tokenmark.simulator.SimulatorTestSupport.chatBody;
import static io.tokenmark.simulator.SimulatorTestSupport.completionsBody;
import static io.tokenmark.simulator.SimulatorTestSupport.parse;
import static io.tokenmark.simulator.SimulatorTestSupport.quickOptions;
import static io.tokenmark.simulator.SimulatorTestSupport.streamingChat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.simulator.RawHttpConnection;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every endpoint and every rejection, over a real socket. */
class EndpointsTest {
    private static final String STREAM_3 = streamingChat(3);

    private static Simulator simulator;
    private static int port;

    @BeforeAll
    static void start() {
        simulator = Simulator.start(quickOptions().build());
        port = simulator.port();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void baseUrlPointsAtLoopbackV1() {
        assertThat(simulator.baseUrl().toString()).isEqualTo("http://127.0.0.1:" + port + "/v1");
    }

    @Test
    void healthReturnsEmptyOk() throws IOException {
        RawHttpConnection.Response response =
                RawHttpConnection.exchange(port, "GET", "/health", Map.of(), null, 5000);

        assertThat(response.status).isEqualTo(200);
        assertThat(response.body.size()).isZero();
    }

    @Test
    void modelsListsServedModel() throws IOException {
        RawHttpConnection.Response response =
                RawHttpConnection.exchange(port, "GET", "/v1/models", Map.of(), null, 5000);
        JsonNode body = parse(response.bodyText());

        assertThat(response.status).isEqualTo(200);
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data").get(0).path("id").asText())
                .isEqualTo(SimulatorOptions.DEFAULT_MODEL);
        assertThat(body.path("data").get(0).path("max_model_len").asInt()).isEqualTo(1 << 20);
    }

    @Test
    void chatWithoutStreamReturnsWholeCompletion() throws IOException {
        RawHttpConnection.Response response = RawHttpConnection.post(port, CHAT,
                chatBody("Hi", Map.of("max_tokens", 7)), Map.of());
        JsonNode body = parse(response.bodyText());

        assertThat(response.status).isEqualTo(200);
        assertThat(response.header("content-type")).startsWith("application/json");
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isNotEmpty();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(7);
        assertThat(body.path("usage").path("total_tokens").asInt())
                .isEqualTo(7 + body.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void completionsWithoutStreamReturnsText() throws IOException {
        RawHttpConnection.Response response = RawHttpConnection.post(port, COMPLETIONS,
                completionsBody("Once upon a time", Map.of("max_tokens", 4)), Map.of());
        JsonNode body = parse(response.bodyText());

        assertThat(response.status).isEqualTo(200);
        assertThat(body.path("object").asText()).isEqualTo("text_completion");
        assertThat(body.path("id").asText()).startsWith("cmpl-");
        assertThat(body.path("choices").get(0).path("text").asText()).isNotEmpty();
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void completionsAcceptsTokenIdPrompt() throws IOException {
        String body = "{\"model\":\"" + SimulatorOptions.DEFAULT_MODEL
                + "\",\"prompt\":[1,2,3,4,5,6],\"max_tokens\":2}";
        RawHttpConnection.Response response = RawHttpConnection.post(port, COMPLETIONS, body,
                Map.of());

        assertThat(response.status).isEqualTo(200);
        assertThat(parse(response.bodyText()).path("usage").path("prompt_tokens").asInt())
                .isEqualTo(6);
    }

    @Test
    void unknownPathReturns404WithErrorBody() throws IOException {
        RawHttpConnection.Response response =
                RawHttpConnection.exchange(port, "GET", "/v1/embeddings", Map.of(), null, 5000);

        assertThat(response.status).isEqualTo(404);
        assertThat(parse(response.bodyText()).path("error").path("message").asText())
                .contains("/v1/embeddings");
    }

    @Test
    void wrongMethodReturns405() throws IOException {
        RawHttpConnection.Response response =
                RawHttpConnection.exchange(port, "GET", CHAT, Map.of(), null, 5000);

        assertThat(response.status).isEqualTo(405);
        assertThat(parse(response.bodyText()).path("error").path("message").asText())
                .contains("POST");
    }

    static Stream<Arguments> invalidRequests() {
        String model = SimulatorOptions.DEFAULT_MODEL;
        return Stream.of(
                Arguments.of("{not json", 400, null, "not valid JSON"),
                Arguments.of("[1,2]", 400, null, "JSON object"),
                Arguments.of("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400,
                        "model", "missing field 'model'"),
                Arguments.of("{\"model\":\"other\",\"messages\":[]}", 404, "model",
                        "does not exist"),
                Arguments.of("{\"model\":\"" + model + "\"}", 400, "messages",
                        "missing field 'messages'"),
                Arguments.of("{\"model\":\"" + model + "\",\"messages\":[{\"content\":\"x\"}]}",
                        400, "messages[0].role", "role"),
                Arguments.of(chatBody("x", Map.of("max_tokens", 0)), 400, "max_tokens",
                        "at least 1"),
                Arguments.of(chatBody("x", Map.of("max_tokens", 2, "min_tokens", 3)), 400,
                        "min_tokens", "less than or equal"),
                Arguments.of(chatBody("x", Map.of("stream_options",
                        Map.of("include_usage", true))), 400, "stream_options", "stream is true"),
                Arguments.of(chatBody("x", Map.of("n", 2)), 400, "n", "not supported"),
                Arguments.of(chatBody("x", Map.of("stream", "yes")), 400, "stream",
                        "true or false"),
                Arguments.of(chatBody("x", Map.of("max_tokens", 2_000_000)), 400, "max_tokens",
                        "maximum context length"));
    }

    @ParameterizedTest(name = "{1} {3}")
    @MethodSource("invalidRequests")
    void invalidChatRequestIsRejectedWithOpenAiError(String body, int status, String param,
            String messagePart) throws IOException {
        RawHttpConnection.Response response = RawHttpConnection.post(port, CHAT, body, Map.of());
        JsonNode error = parse(response.bodyText()).path("error");

        assertThat(response.status).isEqualTo(status);
        assertThat(error.path("message").asText()).contains(messagePart);
        assertThat(error.path("type").asText()).isNotEmpty();
        if (param != null) {
            assertThat(error.path("param").asText()).isEqualTo(param);
        }
    }

    @Test
    void requestIdHeaderIsEchoed() throws IOException {
        RawHttpConnection.Response response = RawHttpConnection.post(port, CHAT,
                chatBody("Hi", Map.of("max_tokens", 1)), Map.of("X-Request-Id", "echo-me"));

        assertThat(response.header("x-request-id")).isEqualTo("echo-me");
    }

    @Test
    void keepAliveServesRequestsInTurn() throws IOException {
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            for (int i = 0; i < 3; i++) {
                connection.send("POST", CHAT, Map.of(), STREAM_3);
                RawHttpConnection.Response response = connection.readResponse(5000);

                assertThat(response.status).isEqualTo(200);
                assertThat(response.ending).isEqualTo(RawHttpConnection.Ending.COMPLETE);
                assertThat(response.events.get(response.events.size() - 1).isDone()).isTrue();
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("POST", CHAT, Map.of("X-Request-Id", "first"),
                    STREAM_3);
            connection.send("POST", CHAT, Map.of("X-Request-Id", "second"),
                    STREAM_3);

            RawHttpConnection.Response first = connection.readResponse(5000);
            RawHttpConnection.Response second = connection.readResponse(5000);

            assertThat(first.header("x-request-id")).isEqualTo("first");
            assertThat(first.ending).isEqualTo(RawHttpConnection.Ending.COMPLETE);
            assertThat(second.header("x-request-id")).isEqualTo("second");
            assertThat(second.ending).isEqualTo(RawHttpConnection.Ending.COMPLETE);
        }
    }

    @Test
    void connectionCloseRequestClosesAfterResponse() throws IOException {
        RawHttpConnection.Response response = RawHttpConnection.exchange(port, "POST", CHAT,
                Map.of("Connection", "close"), STREAM_3, 5000);

        assertThat(response.status).isEqualTo(200);
        assertThat(response.header("connection")).isEqualTo("close");
    }

    @Test
    void requiredApiKeyIsEnforced() throws IOException {
        try (Simulator secured = Simulator.start(quickOptions().requiredApiKey("s3cret").build())) {
            RawHttpConnection.Response missing = RawHttpConnection.post(secured.port(), CHAT,
                    chatBody("Hi", Map.of("max_tokens", 1)), Map.of());
            RawHttpConnection.Response wrong = RawHttpConnection.post(secured.port(), CHAT,
                    chatBody("Hi", Map.of("max_tokens", 1)),
                    Map.of("Authorization", "Bearer nope"));
            RawHttpConnection.Response right = RawHttpConnection.post(secured.port(), CHAT,
                    chatBody("Hi", Map.of("max_tokens", 1)),
                    Map.of("Authorization", "Bearer s3cret"));

            assertThat(missing.status).isEqualTo(401);
            assertThat(parse(missing.bodyText()).path("error").path("code").asText())
                    .isEqualTo("invalid_api_key");
            assertThat(missing.bodyText()).doesNotContain("s3cret");
            assertThat(wrong.status).isEqualTo(401);
            assertThat(right.status).isEqualTo(200);
        }
    }

    @Test
    void oversizedRequestBodyGets413() throws IOException {
        try (Simulator small = Simulator.start(quickOptions().maxRequestBytes(2048).build())) {
            RawHttpConnection.Response response = RawHttpConnection.post(small.port(), CHAT,
                    chatBody("x".repeat(4096), Map.of()), Map.of());

            assertThat(response.status).isEqualTo(413);
        }
    }
}
