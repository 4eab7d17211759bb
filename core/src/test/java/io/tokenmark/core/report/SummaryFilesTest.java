package io.tokenmark.core.report;

import static io.tokenmark.core.metric.Requests.failure;
import static io.tokenmark.core.metric.Requests.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.Requests;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.SummaryContext;
import io.tokenmark.core.metric.TokenCountSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryFilesTest {
    @TempDir
    Path out;

    private static Summary point(LoadDescription load, int requests) {
        MetricsRecorder metrics = new MetricsRecorder(Requests.ORIGIN_NANOS, Slo.parse("ttft=120,itl=30"));
        for (int i = 0; i < requests; i++) {
            metrics.record(success(i, i * 10.0, 100 + i, 10 + i % 3, 20, 64, 1).build());
        }
        metrics.record(success(requests, 0, 90, 10, 5, -1, 0)
                .inputTokens(-1, TokenCountSource.UNKNOWN)
                .outputTokens(5, TokenCountSource.EVENT_COUNT).build());
        metrics.record(failure(requests + 1, 5, 2_000, ErrorKind.READ_TIMEOUT, 0).build());
        return metrics.summarize(SummaryContext.of(load)
                .withEventLoopBusyShare(0.25).withTargetSharesHost(true));
    }

    private static void assertSameFigures(Summary read, Summary written) {
        assertThat(read.load()).isEqualTo(written.load());
        assertThat(read.complete()).isEqualTo(written.complete());
        assertSameNumber("windowStartMillis", read.windowStartMillis(), written.windowStartMillis());
        assertSameNumber("windowEndMillis", read.windowEndMillis(), written.windowEndMillis());
        assertSameNumber("durationSeconds", read.durationSeconds(), written.durationSeconds());
        assertThat(read.totalRequests()).isEqualTo(written.totalRequests());
        assertThat(read.succeededRequests()).isEqualTo(written.succeededRequests());
        assertThat(read.failuresByError()).isEqualTo(written.failuresByError());
        assertThat(read.inputTokens()).isEqualTo(written.inputTokens());
        assertThat(read.outputTokens()).isEqualTo(written.outputTokens());
        assertThat(read.inputTokensUnknown()).isEqualTo(written.inputTokensUnknown());
        assertThat(read.inputTokenSources()).isEqualTo(written.inputTokenSources());
        assertThat(read.outputTokenSources()).isEqualTo(written.outputTokenSources());
        assertSameNumber("peakOutputTokensPerSecond", read.peakOutputTokensPerSecond(), written.peakOutputTokensPerSecond());
        assertThat(read.peakConcurrentRequests()).isEqualTo(written.peakConcurrentRequests());
        assertThat(read.slo()).isEqualTo(written.slo());
        assertThat(read.sloMet()).isEqualTo(written.sloMet());
        assertThat(read.sloMetByMetric()).isEqualTo(written.sloMetByMetric());
        for (Metric metric : Metric.values()) {
            assertThat(read.distribution(metric)).as(metric.key())
                    .isEqualTo(written.distribution(metric));
        }
        assertThat(read.clientHealth()).isEqualTo(written.clientHealth());
        assertThat(read.caveats()).isEqualTo(written.caveats());
        assertThat(VllmView.of(read)).isEqualTo(VllmView.of(written));
        assertThat(EvalscopeView.of(read)).isEqualTo(EvalscopeView.of(written));
    }

    private static void assertSameNumber(String name, double actual, double expected) {
        assertThat(Double.compare(actual, expected)).as(name + ": " + actual + " vs " + expected)
                .isZero();
    }

    @Test
    void pointFileReadsBackEqual() {
        OutputLayout layout = OutputLayout.of(out, "ep8");
        Summary written = point(LoadDescription.closedLoop(16).withPlannedRequests(40), 40);

        Path file = SummaryWriter.open(layout, "ep8").write(written);

        assertThat(file).isEqualTo(out.resolve("ep8").resolve("summary-c16.json"));
        assertSameFigures(SummaryReader.readPoint(file), written);
    }

    @Test
    void openLoopPointReadsBackEqual() {
        OutputLayout layout = OutputLayout.of(out, "tp4pp2");
        Summary infinite = point(LoadDescription.openLoop(Double.POSITIVE_INFINITY, 1, 8), 3);

        Path file = SummaryWriter.open(layout, "tp4pp2").write(infinite);

        assertThat(file.getFileName().toString()).isEqualTo("summary-rinf-c8.json");
        assertSameFigures(SummaryReader.readPoint(file), infinite);
    }

    @Test
    void emptyPointReadsBackEqual() {
        OutputLayout layout = OutputLayout.of(out, "empty");
        Summary empty = new MetricsRecorder(Requests.ORIGIN_NANOS)
                .summarize(SummaryContext.of(LoadDescription.closedLoop(1)).withComplete(false));

        Path file = SummaryWriter.open(layout, "empty").write(empty);

        assertSameFigures(SummaryReader.readPoint(file), empty);
    }

    @Test
    void pointFileHasCanonicalFiguresAndViews() throws Exception {
        OutputLayout layout = OutputLayout.of(out, "run");
        Summary written = point(LoadDescription.closedLoop(4), 10);

        Path file = SummaryWriter.open(layout, "run").write(written);
        JsonNode json = JsonSupport.MAPPER.readTree(file.toFile());

        assertThat(json.get("schema").asText()).isEqualTo("tokenmark-summary");
        assertThat(json.at("/point/label").asText()).isEqualTo("c4");
        assertThat(json.at("/requests/failed_by_error/read_timeout").asLong()).isEqualTo(1);
        assertThat(json.at("/metrics/ttft_ms/p99").asDouble())
                .isEqualTo(written.stats(Metric.TTFT).p99());
        assertThat(json.at("/metrics/ttft_ms/p99_9").isNumber()).isTrue();
        assertThat(json.at("/client_health/schedule_lag_ms/count").asLong()).isEqualTo(12);
        assertThat(json.at("/client_health/thresholds/schedule_lag_p99_ms").asDouble())
                .isEqualTo(10.0);
        assertThat(json.at("/slo/ttft_ms").asDouble()).isEqualTo(120.0);
        assertThat(json.at("/slo/tpot_ms").isNull()).isTrue();
        assertThat(json.at("/views/vllm/mean_itl_ms").isNumber()).isTrue();
        assertThat(json.at("/views/evalscope").has("Average package latency (s)")).isTrue();
        assertThat(json.at("/histograms/itl/unit").asText()).isEqualTo("ns");
        assertThat(json.at("/histograms/output_tokens/unit").asText()).isEqualTo("tokens");
    }

    @Test
    void missingValuesAreNullNotNaN() throws Exception {
        OutputLayout layout = OutputLayout.of(out, "run");
        Summary empty = new MetricsRecorder(Requests.ORIGIN_NANOS)
                .summarize(SummaryContext.of(LoadDescription.closedLoop(1)));

        Path file = SummaryWriter.open(layout, "run").write(empty);
        String text = Files.readString(file);

        assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
        JsonNode json = JsonSupport.MAPPER.readTree(text);
        assertThat(json.get("duration_s").isNull()).isTrue();
        assertThat(json.at("/metrics/ttft_ms/mean").isNull()).isTrue();
        assertThat(json.at("/throughput/goodput_requests_per_s").isNull()).isTrue();
        assertThat(json.get("slo").isNull()).isTrue();
    }

    @Test
    void runSummaryReplacesRepeatedPoint() {
        OutputLayout layout = OutputLayout.of(out, "sweep");
        SummaryWriter writer = SummaryWriter.open(layout, "sweep");
        Summary c1 = point(LoadDescription.closedLoop(1), 2);
        Summary c4Stopped = point(LoadDescription.closedLoop(4), 2);
        Summary c16 = point(LoadDescription.closedLoop(16), 2);
        Summary c4 = point(LoadDescription.closedLoop(4), 5);

        writer.write(c1);
        writer.write(c4Stopped);
        writer.write(c16);
        writer.write(c4);
        List<Summary> read = SummaryReader.readRunSummary(layout.runSummaryFile());

        assertThat(read).extracting(s -> s.load().label()).containsExactly("c1", "c4", "c16");
        assertThat(read.get(1).totalRequests()).isEqualTo(c4.totalRequests());
        assertSameFigures(read.get(2), c16);
    }

    @Test
    void reopenedRunKeepsEarlierPoints() {
        OutputLayout layout = OutputLayout.of(out, "resumed");
        SummaryWriter.open(layout, "resumed").write(point(LoadDescription.closedLoop(1), 2));

        SummaryWriter again = SummaryWriter.open(layout, "resumed");
        again.write(point(LoadDescription.closedLoop(2), 2));

        assertThat(again.points()).extracting(s -> s.load().label()).containsExactly("c1", "c2");
        assertThat(SummaryReader.readRunDirectory(layout.runDirectory()))
                .extracting(s -> s.load().label()).containsExactly("c1", "c2");
    }

    @Test
    void writeLeavesNoTemporaryFile() throws Exception {
        OutputLayout layout = OutputLayout.of(out, "clean");
        SummaryWriter writer = SummaryWriter.open(layout, "clean");

        writer.write(point(LoadDescription.closedLoop(1), 2));
        writer.write(point(LoadDescription.closedLoop(1), 3));

        try (Stream<Path> files = Files.list(layout.runDirectory())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("summary-c1.json", "summary.json");
        }
    }

    @Test
    void runDirectoryWithoutRunSummaryReadsPointFiles() throws Exception {
        OutputLayout layout = OutputLayout.of(out, "partial");
        SummaryWriter writer = SummaryWriter.open(layout, "partial");
        writer.write(point(LoadDescription.closedLoop(8), 2));
        writer.write(point(LoadDescription.closedLoop(2), 2));
        Files.delete(layout.runSummaryFile());

        List<Summary> read = SummaryReader.readRunDirectory(layout.runDirectory());

        assertThat(read).extracting(s -> s.load().label()).containsExactlyInAnyOrder("c2", "c8");
    }

    @Test
    void readerRejectsFileOfAnotherSchema() throws Exception {
        Path file = out.resolve("summary-x.json");
        Files.writeString(file, "{\"schema\": \"something-else\"}");

        assertThatThrownBy(() -> SummaryReader.readPoint(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid summary file " + file + ": not a TokenMark point summary:"
                        + " schema is 'something-else', expected 'tokenmark-summary'");
    }

    @Test
    void readerNamesMissingHistogram() throws Exception {
        OutputLayout layout = OutputLayout.of(out, "run");
        Path file = SummaryWriter.open(layout, "run").write(point(LoadDescription.closedLoop(1), 2));
        String text = Files.readString(file).replace("\"itl\" : {", "\"itl_renamed\" : {");
        Files.writeString(file, text);

        assertThatThrownBy(() -> SummaryReader.readPoint(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("histograms has no 'itl'");
    }

    @Test
    void readerRejectsFolderWithoutSummary() throws Exception {
        Path empty = Files.createDirectories(out.resolve("nothing"));

        assertThatThrownBy(() -> SummaryReader.readRunDirectory(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no summary in " + empty);
    }
}
