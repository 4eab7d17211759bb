package io.tokenmark.netty.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.testing.RecordingListener;
import io.tokenmark.netty.testing.ScriptedServer;
import io.tokenmark.netty.testing.ScriptedServer.Response;
import io.tokenmark.netty.testing.ScriptedServer.Segment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The order of events when a request is cancelled while its new connection opens, driven step by
 * step on the connection's event loop so that one interleaving runs every time.
 */
class ExchangeAbortTest {
    private static final RequestSpec SPEC = RequestSpec.ofUserMessage("Say hello.", 16);
    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);
    private static final String STREAM =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}"
                    + "\n\ndata: [DONE]\n\n";

    @Test
    void abortAfterUnusedConnectKeepsConnectionOpen() throws Exception {
        // The cancel sets abortRequested at once and queues abortOnOwner on the event loop. When
        // the connect completes in between, start() hands the unused connection to the pool,
        // where another request may take it before abortOnOwner runs.
        try (ScriptedServer server = ScriptedServer.start(request -> Response.sse(
                Segment.of(STREAM, 0)));
                HttpStreamTransport transport = new HttpStreamTransport(
                        ClientOptions.builder(server.baseUrl()).ioThreads(1).build(), null)) {
            RecordingListener cancelledListener = new RecordingListener(SPEC);
            Exchange cancelled = new Exchange(transport, "cancelled", cancelledListener,
                    transport.buildRequest("cancelled", BODY));
            cancelled.abortRequested = true;
            transport.pool().acquire(cancelled);
            // acquire() started the connect on this thread, so the field is set by now.
            awaitActive(cancelled.connectingChannel);

            RecordingListener nextListener = new RecordingListener(SPEC);
            cancelled.owner.submit(() -> {
                transport.send("next", BODY, nextListener);
                cancelled.abortOnOwner("cancelled by the caller");
            }).get(10, TimeUnit.SECONDS);

            RequestRecord next = nextListener.await(10_000);
            assertThat(next.errorLabel()).as("request that took the released connection")
                    .isNull();
            assertThat(cancelledListener.await(10_000).error()).isEqualTo(ErrorKind.CANCELLED);
            assertThat(server.connectionsAccepted()).isEqualTo(1);
        }
    }

    /**
     * Waits until {@code channel} is connected. A task submitted to its event loop afterwards
     * runs after the connect listener, which calls {@code Exchange.start}.
     */
    private static void awaitActive(Channel channel) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!channel.isActive()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("connection " + channel + " did not open in 10 s");
            }
            Thread.sleep(1);
        }
    }
}
