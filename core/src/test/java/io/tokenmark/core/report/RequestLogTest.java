package io.tokenmark.core.report;

import static io.tokenmark.core.metric.Requests.at;
import static io.tokenmark.core.metric.Requests.failure;
import static io.tokenmark.core.metric.Requests.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.Requests;
import io.tokenmark.core.metric.TokenCountSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestLogTest {
    /** The run started 1 s before the requests' time origin. */
    private static final long RUN_START = Requests.ORIGIN_NANOS - 1_000_000_000L;

    @TempDir
    Path out;

    private Path file() {
        return OutputLayout.of(out, "run").requestsFile();
    }

    @Test
    void linesReadBackAsWritten() {
        RequestRecord ok = success(7, 10, 50, 10, 5, 8, 2).datasetIndex(3)
                .scheduledNanos(at(9.5)).dispatchNanos(at(9.75)).build();
        RequestRecord failed = failure(8, 20, 30, ErrorKind.HTTP, 503).build();

        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            writer.write("c2", ok);
            writer.write("c2", failed);
        }
        List<RequestLogEntry> entries = RequestLogReader.read(file());

        assertThat(entries).containsExactly(RequestLogEntry.of("c2", ok, RUN_START),
                RequestLogEntry.of("c2", failed, RUN_START));
    }

    @Test
    void lineHoldsTimesRelativeToRunStart() {
        RequestRecord ok = success(7, 10, 50, 10, 5, 8, 2).datasetIndex(3)
                .scheduledNanos(at(9.5)).dispatchNanos(at(9.75))
                .tokensPerEvent(new int[] {1, 1, 1, 1, 1}, TokenCountSource.USAGE)
                .expectedInputTokens(9).build();

        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            writer.write("c2", ok);
        }
        RequestLogEntry entry = RequestLogReader.read(file()).get(0);

        assertThat(entry.requestId()).isEqualTo(7);
        assertThat(entry.point()).isEqualTo("c2");
        assertThat(entry.datasetIndex()).isEqualTo(3);
        assertThat(entry.success()).isTrue();
        assertThat(entry.error()).isNull();
        assertThat(entry.scheduledMillis()).isCloseTo(1_009.5, within(1e-9));
        assertThat(entry.dispatchMillis()).isCloseTo(1_009.75, within(1e-9));
        assertThat(entry.sendMillis()).isCloseTo(1_010.0, within(1e-9));
        assertThat(entry.endMillis()).isCloseTo(1_102.0, within(1e-9));   // 10 + 50 + 4 × 10 + 2
        assertThat(entry.scheduleLagMillis()).isCloseTo(0.5, within(1e-9));
        assertThat(entry.ttftMillis()).isCloseTo(50.0, within(1e-9));
        assertThat(entry.e2elMillis()).isCloseTo(90.0, within(1e-9));
        assertThat(entry.streamTimeMillis()).isCloseTo(92.0, within(1e-9));
        assertThat(entry.tpotMillis()).isCloseTo(10.0, within(1e-9));
        assertThat(entry.tokenEvents()).isEqualTo(5);
        assertThat(entry.tokensPerEventSource()).isEqualTo(TokenCountSource.USAGE);
        assertThat(entry.inputTokens()).isEqualTo(8);
        assertThat(entry.expectedInputTokens()).isEqualTo(9);
        assertThat(entry.outputTokens()).isEqualTo(5);
        assertThat(entry.outputTokenSource()).isEqualTo(TokenCountSource.USAGE);
        assertThat(entry.finishReason()).isEqualTo("length");
        assertThat(entry.httpStatus()).isEqualTo(200);
    }

    @Test
    void failedLineHasErrorAndNullLatencies() throws Exception {
        RequestRecord never = RequestRecord.builder().requestId(3).scheduledNanos(at(0))
                .dispatchNanos(at(1)).endNanos(at(11))
                .error(ErrorKind.CONNECT_FAILED, "connection refused: 127.0.0.1:9", null).build();

        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            writer.write("r2.5", never);
        }
        JsonNode line = JsonSupport.MAPPER.readTree(Files.readAllLines(file()).get(0));

        assertThat(line.get("success").asBoolean()).isFalse();
        assertThat(line.get("error").asText()).isEqualTo("connect_failed");
        assertThat(line.get("error_message").asText()).isEqualTo("connection refused: 127.0.0.1:9");
        assertThat(line.get("http_status").asInt()).isZero();
        assertThat(line.get("send_ms").isNull()).isTrue();
        assertThat(line.get("ttft_ms").isNull()).isTrue();
        assertThat(line.get("stream_time_ms").isNull()).isTrue();
        assertThat(line.get("tpot_ms").isNull()).isTrue();
        assertThat(line.get("schedule_lag_ms").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(line.get("output_tokens").isNull()).isTrue();
        assertThat(line.get("output_token_source").asText()).isEqualTo("unknown");
    }

    @Test
    void warmupRecordIsNotWritten() throws Exception {
        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            writer.write("c1", success(0, 0, 50, 10, 5, 8, 0).warmup(true).build());
            writer.write("c1", success(1, 0, 50, 10, 5, 8, 0).build());
            assertThat(writer.linesWritten()).isEqualTo(1);
        }

        assertThat(Files.readAllLines(file())).hasSize(1);
    }

    @Test
    void eachLineIsOnDiskBeforeClose() throws Exception {
        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            for (int i = 0; i < 3; i++) {
                writer.write("c1", success(i, 0, 50, 10, 5, 8, 0).build());
                assertThat(Files.readAllLines(file())).hasSize(i + 1);
            }
        }
    }

    @Test
    void reopenedLogAppends() {
        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            writer.write("c1", success(0, 0, 50, 10, 5, 8, 0).build());
        }
        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            writer.write("c2", success(1, 0, 50, 10, 5, 8, 0).build());
        }

        assertThat(RequestLogReader.read(file())).extracting(RequestLogEntry::point)
                .containsExactly("c1", "c2");
    }

    @Test
    void concurrentWritesGiveWholeLines() throws Exception {
        int threads = 8;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        writer.write("c8", success(thread * perThread + i, i, 50, 10, 5, 8, 0)
                                .build());
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }

        List<RequestLogEntry> entries = RequestLogReader.read(file());
        assertThat(entries).hasSize(threads * perThread);
        assertThat(entries).extracting(RequestLogEntry::requestId).doesNotHaveDuplicates();
    }

    @Test
    void apiKeyInMessageIsRedacted() throws Exception {
        ApiKey key = ApiKey.of("sk-canary-0123456789");
        RequestRecord failed = failure(0, 0, 5, ErrorKind.HTTP, 401)
                .error(ErrorKind.HTTP, "invalid key sk-canary-0123456789", null).build();

        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START, key)) {
            writer.write("c1", failed);
        }
        String text = Files.readString(file());

        assertThat(text).doesNotContain("sk-canary-0123456789").contains("invalid key [redacted]");
    }

    @Test
    void writeAfterCloseIsRejected() {
        RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START);
        writer.close();
        writer.close();

        assertThatThrownBy(() -> writer.write("c1", success(0, 0, 50, 10, 5, 8, 0).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("request log " + file() + " is closed");
    }

    @Test
    void readerSkipsCutOffLastLine() throws Exception {
        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            writer.write("c1", success(0, 0, 50, 10, 5, 8, 0).build());
        }
        Files.writeString(file(), "{\"request_id\": 1, \"point\": \"c", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        assertThat(RequestLogReader.read(file())).hasSize(1);
    }

    @Test
    void readerRejectsBrokenLineBeforeTheLast() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"request_id\": 1\nnot json\n");
        try (RequestLogWriter writer = RequestLogWriter.open(file(), RUN_START)) {
            writer.write("c1", success(0, 0, 50, 10, 5, 8, 0).build());
        }

        assertThatThrownBy(() -> RequestLogReader.read(file()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid JSON in " + file() + " line 1:");
    }

    @Test
    void readerNamesMissingField() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"request_id\": 1}\n{}\n");

        assertThatThrownBy(() -> RequestLogReader.read(file()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid request line in " + file() + " line 1: request line has no"
                        + " 'point'");
    }
}
