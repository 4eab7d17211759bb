package io.tokenmark.netty.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.RequestHandle;
import io.tokenmark.core.client.StreamListener;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 streaming transport behind {@code NettyInferenceClient}: event loops, keep-alive
 * connections, TLS, timeouts and cancellation. It sends a prepared JSON body and reports the SSE
 * response through a {@link StreamListener}.
 *
 * <table>
 *   <caption>How options are applied</caption>
 *   <tr><th>option</th><th>effect</th></tr>
 *   <tr><td>{@code ioThreads}</td><td>event-loop threads (epoll when the native transport loads,
 *       NIO otherwise), daemon threads named {@code tokenmark-io-N}</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>cap of the {@link ConnectionPool}; 0 is
 *       unbounded</td></tr>
 *   <tr><td>{@code connectTimeoutMillis}</td><td>TCP connect, and separately the TLS
 *       handshake</td></tr>
 *   <tr><td>{@code readTimeoutMillis}</td><td>idle time between socket reads while a request is
 *       in flight</td></tr>
 *   <tr><td>{@code requestTimeoutMillis}</td><td>total deadline from {@link #send}, waiting
 *       for a connection included; passing it cancels the request</td></tr>
 *   <tr><td>{@code insecureTls}</td><td>trusts any certificate and skips host name
 *       verification; logs a warning when the endpoint is {@code https}</td></tr>
 * </table>
 *
 * <p>Requests advertise no {@code Accept-Encoding}, so servers normally send identity bodies;
 * a body that arrives with {@code Content-Encoding: gzip} (or deflate) is decompressed anyway.
 *
 * <p><b>Threading:</b> {@link #send} and {@link #close} may be called from any thread; see
 * {@link Exchange} for where callbacks run.
 */
public final class HttpStreamTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpStreamTransport.class);
    private static final String USER_AGENT = "tokenmark-netty-client";
    private static final String REDACTED = "[redacted]";

    private final ClientOptions options;
    private final EventLoopGroup group;
    private final ConnectionPool pool;
    private final SslContext sslContext;
    private final String host;
    private final int port;
    private final String hostHeader;
    private final String requestUri;
    private final boolean epoll;
    private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet();
    private final List<BusyTimeIoHandler> ioHandlers = BusyTimeIoHandler.newRegistry();
    private volatile boolean closed;

    /**
     * Starts the event loops; opens no connection yet.
     *
     * @param resolver resolves the host name at each connect; {@code null} for the JDK resolver
     * @throws IllegalStateException if the TLS context cannot be built
     */
    public HttpStreamTransport(ClientOptions options,
            AddressResolverGroup<InetSocketAddress> resolver) {
        this.options = options;

        URI endpoint = options.endpoint();
        boolean https = "https".equalsIgnoreCase(endpoint.getScheme());
        this.host = stripBrackets(endpoint.getHost());
        if (endpoint.getPort() > 0) {
            this.port = endpoint.getPort();
        } else {
            this.port = https ? 443 : 80;
        }
        this.hostHeader = endpoint.getPort() > 0
                ? endpoint.getHost() + ":" + endpoint.getPort() : endpoint.getHost();
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
                ? "/" : endpoint.getRawPath();
        this.requestUri = endpoint.getRawQuery() == null ? path : path + "?" + endpoint.getRawQuery();
        this.sslContext = https ? buildSslContext(options.insecureTls()) : null;
        if (https && options.insecureTls()) {
            log.warn("TLS certificate verification is off for {} (insecureTls): any server can"
                    + " pose as this endpoint; use it only with test servers", endpoint);
        }

        this.epoll = Epoll.isAvailable();
        IoHandlerFactory transportHandlers =
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(options.ioThreads(),
                new DefaultThreadFactory("tokenmark-io", true),
                BusyTimeIoHandler.wrap(transportHandlers, ioHandlers));

        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, options.connectTimeoutMillis()))
                .handler(new Initializer());
        // NOTE: without a resolver, Netty resolves host names with the JDK resolver, which blocks
        // the event loop for the lookup. That happens once per new connection, not per request.
        if (resolver != null) {
            bootstrap.resolver(resolver);
        }
        this.pool = new ConnectionPool(bootstrap, InetSocketAddress.createUnresolved(host, port),
                group, options.maxConnections());
    }

    /** Returns whether the native epoll transport is in use (NIO otherwise). */
    public boolean usesEpoll() {
        return epoll;
    }

    /** Number of open connections, connecting ones included. */
    public int openConnections() {
        return pool.openConnections();
    }

    /**
     * Returns the nanoseconds the event loops have been busy handling ready channels and running
     * tasks since they started, summed over all loops; see {@link BusyTimeIoHandler}. Callable
     * from any thread.
     */
    public long busyNanos() {
        long sum = 0;
        for (BusyTimeIoHandler handler : ioHandlers) {
            sum += handler.busyNanos();
        }
        return sum;
    }

    /**
     * Sends one streaming request.
     *
     * @param requestId the {@code X-Request-Id} header, or {@code null} for none
     * @param body the JSON body, UTF-8
     * @throws IllegalStateException if the transport is closed
     */
    public RequestHandle send(String requestId, byte[] body, StreamListener listener) {
        if (closed) {
            throw new IllegalStateException("the client is closed: create a new one to send requests");
        }
        Exchange exchange = new Exchange(this, requestId, listener, buildRequest(requestId, body));
        inFlight.add(exchange);
        if (!pool.acquire(exchange)) {
            failUnassigned(exchange, "the client was closed before the request was sent");
            return exchange;
        }
        if (options.requestTimeoutMillis() > 0) {
            long millis = options.requestTimeoutMillis();
            ScheduledFuture<?> timer = group.next().schedule(() -> abort(exchange,
                    "the request passed its total deadline of " + millis
                            + " ms; raise the request timeout (--request-timeout;"
                            + " requestTimeoutMillis in ClientOptions), or set it to 0 for no"
                            + " deadline"),
                    millis, TimeUnit.MILLISECONDS);
            exchange.deadline(timer);
        }
        return exchange;
    }

    /**
     * Fails a request that could not be sent, such as one whose body could not be built, with
     * {@link ErrorKind#CANCELLED} on one of the event loops.
     */
    public RequestHandle reject(String requestId, StreamListener listener, String message) {
        if (closed) {
            throw new IllegalStateException("the client is closed: create a new one to send requests");
        }
        Exchange exchange = new Exchange(this, requestId, listener, null);
        failUnassigned(exchange, message);
        return exchange;
    }

    /**
     * Cancels every request in flight, closes all connections and stops the event loops.
     * Blocks until they have stopped; idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Exchange> waiting = pool.close();
        for (Exchange exchange : waiting) {
            failUnassigned(exchange, "the client was closed before the request was sent");
        }
        for (Exchange exchange : inFlight) {
            abort(exchange, "the client was closed");
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    ConnectionPool pool() {
        return pool;
    }

    void removeInFlight(Exchange exchange) {
        inFlight.remove(exchange);
    }

    /** Cancels {@code exchange} from any thread; a no-op once it has ended. */
    void abort(Exchange exchange, String message) {
        if (exchange.isTerminated()) {
            return;
        }
        exchange.abortRequested = true;
        if (pool.removeWaiting(exchange)) {
            failUnassigned(exchange, message);
            return;
        }
        var owner = exchange.owner;
        if (owner != null) {
            owner.execute(() -> exchange.abortOnOwner(message));
        }
    }

    private void failUnassigned(Exchange exchange, String message) {
        try {
            group.next().execute(() ->
                    exchange.fail(ErrorKind.CANCELLED, 0, message, null, System.nanoTime()));
        } catch (RejectedExecutionException e) {
            // The event loops have stopped (a send raced with close): report on this thread.
            exchange.fail(ErrorKind.CANCELLED, 0, message, null, System.nanoTime());
        }
    }

    /**
     * Replaces every occurrence of the API key in {@code text} with {@code [redacted]}: servers
     * may quote the credentials they reject in error bodies and in-band error events.
     *
     * @return the text without the key, or {@code null} for {@code null}
     */
    String redact(String text) {
        if (text == null || options.apiKey().isEmpty()) {
            return text;
        }
        return text.replace(options.apiKey().get().reveal(), REDACTED);
    }

    String describeConnectFailure(Throwable cause) {
        String target = host + ":" + port;
        Throwable root = cause;
        while (root.getCause() != null && !(root instanceof SSLException)) {
            root = root.getCause();
        }
        if (cause instanceof UnknownHostException || root instanceof UnknownHostException
                || cause instanceof UnresolvedAddressException) {
            return "cannot resolve host name '" + host + "': check the base URL";
        }
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "connecting to " + target + " timed out after " + options.connectTimeoutMillis()
                    + " ms: check that the server is up, or raise the connect timeout"
                    + " (--connect-timeout; connectTimeoutMillis in ClientOptions)";
        }
        if (cause instanceof ConnectException) {
            return "connection refused by " + target + ": check that the server is running and"
                    + " listening on that port";
        }
        NotSslRecordException notTls = causeOfType(cause, NotSslRecordException.class);
        if (notTls != null) {
            return TlsFailures.describeNotTls(target, notTls);
        }
        if (cause instanceof SSLHandshakeException || root instanceof SSLHandshakeException) {
            return "TLS handshake with " + target + " failed: " + cause.getMessage()
                    + (options.insecureTls() ? "" : "; for a test server with a self-signed"
                            + " certificate, turn verification off (--insecure on the command"
                            + " line, or set insecureTls in ClientOptions)");
        }
        if (cause instanceof SSLException) {
            return "TLS handshake with " + target + " failed: " + cause.getMessage();
        }
        return "connecting to " + target + " failed: " + cause;
    }

    private static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    FullHttpRequest buildRequest(String requestId, byte[] body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                requestUri, Unpooled.wrappedBuffer(body));
        HttpHeaders headers = request.headers();
        headers.set(HttpHeaderNames.HOST, hostHeader);
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        headers.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.TEXT_EVENT_STREAM);
        headers.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        options.apiKey().ifPresent(key ->
                headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key.reveal()));
        if (requestId != null) {
            headers.set("X-Request-Id", requestId);
        }
        for (Map.Entry<String, String> header : options.headers().entrySet()) {
            headers.set(header.getKey(), header.getValue());
        }
        return request;
    }

    private static SslContext buildSslContext(boolean insecure) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (insecure) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE)
                        .endpointIdentificationAlgorithm(null);
            } else {
                builder.endpointIdentificationAlgorithm("HTTPS");
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static String stripBrackets(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }

    /**
     * Installs the client's handlers on a new channel: socket timestamps, TLS when the endpoint
     * is {@code https}, the HTTP codec, decompression and the {@link ResponseHandler}.
     */
    void initPipeline(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        SocketTimestampHandler clock = new SocketTimestampHandler();
        pipeline.addLast("socket-timestamps", clock);
        if (sslContext != null) {
            SslHandler tls = sslContext.newHandler(channel.alloc(), host, port);
            tls.setHandshakeTimeoutMillis(options.connectTimeoutMillis());
            pipeline.addLast("tls", tls);
        }
        pipeline.addLast("http", new HttpClientCodec());
        pipeline.addLast("decompress", new HttpContentDecompressor(0));
        pipeline.addLast("response", new ResponseHandler(clock, options.retainText(),
                options.maxEventBytes(), options.readTimeoutMillis()));
    }

    private final class Initializer extends ChannelInitializer<SocketChannel> {
        @Override
        protected void initChannel(SocketChannel channel) {
            initPipeline(channel);
        }
    }

    /** Returns a one-line description without the API key. */
    @Override
    public String toString() {
        return "HttpStreamTransport[" + options.endpoint() + ", " + (epoll ? "epoll" : "nio")
                + ", ioThreads=" + options.ioThreads() + "]";
    }
}
