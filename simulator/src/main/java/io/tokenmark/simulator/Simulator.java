package io.tokenmark.simulator;

import io.tokenmark.simulator.server.SimulatorServer;
import io.tokenmark.simulator.truth.GroundTruth;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running OpenAI-compatible server that models an inference engine; the default target of
 * TokenMark's benchmarks and the source of timing ground truth in tests.
 *
 * <pre>{@code
 * try (Simulator simulator = Simulator.start(SimulatorOptions.defaults())) {
 *     URI baseUrl = simulator.baseUrl();        // http://127.0.0.1:<port>/v1
 *     String model = simulator.modelName();     // send this as "model"
 *     ... run requests, then compare with simulator.groundTruth().get(requestId)
 * }
 * }</pre>
 *
 * <p>It serves {@code GET /health}, {@code GET /v1/models}, and {@code POST /v1/chat/completions}
 * and {@code POST /v1/completions}, streamed and not. Responses follow vLLM 0.9's shapes; see
 * {@link SimulatorOptions} for the engine profile, stream options and faults.
 *
 * <p><b>Threading:</b> thread-safe. The server runs on one daemon event-loop thread of its
 * own, so it does not keep a JVM alive; {@link #close()} stops it.
 */
public final class Simulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);

    private final SimulatorOptions options;
    private final SimulatorServer server;
    private final GroundTruth groundTruth;
    private final URI baseUrl;
    private boolean closed;

    private Simulator(SimulatorOptions options, SimulatorServer server, GroundTruth groundTruth) {
        this.options = options;
        this.server = server;
        this.groundTruth = groundTruth;
        InetSocketAddress address = server.localAddress();
        this.baseUrl = URI.create("http://" + urlHost(address.getAddress()) + ":"
                + address.getPort() + "/v1");
    }

    /**
     * Binds and starts a simulator.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static Simulator start(SimulatorOptions options) {
        GroundTruth groundTruth = new GroundTruth(options.groundTruthCapacity());
        SimulatorServer server = SimulatorServer.start(options, groundTruth);
        Simulator simulator = new Simulator(options, server, groundTruth);
        LOG.info("TokenMark simulator started at {} serving model '{}' with profile '{}'"
                        + " (time scale {}, {} transport): {}", simulator.baseUrl,
                options.modelName(), options.profile().name(), options.timeScale(),
                server.usesEpoll() ? "epoll" : "NIO", options.profile().description());
        return simulator;
    }

    /**
     * Returns the base URL of the OpenAI API, such as {@code http://127.0.0.1:8000/v1}; a wildcard bind
     * address is reported as 127.0.0.1.
     */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Returns the TCP port the server listens on. */
    public int port() {
        return server.localAddress().getPort();
    }

    /** The model name requests must send. */
    public String modelName() {
        return options.modelName();
    }

    public SimulatorOptions options() {
        return options;
    }

    /** Returns the server's record of what it sent, by request id. */
    public GroundTruth groundTruth() {
        return groundTruth;
    }

    /** Returns the sequences the engine is running now, read on the server's event loop. */
    public int runningSequences() {
        return server.engineLoad()[0];
    }

    /** Returns the sequences waiting for admission now, read on the server's event loop. */
    public int waitingSequences() {
        return server.engineLoad()[1];
    }

    /**
     * Stops the server: closes every connection and the event loop. Blocks until stopped;
     * idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close();
        LOG.info("TokenMark simulator at {} stopped after {} completion requests", baseUrl,
                groundTruth.publishedCount());
    }

    private static String urlHost(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        String host = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + host + "]" : host;
    }
}
