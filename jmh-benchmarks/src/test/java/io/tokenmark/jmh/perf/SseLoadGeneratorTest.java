package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class SseLoadGeneratorTest {
    /** Chunked SSE as the simulator writes it: three events, each in its own HTTP chunk. */
    private static final byte[] STREAM = ("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            + "f\r\ndata: {\"a\":1}\n\n\r\n"
            + "f\r\ndata: {\"b\":2}\n\n\r\n"
            + "e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private static long count(byte[] bytes, int... cuts) {
        LongAdder events = new LongAdder();
        EmbeddedChannel channel = new EmbeddedChannel(new SseLoadGenerator.EventCounter(events));
        int from = 0;
        for (int cut : cuts) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, cut - from));
            from = cut;
        }
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
        channel.finishAndReleaseAll();
        return events.sum();
    }

    @Test
    void counterCountsEventsAtEverySplit() {
        assertThat(count(STREAM)).isEqualTo(3);
        for (int cut = 1; cut < STREAM.length; cut++) {
            assertThat(count(STREAM, cut)).as("split at %d", cut).isEqualTo(3);
        }
    }

    @Test
    void counterCountsPairSplitIntoOneByteReads() {
        byte[] bytes = "x\n\n\n\ny\n".getBytes(StandardCharsets.US_ASCII);

        assertThat(count(bytes, 1, 2, 3, 4, 5, 6)).isEqualTo(2);
    }

    @Test
    void generatorCountsEveryEventOfCompleteStreams() throws InterruptedException {
        int streams = 4;
        int tokens = 20;
        try (Simulator simulator = Simulator.start(SimulatorOptions.builder()
                        .profile(Profiles.fixed(Duration.ofMillis(5), Duration.ofMillis(2)))
                        .build());
                SseLoadGenerator generator = new SseLoadGenerator(simulator.baseUrl(),
                        simulator.modelName(), tokens)) {
            for (int i = 0; i < streams; i++) {
                generator.openStream();
            }
            // Role chunk, the token events and [DONE]; the request does not request a usage chunk.
            long expected = streams * (1 + tokens + 1L);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (generator.events() < expected && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }

            assertThat(generator.events()).isEqualTo(expected);
            assertThat(generator.failedConnects()).isZero();
            assertThat(simulator.groundTruth().publishedCount()).isEqualTo(streams);
        }
    }
}
