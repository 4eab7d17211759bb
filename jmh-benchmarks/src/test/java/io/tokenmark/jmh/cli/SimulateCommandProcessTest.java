package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenmark simulate} as a real process: it serves on 127.0.0.1 in the foreground and
 * stops cleanly on Ctrl-C (SIGINT), closing the server before the process exits.
 */
@Timeout(60)
class SimulateCommandProcessTest {
    private static final Pattern BASE_URL = Pattern.compile("started at (http://127\\.0\\.0\\.1:\\d+/v1)");

    @TempDir
    Path folder;

    @Test
    void simulateServesUntilSigint() throws Exception {
        try (ChildJvm child = ChildJvm.start(folder, "simulate", "--port", "0", "--profile",
                "fixed")) {
            String started = child.awaitLine(line -> BASE_URL.matcher(line).find(),
                    Duration.ofSeconds(30));
            Matcher url = BASE_URL.matcher(started);
            assertThat(url.find()).isTrue();
            URI health = URI.create(url.group(1).replace("/v1", "/health"));

            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);

            child.interrupt();
            int exit = child.awaitExit(Duration.ofSeconds(30));

            assertThat(exit).as(child.output()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(child.stderr()).contains("stopped after");
        }
    }

    @Test
    void simulateRejectsInvalidPort() throws Exception {
        try (ChildJvm child = ChildJvm.start(folder, "simulate", "--port", "70000")) {
            int exit = child.awaitExit(Duration.ofSeconds(30));

            assertThat(exit).as(child.output()).isEqualTo(ExitCodes.USAGE);
            assertThat(child.stderr()).contains("invalid port 70000", "0 (any free port) to 65535");
        }
    }
}
