package io.tokenmark.simulator.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Builds each connection's pipeline: HTTP/1.1 codec, request aggregation up to
 * {@code maxRequestBytes} (larger bodies get 413 from the aggregator), then the API handler.
 */
final class SimulatorChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final int MAX_INITIAL_LINE_BYTES = 8192;
    private static final int MAX_HEADER_BYTES = 16384;
    private static final int MAX_CHUNK_BYTES = 65536;

    private final ServerContext server;

    SimulatorChannelInitializer(ServerContext server) {
        this.server = server;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("http", new HttpServerCodec(
                MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, MAX_CHUNK_BYTES));
        pipeline.addLast("aggregator", new HttpObjectAggregator(server.options.maxRequestBytes()));
        pipeline.addLast("api", new HttpApiHandler(server));
    }
}
