package io.tokenmark.jmh.main;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MainCommandTest {
    @AfterEach
    void clearProperty() {
        System.clearProperty("tokenmark.concurrency");
    }

    @Test
    void invalidPropertyExitsWithUsageStatus() {
        System.setProperty("tokenmark.concurrency", "0,4");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = MainCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(MainCommand.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("invalid tokenmark.concurrency '0,4'");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
