package io.tokenmark.simulator.cli;

import static io.tokenmark.simulator.SimulatorTestSupport.CHAT;
import static io.tokenmark.simulator.SimulatorTestSupport.COMPLETIONS;
import static io.tokenmark.simulator.SimulatorTestSupport.chatBody;
import static io.tokenmark.simulator.SimulatorTestSupport.completionsBody;
import static io.tokenmark.simulator.SimulatorTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.tokenizer.Tokenizer;
import io.tokenmark.simulator.RawHttpConnection;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's simulator counts prompts with the bundled Qwen3 tokenizer, over a real socket. */
class PromptCountTest {
    private static Tokenizer tokenizer;
    private static Simulator simulator;

    @BeforeAll
    static void start() {
        SimulatorCommand command = new SimulatorCommand(Map.of());
        new CommandLine(command).parseArgs("--port", "0", "--ttft-ms", "5", "--itl-ms", "1");
        tokenizer = PromptTokenizers.load(command.tokenizer);
        SimulatorOptions options = SimulatorCommand.countingWith(command.options(), tokenizer);
        simulator = Simulator.start(options);
    }

    @AfterAll
    static void stop() {
        simulator.close();
        tokenizer.close();
    }

    @Test
    void chatPromptCountsTemplateTokens() throws IOException {
        // <|im_start|> user \n Hi <|im_end|> \n <|im_start|> assistant \n
        assertThat(promptTokens(CHAT, chatBody("Hi", Map.of("max_tokens", 2)))).isEqualTo(9);
    }

    @Test
    void chatPromptMatchesTokenizerCount() throws IOException {
        String content = "Summarize the benchmark: TTFT 50 ms, TPOT 10 ms, café 数据 😀.";

        int reported = promptTokens(CHAT, chatBody(content, Map.of("max_tokens", 2)));

        assertThat(reported).isEqualTo(tokenizer.countChatPrompt(
                java.util.List.of(io.tokenmark.core.workload.ChatMessage.user(content))));
    }

    @Test
    void completionsPromptIsExact() throws IOException {
        // Once, upon, a, time
        assertThat(promptTokens(COMPLETIONS, completionsBody("Once upon a time",
                Map.of("max_tokens", 2)))).isEqualTo(4);
    }

    @Test
    void missingTokenizerPathIsRejected() {
        assertThatThrownBy(() -> PromptTokenizers.load(Path.of("no-such-tokenizer.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid --tokenizer no-such-tokenizer.json");
    }

    private static int promptTokens(String path, String body) throws IOException {
        RawHttpConnection.Response response = RawHttpConnection.post(simulator.port(), path, body,
                Map.of());
        assertThat(response.status).isEqualTo(200);
        return parse(response.bodyText()).path("usage").path("prompt_tokens").asInt();
    }
}
