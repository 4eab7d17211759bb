package io.tokenmark.core.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A timed run, not part of the normal test suite: how many finished requests per second
 * {@link MetricsRecorder} absorbs when several threads record at once, and what one summary
 * costs. It prints its figures and asserts only that no sample was lost, because wall-clock
 * speed depends on the machine and its load. Its class name does not match Surefire's test
 * patterns, so it runs only when named:
 *
 * <pre>
 * mvn -o -q -pl core -am test -Dtest=MetricsRecorderThroughput -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * System properties {@code throughput.threads} (default 2), {@code throughput.requests} (20,000)
 * and {@code throughput.tokens} (1,024 single-token events per request) change the load.
 */
class MetricsRecorderThroughput {
    @Test
    void recordFromSeveralThreads() throws Exception {
        int threads = Integer.getInteger("throughput.threads", 2);
        int requests = Integer.getInteger("throughput.requests", 20_000);
        int tokens = Integer.getInteger("throughput.tokens", 1024);

        List<RequestRecord> records = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            double tpot = 8 + (i % 7);
            records.add(Requests.success(i, i * 5.0, 40 + i % 13, tpot, tokens, 1024, 1).build());
        }
        SummaryContext context = SummaryContext.of(LoadDescription.closedLoop(threads));

        for (int round = 1; round <= 5; round++) {
            MetricsRecorder metrics = new MetricsRecorder(Requests.ORIGIN_NANOS, Slo.parse("ttft=50,itl=12"));
            long start = System.nanoTime();
            recordInParallel(metrics, records, threads);
            long recorded = System.nanoTime();
            Summary summary = metrics.summarize(context);
            long summarized = System.nanoTime();

            double seconds = (recorded - start) / 1e9;
            System.out.printf(Locale.ROOT,
                    "round %d: %d threads, %d requests x %d tokens in %.3f s: %.0f requests/s,"
                            + " %.1f M token events/s, %.1f ns per token event; summarize %.2f ms"
                            + " (check: %d ITL samples)%n",
                    round, threads, requests, tokens, seconds, requests / seconds,
                    (double) requests * tokens / seconds / 1e6,
                    (recorded - start) / ((double) requests * tokens),
                    (summarized - recorded) / 1e6,
                    summary.distribution(Metric.ITL).count());
            assertThat(summary.distribution(Metric.ITL).count())
                    .isEqualTo((long) requests * (tokens - 1));
        }
    }

    private static void recordInParallel(MetricsRecorder metrics, List<RequestRecord> records,
            int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < records.size(); i += threads) {
                        metrics.record(records.get(i));
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
