package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link MockLlmBenchmark} against a loopback port where nothing listens: every request
 * fails, each failure is written as data, and the trial then fails so that JMH with
 * fail-on-error stops.
 */
class FailingTargetTest {
    @TempDir
    Path out;

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void refusedConnectionsFailTheRun() throws IOException {
        String url = "http://127.0.0.1:" + closedPort() + "/v1";

        assertThatThrownBy(() -> JmhTestRuns.runOne(JmhTestRuns.options(MockLlmBenchmark.class, 0)
                .param("url", url)
                .param("model", "none")
                .param("concurrency", "1")
                .param("requests", "3")
                .param("out", out.toString())))
                .isInstanceOf(RunnerException.class);

        List<JsonNode> requests = JmhTestRuns.requestLines(out.resolve("mock-llm"));
        assertThat(requests).hasSize(2 * 3);
        assertThat(requests).allSatisfy(line -> {
            assertThat(line.get("success").asBoolean()).isFalse();
            assertThat(line.get("error").asText()).isEqualTo("connect_failed");
        });
    }
}
