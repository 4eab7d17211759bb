package io.tokenmark.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogReader;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.jmh.testing.SimulatedRuns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report's contents, read as text; {@code HtmlReportBrowserTest} renders it. */
class HtmlReportTest {
    private static final Pattern DATA = Pattern.compile(
            "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL);

    @TempDir
    Path folder;

    private static String render(RunData... runs) {
        return HtmlReport.render(List.of(runs), Instant.parse("2025-06-01T12:00:00Z"));
    }

    private static JsonNode data(String html) throws IOException {
        Matcher m = DATA.matcher(html);
        assertThat(m.find()).as("embedded report data").isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    @Test
    void reportLoadsNothingFromOutside() {
        String html = render(SimulatedRuns.slow(), SimulatedRuns.fast());

        assertThat(html).doesNotContainPattern("(?i)<script[^>]+src\\s*=");
        assertThat(html).doesNotContainPattern("(?i)<link\\b");
        assertThat(html).doesNotContainPattern("(?i)<img\\b");
        assertThat(html).doesNotContainPattern("(?i)<iframe\\b");
        assertThat(html).doesNotContainPattern("(?i)@import");
        assertThat(html).doesNotContainPattern("(?i)url\\(");
        assertThat(html).doesNotContainPattern("(?i)\\bfetch\\(|XMLHttpRequest|WebSocket");
    }

    @Test
    void reportHasEverySection() {
        String html = render(SimulatedRuns.slow(), SimulatedRuns.fast());

        for (String id : List.of("caveats", "comparison", "charts", "timelines", "summaries",
                "errors", "metadata", "script-errors")) {
            assertThat(html).contains("id=\"" + id + "\"");
        }
        for (String chart : List.of("output_tokens_per_s", "requests_per_s", "ttft", "tpot",
                "itl", "e2el")) {
            assertThat(html).contains("data-chart=\"" + chart + "\"");
        }
        assertThat(html).contains("data-chart=\"timeline\" data-run=\"0\"",
                "data-chart=\"timeline\" data-run=\"1\"");
    }

    @Test
    void reportShowsRunMetadata() {
        String html = render(SimulatedRuns.fast());
        RunMetadata metadata = SimulatedRuns.fast().metadata();

        assertThat(html).contains("<th>Target</th><td>" + metadata.targetUrl() + "</td>",
                "<th>Model</th><td>tokenmark-simulator</td>",
                "<th>Simulator profile</th><td>fixed</td>",
                "<th>TokenMark version</th><td>" + metadata.tokenmarkVersion() + "</td>",
                "<th>JVM</th>", "<th>Cores</th><td>" + metadata.host().cores() + "</td>",
                "<th>Workload</th><td>random: 32 in");
    }

    @Test
    void reportListsCaveatsOnce() {
        String html = render(SimulatedRuns.slow(), SimulatedRuns.fast());

        assertThat(html).containsOnlyOnce("Figures are measured at the client");
        assertThat(html).contains("The server ran on the client&#39;s host");
    }

    @Test
    void reportDataCoversEveryRun() throws IOException {
        JsonNode data = data(render(SimulatedRuns.slow(), SimulatedRuns.middle()));

        assertThat(data.get("x_title").asText()).isEqualTo("Concurrency (users)");
        assertThat(data.get("x_labels")).extracting(JsonNode::asText)
                .containsExactly("1", "2", "4");
        JsonNode slow = data.get("runs").get(0);
        assertThat(slow.get("label").asText()).isEqualTo("slow");
        assertThat(slow.get("points").get(1).isNull()).isTrue();
        assertThat(slow.get("points").get(0).get("ttft").get("p99").asDouble()).isPositive();
        assertThat(slow.get("timeline").get("total").asInt()).isEqualTo(16);
        assertThat(slow.get("timeline").get("requests")).hasSize(16);
    }

    @Test
    void errorsTableCountsFailuresByKind() throws IOException {
        Path run = copyRun(SimulatedRuns.fast(), "failing");
        rewriteSummaryWithFailures(run);

        String html = render(RunData.load(run));

        assertThat(html).contains("<th>http_503</th>");
    }

    @Test
    void timelineSamplesLargeRuns() throws IOException {
        Path run = copyRun(SimulatedRuns.fast(), "large");
        Path requests = OutputLayout.ofRunDirectory(run).requestsFile();
        List<String> lines = Files.readAllLines(requests);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            many.add(lines.get(i % lines.size()).replaceFirst("\"request_id\":\\d+",
                    "\"request_id\":" + i));
        }
        Files.write(requests, many);
        assertThat(RequestLogReader.read(requests)).hasSize(2_500);

        JsonNode timeline = data(render(RunData.load(run))).get("runs").get(0).get("timeline");

        assertThat(timeline.get("total").asInt()).isEqualTo(2_500);
        assertThat(timeline.get("shown").asInt()).isEqualTo(HtmlReport.MAX_TIMELINE_REQUESTS);
        assertThat(timeline.get("requests")).hasSize(HtmlReport.MAX_TIMELINE_REQUESTS);
    }

    @Test
    void hostileMetadataCannotEndScriptOrInjectMarkup() throws IOException {
        Path run = copyRun(SimulatedRuns.fast(), "hostile");
        Path runFile = OutputLayout.ofRunDirectory(run).runFile();
        RunMetadata m = RunMetadata.read(runFile);
        String hostile = "</script><script>alert(1)</script><b>bold</b>";
        new RunMetadata(m.label(), m.startedAt(), m.tokenmarkVersion(), m.targetUrl(), hostile,
                m.api(), m.simulatorProfile(), hostile, m.load(), m.slo(), m.host(),
                Map.of("note", hostile)).write(runFile);

        String html = render(RunData.load(run));

        assertThat(html).doesNotContain("<script>alert(1)", "<b>bold</b>");
        assertThat(html).contains("&lt;/script&gt;&lt;script&gt;alert(1)");
        assertThat(html.split("</script>", -1)).hasSize(3);
    }

    @Test
    void scriptJsonEscapesMarkupCharacters() {
        assertThat(Html.scriptJson("{\"a\":\"</script>&\u2028\"}"))
                .isEqualTo("{\"a\":\"\\u003c/script\\u003e\\u0026\\u2028\"}");
    }

    @Test
    void fillReplacesPlaceholdersOnce() {
        String filled = Html.fill("<p>{{A}}</p><p>{{B}}</p>", Map.of("A", "{{B}}", "B", "b"));

        assertThat(filled).isEqualTo("<p>{{B}}</p><p>b</p>");
    }

    private Path copyRun(RunData source, String label) throws IOException {
        Path target = Files.createDirectories(folder.resolve(label));
        try (Stream<Path> files = Files.list(source.directory())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }

    /** Marks 2 of the first point's requests as http_503 in both summary files. */
    private static void rewriteSummaryWithFailures(Path run) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        OutputLayout layout = OutputLayout.ofRunDirectory(run);
        JsonNode summary = mapper.readTree(layout.runSummaryFile().toFile());
        com.fasterxml.jackson.databind.node.ObjectNode requests =
                (com.fasterxml.jackson.databind.node.ObjectNode) summary.get("points").get(0)
                        .get("requests");
        long total = requests.get("total").asLong();
        requests.put("succeeded", total - 2);
        requests.put("failed", 2);
        requests.putObject("failed_by_error").put("http_503", 2);
        Files.writeString(layout.runSummaryFile(), mapper.writeValueAsString(summary),
                StandardCharsets.UTF_8);
    }
}
