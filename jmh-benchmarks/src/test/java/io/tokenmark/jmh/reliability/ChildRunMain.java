package io.tokenmark.jmh.reliability;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.ConsoleTable;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.SimulatorOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs benchmarks against one or more targets in a child JVM and prints what a user would see:
 * each client's options, the console table of each point, how each run ended, and the message
 * and stack trace of anything thrown. Tests start it with {@link ChildJvm} to control the JVM
 * (log level, hosts file) and the environment (the API key variable).
 *
 * <p>Arguments:
 * <pre>
 * --out DIR                  the output folder; each target writes DIR/LABEL
 * --target LABEL=URL         a target base URL, repeatable; runs in order
 * --key env|file:PATH|none   the API key source (default none)
 * --insecure                 turns TLS certificate verification off
 * --users N --requests N     closed-loop users and requests per target (default 2 and 4)
 * --max-tokens N             max_tokens of each request (default 8)
 * --read-timeout-ms N        read timeout (default 2000)
 * --request-timeout-ms N     total deadline per request (default 10000)
 * </pre>
 * Exits with 0 when every run returned, 1 when any run threw.
 */
public final class ChildRunMain {
    private ChildRunMain() {
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        List<String[]> targets = new ArrayList<>();
        String keySource = "none";
        boolean insecure = false;
        int users = 2;
        int requests = 4;
        int maxTokens = 8;
        long readTimeoutMillis = 2_000;
        long requestTimeoutMillis = 10_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--target" -> targets.add(args[++i].split("=", 2));
                case "--key" -> keySource = args[++i];
                case "--insecure" -> insecure = true;
                case "--users" -> users = Integer.parseInt(args[++i]);
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--max-tokens" -> maxTokens = Integer.parseInt(args[++i]);
                case "--read-timeout-ms" -> readTimeoutMillis = Long.parseLong(args[++i]);
                case "--request-timeout-ms" -> requestTimeoutMillis = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": see the class documentation for the arguments");
            }
        }
        if (out == null || targets.isEmpty()) {
            throw new IllegalArgumentException("give --out DIR and at least one --target");
        }

        ApiKey key = readKey(keySource);
        boolean anyThrew = false;
        for (String[] target : targets) {
            String label = target[0];
            URI url = URI.create(target[1]);
            try {
                ClientOptions options = ClientOptions.builder(url)
                        .model(SimulatorOptions.DEFAULT_MODEL)
                        .apiKey(key)
                        .insecureTls(insecure)
                        .ioThreads(1)
                        .connectTimeoutMillis(2_000)
                        .readTimeoutMillis(readTimeoutMillis)
                        .requestTimeoutMillis(requestTimeoutMillis)
                        .build();
                System.out.println("target " + label + ": " + options);
                try (NettyInferenceClient client = NettyInferenceClient.create(options)) {
                    System.out.println("client " + client);
                    EndToEndRun.Result run = EndToEndRun.run(client, url, out, label, label,
                            users, requests, maxTokens, key);
                    for (Summary summary : run.summaries()) {
                        System.out.print(ConsoleTable.format(summary));
                    }
                    System.out.println("run " + label + " " + run.result().outcome()
                            + ", all requests failed: " + run.result().allRequestsFailed());
                }
            } catch (Exception e) {
                anyThrew = true;
                System.err.println("run " + label + " threw " + e);
                e.printStackTrace();
            }
        }
        System.exit(anyThrew ? 1 : 0);
    }

    private static ApiKey readKey(String source) {
        if (source.equals("none")) {
            return null;
        }
        if (source.equals("env")) {
            return ApiKey.fromEnvironment(System.getenv()).orElseThrow(() ->
                    new IllegalArgumentException("no API key in " + ApiKey.ENV_PRIMARY
                            + " or " + ApiKey.ENV_FALLBACK));
        }
        if (source.startsWith("file:")) {
            return ApiKey.fromFile(Path.of(source.substring("file:".length())));
        }
        throw new IllegalArgumentException("invalid --key " + source
                + ": use env, file:PATH or none");
    }
}
