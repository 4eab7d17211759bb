package io.tokenmark.jmh.reliability;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.report.RequestLogReader;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.core.run.BenchmarkRun;
import io.tokenmark.core.run.RunResult;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.Sweep;
import io.tokenmark.core.workload.FixedPromptWorkload;
import io.tokenmark.core.workload.Workload;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs one closed-loop point through {@link BenchmarkRun} with a real client and reads back what
 * the run wrote: {@code requests.jsonl} and {@code summary.json}. Tests check the files, not
 * in-memory state, because the files are what users keep.
 */
final class EndToEndRun {
    /** The prompt of every request. */
    static final String PROMPT = "Explain continuous batching in one paragraph.";

    private EndToEndRun() {
    }

    /**
     * What a finished run left.
     *
     * @param result what {@link BenchmarkRun#run()} returned
     * @param layout the run folder
     * @param requests the lines of {@code requests.jsonl}, in file order
     * @param summaries the points of {@code summary.json}
     */
    record Result(RunResult result, OutputLayout layout, List<RequestLogEntry> requests,
            List<Summary> summaries) {
        /** Returns the single point's summary as read from {@code summary.json}. */
        Summary summary() {
            if (summaries.size() != 1) {
                throw new AssertionError("expected one point in " + layout.runSummaryFile()
                        + ", found " + summaries.size());
            }
            return summaries.get(0);
        }
    }

    /**
     * Runs {@code requests} requests with {@code users} closed-loop users, no warm-up, sending
     * {@code max_tokens} = {@code maxTokens} with the fixed prompt.
     *
     * @param runId sent in each {@code X-Request-Id} as {@code tm-<runId>-<request id>}
     * @param redactedKey the API key to redact from the files, or {@code null}
     */
    static Result run(InferenceClient client, URI target, Path out, String label, String runId,
            int users, int requests, int maxTokens, ApiKey redactedKey) throws InterruptedException {
        Workload workload = new FixedPromptWorkload(PROMPT, maxTokens);
        LoadPoint point = LoadPoint.closedLoop(users).requests(requests).warmupRequests(0).build();
        OutputLayout layout = OutputLayout.of(out, label);
        RunMetadata metadata = new RunMetadata(label, Instant.now(), "test", target.toString(),
                "tokenmark-simulator", "chat", null, workload.description(), point.description(),
                Slo.none(), RunMetadata.Host.current(), Map.of());

        RunResult result = BenchmarkRun.builder()
                .client(client)
                .workload(workload)
                .sweep(Sweep.of(point))
                .layout(layout)
                .metadata(metadata)
                .targetSharesHost(true)
                .redactedKey(redactedKey)
                .runId(runId)
                .build()
                .run();

        List<RequestLogEntry> lines = Files.exists(layout.requestsFile())
                ? RequestLogReader.read(layout.requestsFile()) : List.of();
        List<Summary> summaries = Files.exists(layout.runSummaryFile())
                ? SummaryReader.readRunSummary(layout.runSummaryFile()) : List.of();
        return new Result(result, layout, lines, summaries);
    }

    /** Returns the {@code X-Request-Id} that {@link BenchmarkRun} sent for a request. */
    static String headerRequestId(String runId, long requestId) {
        return "tm-" + runId + "-" + requestId;
    }
}
