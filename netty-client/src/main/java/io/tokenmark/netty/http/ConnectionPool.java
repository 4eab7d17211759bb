package io.tokenmark.netty.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslHandler;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 keep-alive connections to one endpoint, at most one request on a connection at a
 * time, with an optional cap on open connections.
 *
 * <p>An exchange gets the most recently released idle connection, else a new connection when
 * fewer than {@code maxConnections} are open (always, when the cap is 0), else it waits in FIFO
 * order for a released or closed connection. A new connection is opened on the exchange's owner
 * loop; the exchange starts only after TCP connect and, for {@code https}, the TLS handshake, so
 * neither counts toward the request's send time.
 *
 * <p><b>Threading:</b> all methods are thread-safe; state is guarded by one lock that is held
 * only for queue and counter updates, never across I/O or listener callbacks.
 */
final class ConnectionPool {
    private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);

    private final Bootstrap bootstrap;
    private final SocketAddress remote;
    private final EventLoopGroup group;
    private final int maxConnections;

    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private int open;
    private boolean closed;

    ConnectionPool(Bootstrap bootstrap, SocketAddress remote, EventLoopGroup group,
            int maxConnections) {
        this.bootstrap = bootstrap;
        this.remote = remote;
        this.group = group;
        this.maxConnections = maxConnections;
    }

    /**
     * Assigns a connection to {@code exchange}, opens one, or queues the exchange.
     *
     * @return {@code false} when the pool is closed and the exchange was not taken
     */
    boolean acquire(Exchange exchange) {
        Channel reuse = null;
        boolean connect = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            while (reuse == null && !idle.isEmpty()) {
                Channel candidate = idle.pollLast();
                if (candidate.isActive()) {
                    reuse = candidate;
                }
            }
            if (reuse != null) {
                exchange.owner = reuse.eventLoop();
            } else if (maxConnections == 0 || open < maxConnections) {
                open++;
                exchange.owner = group.next();
                connect = true;
            } else {
                waiting.addLast(exchange);
            }
        }

        if (reuse != null) {
            Channel channel = reuse;
            channel.eventLoop().execute(() -> exchange.start(channel));
        } else if (connect) {
            connect(exchange);
        }
        return true;
    }

    /** Removes a queued exchange; returns whether it was still waiting. */
    synchronized boolean removeWaiting(Exchange exchange) {
        return waiting.remove(exchange);
    }

    /**
     * Returns a connection whose response has been read completely, handing it to the next
     * waiting exchange or keeping it idle. Call on the channel's event loop.
     */
    void release(Channel channel) {
        Exchange next = null;
        boolean close = false;
        synchronized (this) {
            if (closed || !channel.isActive()) {
                close = true;
            } else {
                next = waiting.pollFirst();
                if (next == null) {
                    idle.addLast(channel);
                } else {
                    next.owner = channel.eventLoop();
                }
            }
        }

        if (close) {
            channel.close();
        } else if (next != null) {
            Exchange exchange = next;
            channel.eventLoop().execute(() -> exchange.start(channel));
        }
    }

    /** Number of open connections, connecting ones included. */
    synchronized int openConnections() {
        return open;
    }

    /**
     * Closes the pool: idle connections are closed and no exchange is taken any more.
     *
     * @return the exchanges that were still waiting, for the caller to fail
     */
    List<Exchange> close() {
        List<Channel> idleChannels;
        List<Exchange> waiters;
        synchronized (this) {
            closed = true;
            idleChannels = new ArrayList<>(idle);
            idle.clear();
            waiters = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Channel channel : idleChannels) {
            channel.close();
        }
        return waiters;
    }

    private void connect(Exchange exchange) {
        EventLoop loop = exchange.owner;
        ChannelFuture connectFuture = bootstrap.clone(loop).connect(remote);
        Channel channel = connectFuture.channel();
        exchange.connectingChannel = channel;
        channel.closeFuture().addListener(future -> connectionClosed(channel));

        connectFuture.addListener(future -> {
            if (!future.isSuccess()) {
                exchange.connectFailed(future.cause());
                channel.close();
                return;
            }
            log.debug("opened connection {} to {}", channel, remote);
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                exchange.start(channel);
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    exchange.start(channel);
                } else {
                    exchange.connectFailed(handshake.cause());
                    channel.close();
                }
            });
        });
    }

    private void connectionClosed(Channel channel) {
        Exchange next = null;
        synchronized (this) {
            open--;
            idle.remove(channel);
            if (!closed && !waiting.isEmpty() && (maxConnections == 0 || open < maxConnections)) {
                next = waiting.pollFirst();
                open++;
                next.owner = group.next();
            }
        }
        log.debug("closed connection {}", channel);
        if (next != null) {
            connect(next);
        }
    }
}
