package io.tokenmark.core.report;

import static io.tokenmark.core.metric.Requests.at;
import static io.tokenmark.core.metric.Requests.success;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.Requests;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.SummaryContext;
import org.junit.jupiter.api.Test;

/** The client-health line of {@link ConsoleTable}, printed for every point. */
class ConsoleTableClientHealthTest {

    /**
     * Three requests scheduled 100 ms apart, sent 0, 2 and 4 ms late: the achieved rate is
     * 2 / 0.204 s and the nearest-rank p99 of the lag is 4 ms.
     */
    private static Summary openLoopSummary(double busyShare) {
        MetricsRecorder metrics = new MetricsRecorder(Requests.ORIGIN_NANOS);
        for (int i = 0; i < 3; i++) {
            double sendMillis = i * 100 + i * 2;
            metrics.record(success(i, sendMillis, 50, 10, 11, 100, 0)
                    .scheduledNanos(at(i * 100)).build());
        }
        return metrics.summarize(SummaryContext.of(LoadDescription.openLoop(10, 1, null))
                .withEventLoopBusyShare(busyShare));
    }

    @Test
    void lineShowsLagRatesAndBusyShare() {
        String line = ConsoleTable.clientHealthLine(openLoopSummary(0.25));

        assertThat(line).isEqualTo("Client: schedule lag p99 4.000 ms, achieved 9.80 of 10.00"
                + " req/s requested, event-loop busy share 0.25");
    }

    @Test
    void lineWithoutBusyShareSaysNotAvailable() {
        String line = ConsoleTable.clientHealthLine(openLoopSummary(Double.NaN));

        assertThat(line).endsWith("event-loop busy share n/a");
    }

    @Test
    void closedLoopLineHasNoRequestedRate() {
        MetricsRecorder metrics = new MetricsRecorder(Requests.ORIGIN_NANOS);
        metrics.record(success(0, 0, 50, 10, 11, 100, 0).build());
        metrics.record(success(1, 500, 50, 10, 11, 100, 0).build());
        Summary summary = metrics.summarize(SummaryContext.of(LoadDescription.closedLoop(1)));

        String line = ConsoleTable.clientHealthLine(summary);

        assertThat(line).isEqualTo("Client: schedule lag p99 0.000 ms, achieved 2.00 req/s,"
                + " event-loop busy share n/a");
    }

    @Test
    void formatPrintsHealthLineWhenNotClientBound() {
        Summary summary = openLoopSummary(0.25);

        String text = ConsoleTable.format(summary);

        assertThat(summary.clientHealth().clientBound()).isFalse();
        assertThat(text).contains(ConsoleTable.clientHealthLine(summary) + "\n");
        assertThat(text).doesNotContain("WARNING: client-bound");
    }
}
