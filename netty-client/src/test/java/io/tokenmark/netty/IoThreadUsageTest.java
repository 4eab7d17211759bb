package io.tokenmark.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.IoThreadUsage;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.testing.RecordingListener;
import io.tokenmark.netty.testing.ScriptedServer;
import io.tokenmark.netty.testing.ScriptedServer.Response;
import io.tokenmark.netty.testing.ScriptedServer.Segment;
import org.junit.jupiter.api.Test;

/** {@link NettyInferenceClient} as an {@link IoThreadUsage}, over real sockets. */
class IoThreadUsageTest {
    private static final RequestSpec SPEC = RequestSpec.ofUserMessage("Say hello.", 16);
    private static final String STREAM =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";

    @Test
    void clientReportsItsIoThreadCount() {
        try (NettyInferenceClient client = NettyInferenceClient.create(
                ClientOptions.builder(java.net.URI.create("http://127.0.0.1:1/v1"))
                        .ioThreads(3).build())) {
            assertThat(client.ioThreads()).isEqualTo(3);
        }
    }

    @Test
    void busyTimeGrowsWhileServingRequests() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> Response.sse(
                        Segment.of(STREAM, 0)));
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(server.baseUrl()).ioThreads(1).build())) {
            long before = client.busyNanos();

            long previous = before;
            for (int i = 0; i < 20; i++) {
                RecordingListener listener = new RecordingListener(SPEC);
                client.send("busy-" + i, SPEC, listener);
                assertThat(listener.await(10_000).success()).isTrue();
                long now = client.busyNanos();
                assertThat(now).isGreaterThanOrEqualTo(previous);
                previous = now;
            }

            assertThat(previous).isGreaterThan(before);
        }
    }
}
