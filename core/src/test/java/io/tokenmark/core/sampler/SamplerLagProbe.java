package io.tokenmark.core.sampler;

import io.tokenmark.core.metric.RequestRecord;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import org.HdrHistogram.Recorder;

/**
 * A timed run that prints how late the sampler dispatches requests, against the in-process
 * {@link DelayedResponseClient}. It is a measurement, not a test: nothing is asserted.
 *
 * <p>It prints two distributions per point. <b>Dispatch lag</b> is dispatch − scheduled: the
 * sampler's own delay (the open-loop dispatcher's wake-up, or the closed-loop hop from a
 * request's end to its successor's send). <b>Schedule lag</b> is send − scheduled as records
 * report it; here "send" is when the test client's executor ran {@code onRequestSent}, so it adds
 * that executor's queueing, which a real client does not have.
 *
 * <p>Run it from the repository root after {@code mvn -B -o -q -pl core -am test-compile}, with
 * the SLF4J and HdrHistogram jars from the local Maven repository:
 * <pre>
 * M2=~/.m2/repository
 * java -Xms1g -Xmx1g -cp core/target/classes:core/target/test-classes:\
 * $M2/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar:\
 * $M2/org/slf4j/slf4j-simple/2.0.17/slf4j-simple-2.0.17.jar:\
 * $M2/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar \
 *     io.tokenmark.core.sampler.SamplerLagProbe open 5000 2000 30000
 * </pre>
 * A heap sized up front ({@code -Xms} equal to {@code -Xmx}) keeps young-generation pauses out
 * of the run; with the default initial heap they dominate the lag tail at 10,000 streams.
 * Arguments: {@code open RATE RESPONSE_MS REQUESTS} runs open loop at RATE requests per second
 * with responses of RESPONSE_MS, which keeps about RATE × RESPONSE_MS / 1000 streams in flight;
 * {@code closed USERS RESPONSE_MS REQUESTS} runs closed loop with USERS users.
 */
public final class SamplerLagProbe {
    private SamplerLagProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: open RATE RESPONSE_MS REQUESTS | closed USERS RESPONSE_MS REQUESTS");
        }
        String mode = args[0];
        double load = Double.parseDouble(args[1]);
        Duration response = Duration.ofMillis(Long.parseLong(args[2]));
        int requests = Integer.parseInt(args[3]);
        LoadPoint point = mode.equals("open")
                ? LoadPoint.openLoop(load).requests(requests).build()
                : LoadPoint.closedLoop((int) load).requests(requests).build();

        Recorder dispatchLag = new Recorder(3);
        Recorder scheduleLag = new Recorder(3);
        Consumer<RequestRecord> sink = record -> {
            dispatchLag.recordValue(Math.max(0, record.dispatchNanos() - record.scheduledNanos()));
            scheduleLag.recordValue(Math.max(0, record.scheduleLagNanos()));
        };

        int ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors() - 1);
        try (DelayedResponseClient client =
                new DelayedResponseClient(ioThreads, index -> response)) {
            PointExecution execution = PointExecution.create(point, new NumberedWorkload(1024),
                    client, RunContext.create("probe", 1), sink);
            execution.start();
            execution.awaitCompletion();

            PointCounters counters = execution.counters();
            System.out.printf(Locale.ROOT, "point %s: %s%n", point.label(), point.description());
            System.out.printf(Locale.ROOT,
                    "  %d requests in %.2f s, peak %d in flight, %d test I/O threads,"
                            + " %d processors%n",
                    counters.dispatched(), counters.elapsedNanos() / 1e9, client.maxInFlight(),
                    ioThreads, Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "  requested %.1f req/s, achieved %.1f req/s%n",
                    counters.requestedRatePerSecond(), counters.achievedRatePerSecond());
            print("dispatch lag", dispatchLag);
            print("schedule lag", scheduleLag);
        }
    }

    private static void print(String name, Recorder recorder) {
        var histogram = recorder.getIntervalHistogram();
        System.out.printf(Locale.ROOT,
                "  %s µs: p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f (n=%d)%n", name,
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(90) / 1e3,
                histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
                histogram.getMaxValue() / 1e3, histogram.getTotalCount());
    }
}
