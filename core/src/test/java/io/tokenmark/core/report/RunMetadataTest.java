package io.tokenmark.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.metric.Slo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMetadataTest {
    @TempDir
    Path out;

    private static RunMetadata metadata(String url) {
        return new RunMetadata("ep8", Instant.parse("2025-06-01T12:00:00Z"), "0.1.0-SNAPSHOT",
                url, "Qwen3-235B-A22B", "chat", null, "random: 1024 in, 1024 out",
                "closed loop, concurrency 1,10,50,100", Slo.parse("ttft=500,tpot=50"),
                new RunMetadata.Host("Eclipse Adoptium 17.0.15", "Linux 6.1 amd64", 2, 1L << 31),
                Map.of("warmup", "4"));
    }

    @Test
    void fileReadsBackEqual() {
        OutputLayout layout = OutputLayout.of(out, "ep8");
        RunMetadata written = metadata("http://127.0.0.1:8000/v1");

        written.write(layout.runFile());

        assertThat(RunMetadata.read(layout.runFile())).isEqualTo(written);
    }

    @Test
    void urlLosesCredentialsAndQuery() throws Exception {
        OutputLayout layout = OutputLayout.of(out, "ep8");
        RunMetadata written = metadata("https://user:sk-secret@gpu.example:8443/v1?key=sk-other#x");

        written.write(layout.runFile());
        String text = Files.readString(layout.runFile());

        assertThat(written.targetUrl()).isEqualTo("https://gpu.example:8443/v1");
        assertThat(text).doesNotContain("sk-secret").doesNotContain("sk-other");
    }

    @Test
    void currentHostHasCores() {
        RunMetadata.Host host = RunMetadata.Host.current();

        assertThat(host.cores()).isPositive();
        assertThat(host.maxHeapBytes()).isPositive();
        assertThat(host.jvm()).contains(System.getProperty("java.version"));
    }

    @Test
    void readRejectsOtherFile() throws Exception {
        Path file = out.resolve("run.json");
        Files.writeString(file, "{\"schema\": \"tokenmark-summary\"}");

        assertThatThrownBy(() -> RunMetadata.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid run file " + file + ": schema is 'tokenmark-summary',"
                        + " expected 'tokenmark-run'");
    }
}
