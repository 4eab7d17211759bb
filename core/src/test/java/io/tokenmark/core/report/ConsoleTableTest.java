package io.tokenmark.core.report;

import static io.tokenmark.core.metric.Requests.failure;
import static io.tokenmark.core.metric.Requests.success;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.Caveats;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.Requests;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.SummaryContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleTableTest {
    private static Summary summary(Slo slo, double busyShare) {
        MetricsRecorder metrics = new MetricsRecorder(Requests.ORIGIN_NANOS, slo);
        metrics.record(success(0, 0, 50, 10, 11, 100, 0).build());
        metrics.record(success(1, 0, 70, 10, 11, 100, 0).build());
        metrics.record(failure(2, 0, 500, ErrorKind.HTTP, 503).build());
        return metrics.summarize(SummaryContext.of(LoadDescription.closedLoop(4))
                .withEventLoopBusyShare(busyShare));
    }

    /** Returns the first cells of the table rows, skipping the header row. */
    private static List<String> rowKeys(String table) {
        List<String> keys = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (line.startsWith("|")) {
                keys.add(line.substring(1, line.indexOf('|', 1)).strip());
            }
        }
        return keys.subList(1, keys.size());
    }

    @Test
    void rowsFollowEvalscopeOrder() {
        String table = ConsoleTable.summaryTable(summary(Slo.none(), Double.NaN));

        assertThat(rowKeys(table)).containsExactly(
                "Time taken for tests (s)",
                "Number of concurrency",
                "Total requests",
                "Succeed requests",
                "Failed requests",
                "Output token throughput (tok/s)",
                "Total token throughput (tok/s)",
                "Request throughput (req/s)",
                "Average latency (s)",
                "Average time to first token (s)",
                "Average time per output token (s)",
                "Average input tokens per request",
                "Average output tokens per request",
                "Average package latency (s)",
                "Average package per request");
    }

    @Test
    void valuesHaveEvalscopePrecision() {
        String table = ConsoleTable.summaryTable(summary(Slo.none(), Double.NaN));

        assertThat(table).contains("| Time taken for tests (s)          | 0.5000 ");
        assertThat(table).contains("| Number of concurrency             | 4 ");
        assertThat(table).contains("| Failed requests                   | 1 ");
        assertThat(table).contains("| Average time to first token (s)   | 0.0600 ");
        assertThat(table).contains("| Average input tokens per request  | 100.0000 ");
        assertThat(table).startsWith("+-----------------------------------+");
        assertThat(table.split("\n")[2]).matches("\\+=+\\+=+\\+");
    }

    @Test
    void formatAddsPercentilesFailuresAndNotes() {
        String text = ConsoleTable.format(summary(Slo.parse("ttft=60"), 0.95));

        assertThat(text).startsWith("Benchmarking summary: c4\n");
        assertThat(text).contains("Percentiles (ms): c4\n");
        assertThat(text).containsPattern("\\| TTFT +\\| +2 \\| +60\\.000 \\|");
        assertThat(text).contains("Failed requests by error: http_503=1\n");
        assertThat(text).contains("Goodput: 2.0000 req/s (SLO ttft=60, attainment 33.3 %)\n");
        assertThat(text).contains("WARNING: client-bound: event-loop busy share 0.95 exceeds"
                + " 0.80");
        assertThat(text).contains("Note: " + Caveats.MEASURED_AT_CLIENT + "\n");
        assertThat(text).endsWith("\n");
    }

    @Test
    void missingValuePrintsNotAvailable() {
        Summary empty = new MetricsRecorder(Requests.ORIGIN_NANOS)
                .summarize(SummaryContext.of(LoadDescription.openLoop(2, 1, null))
                        .withComplete(false));

        String text = ConsoleTable.format(empty);

        assertThat(text).startsWith("Benchmarking summary: r2 (stopped early)\n");
        assertThat(text).contains("| Number of concurrency             | n/a ");
        assertThat(text).contains("| Average latency (s)               | n/a ");
    }
}
