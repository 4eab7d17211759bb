package io.tokenmark.netty;

import com.fasterxml.jackson.core.JsonFactory;
import io.netty.resolver.AddressResolverGroup;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.client.IoThreadUsage;
import io.tokenmark.core.client.RequestHandle;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.http.HttpStreamTransport;
import io.tokenmark.netty.openai.RequestBodyWriter;
import io.tokenmark.netty.openai.RequestBodyWriter.InvalidRequestException;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty implementation of {@link InferenceClient}: HTTP/1.1 keep-alive connections to one
 * OpenAI-compatible endpoint, zero-copy SSE decoding, and one {@code System.nanoTime()} per
 * socket read as the arrival time of every event that read completes.
 *
 * <p>Create one with {@link #create(ClientOptions)}; every option of {@link ClientOptions} is
 * honoured (see {@link HttpStreamTransport} for the transport options). Each {@link #send}
 * writes the request body with Jackson's streaming generator (see {@link RequestBodyWriter}) and
 * sends these headers: {@code Content-Type: application/json}, {@code Accept: text/event-stream},
 * {@code Authorization: Bearer <key>} when a key is set, {@code X-Request-Id} when the request
 * id is not {@code null}, then the custom headers, which replace earlier ones of the same name.
 *
 * <p><b>Listener contract:</b> every callback of a request runs on the event loop of its
 * connection (on some event loop of this client when no connection was made), in stream order,
 * and exactly one terminal callback arrives: also for connect failures, cancellation,
 * {@link #close()} and a request that cannot be built. A request that does not fit the
 * configured API (a completions request with only chat messages) is not sent and fails with
 * {@link io.tokenmark.core.client.ErrorKind#CANCELLED} and a message saying why.
 *
 * <p><b>Error kinds:</b> {@code http_<status>} for a non-2xx status (first 4 KiB of the body
 * kept); {@code stream_error} for an in-band {@code error} event; {@code truncated} when the body
 * ends cleanly with neither {@code finish_reason} nor {@code [DONE]}; {@code read_timeout};
 * {@code connect_failed} for DNS, refused, timed-out or TLS-rejected connections;
 * {@code connection_reset} for a reset or a close before the response is complete;
 * {@code malformed_event} for data that is not JSON or an event over {@code maxEventBytes};
 * {@code cancelled} for {@link RequestHandle#cancel()}, {@link #close()} and the total
 * deadline.
 *
 * <p>The API key is sent only in the {@code Authorization} header; it is never logged and never
 * appears in a message or in {@link #toString()}. Where a server quotes the key in an error body
 * or an in-band error, the failure's message and body show {@code [redacted]} instead.
 *
 * <p><b>Self-report:</b> as an {@link IoThreadUsage}, the client counts the time its event loops
 * spend handling ready sockets and running tasks, excluding the wait for readiness, with a few
 * {@code System.nanoTime()} calls per event-loop iteration and none per token event. A benchmark
 * run turns the count into the event-loop busy share of each summary.
 *
 * <p><b>Pitfall:</b> a connection that the server closed while idle may be picked for a request
 * just before its close arrives; that request then fails with {@code connection_reset}. The client
 * does not retry, because a retried request would measure something else.
 */
public final class NettyInferenceClient implements InferenceClient, IoThreadUsage {
    private static final Logger log = LoggerFactory.getLogger(NettyInferenceClient.class);

    private final ClientOptions options;
    private final RequestBodyWriter bodyWriter;
    private final HttpStreamTransport transport;

    private NettyInferenceClient(ClientOptions options,
            AddressResolverGroup<InetSocketAddress> resolver) {
        this.options = Objects.requireNonNull(options, "options");
        this.bodyWriter = new RequestBodyWriter(new JsonFactory(), options);
        this.transport = new HttpStreamTransport(options, resolver);
        log.info("started client for {} ({} event loops, {} transport)", options.endpoint(),
                options.ioThreads(), transport.usesEpoll() ? "epoll" : "NIO");
    }

    /**
     * Starts a client; no connection is opened until the first request.
     *
     * @throws IllegalArgumentException if an extra body value in the options cannot be written
     *     as JSON
     * @throws IllegalStateException if the TLS context cannot be built
     */
    public static NettyInferenceClient create(ClientOptions options) {
        return new NettyInferenceClient(options, null);
    }

    /** Starts a client that resolves host names with {@code resolver}; for tests. */
    static NettyInferenceClient create(ClientOptions options,
            AddressResolverGroup<InetSocketAddress> resolver) {
        return new NettyInferenceClient(options, resolver);
    }

    @Override
    public RequestHandle send(String requestId, RequestSpec spec, StreamListener listener) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(listener, "listener");
        byte[] body;
        try {
            body = bodyWriter.write(spec);
        } catch (InvalidRequestException e) {
            return transport.reject(requestId, listener, "request not sent: " + e.getMessage());
        }
        return transport.send(requestId, body, listener);
    }

    /** Returns the options this client was created with. */
    public ClientOptions options() {
        return options;
    }

    /** Number of open connections, connecting ones included. */
    public int openConnections() {
        return transport.openConnections();
    }

    /**
     * Returns the nanoseconds the client's event loops have spent handling ready sockets (reads,
     * decoding, listener callbacks, pending writes) and running tasks (request writes,
     * cancellations, timers) since the client started, summed over all loops. Time spent waiting
     * for sockets to become ready is not counted.
     */
    @Override
    public long busyNanos() {
        return transport.busyNanos();
    }

    /** Returns the number of event-loop threads, {@link ClientOptions#ioThreads()}. */
    @Override
    public int ioThreads() {
        return options.ioThreads();
    }

    @Override
    public void close() {
        transport.close();
        log.info("closed client for {}", options.endpoint());
    }

    @Override
    public String toString() {
        return "NettyInferenceClient[" + options + "]";
    }
}
