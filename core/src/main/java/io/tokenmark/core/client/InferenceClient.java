package io.tokenmark.core.client;

import io.tokenmark.core.workload.RequestSpec;

/**
 * Sends streaming inference requests and reports each stream's events to a listener.
 *
 * <p>This is the service-provider interface between the load generator ({@code core}) and a
 * transport; {@code tokenmark-netty-client} implements it. Implementations are configured by
 * {@link ClientOptions}.
 *
 * <p><b>Threading:</b> {@link #send} may be called from any thread, including a listener's I/O
 * thread, and never blocks on the network: connecting, writing and reading happen on the
 * client's I/O threads, which also run every listener callback.
 */
public interface InferenceClient extends AutoCloseable {
    /**
     * Starts one streaming request.
     *
     * @param requestId sent as the {@code X-Request-Id} header so that server logs and the
     *     simulator's ground truth can be matched to this request (vLLM adopts it as its own
     *     request id); {@code null} sends no such header
     * @param spec what to send; the client adds the model, {@code "stream": true} and the stream
     *     options from its {@link ClientOptions}
     * @param listener receives the stream's events and exactly one terminal callback, also when
     *     the client cannot connect
     * @return a handle to cancel the request
     * @throws IllegalStateException if the client is closed
     */
    RequestHandle send(String requestId, RequestSpec spec, StreamListener listener);

    /**
     * Cancels requests in flight (each listener gets {@link ErrorKind#CANCELLED}), closes
     * connections and stops the I/O threads. Blocks until they have stopped; call it from a
     * thread that is not one of the client's I/O threads. Idempotent.
     */
    @Override
    void close();
}
