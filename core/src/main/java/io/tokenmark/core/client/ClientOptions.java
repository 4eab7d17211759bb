package io.tokenmark.core.client;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of an {@link InferenceClient}: the endpoint, the request's stream options,
 * the transport and the timeouts. Build one with {@link #builder(URI)}; {@link Builder#build()}
 * validates every value once and names the bad one.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code baseUrl}</td><td>required</td><td>{@code http(s)://host:port/v1}; the API
 *       path is appended</td></tr>
 *   <tr><td>{@code model}</td><td>{@code "default"}</td><td>the {@code model} field of every
 *       request</td></tr>
 *   <tr><td>{@code api}</td><td>{@link ApiKind#CHAT}</td><td>chat completions or
 *       completions</td></tr>
 *   <tr><td>{@code apiKey}</td><td>none</td><td>sent as {@code Authorization: Bearer}</td></tr>
 *   <tr><td>{@code headers}</td><td>none</td><td>extra request headers</td></tr>
 *   <tr><td>{@code extraBody}</td><td>none</td><td>fields merged into every request body</td></tr>
 *   <tr><td>{@code includeUsage}</td><td>true</td><td>sends
 *       {@code stream_options.include_usage}</td></tr>
 *   <tr><td>{@code continuousUsageStats}</td><td>false</td><td>sends
 *       {@code stream_options.continuous_usage_stats} (vLLM) for per-event token
 *       counts</td></tr>
 *   <tr><td>{@code retainText}</td><td>false</td><td>keeps generated text, needed for tokenizer
 *       counts</td></tr>
 *   <tr><td>{@code connectTimeoutMillis}</td><td>10,000</td><td>TCP and TLS connect</td></tr>
 *   <tr><td>{@code readTimeoutMillis}</td><td>600,000</td><td>no bytes for this long fails the
 *       request with {@code read_timeout}; 0 disables it</td></tr>
 *   <tr><td>{@code requestTimeoutMillis}</td><td>0 (none)</td><td>total deadline per request;
 *       passing it cancels the request</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>0 (unbounded)</td><td>open connections per
 *       client; requests beyond it wait for a free connection</td></tr>
 *   <tr><td>{@code ioThreads}</td><td>available processors</td><td>event-loop threads</td></tr>
 *   <tr><td>{@code insecureTls}</td><td>false</td><td>skips certificate verification, for
 *       self-signed test servers only</td></tr>
 *   <tr><td>{@code maxEventBytes}</td><td>16 MiB</td><td>larger SSE events fail the request
 *       with {@code malformed_event}</td></tr>
 * </table>
 *
 * <p>{@link #toString()} never shows the API key.
 */
public final class ClientOptions {
    /** Default {@link #maxEventBytes()}: 16 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final URI baseUrl;
    private final String model;
    private final ApiKind api;
    private final ApiKey apiKey;
    private final Map<String, String> headers;
    private final Map<String, Object> extraBody;
    private final boolean includeUsage;
    private final boolean continuousUsageStats;
    private final boolean retainText;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final long requestTimeoutMillis;
    private final int maxConnections;
    private final int ioThreads;
    private final boolean insecureTls;
    private final int maxEventBytes;

    private ClientOptions(Builder b) {
        this.baseUrl = b.baseUrl;
        this.model = b.model;
        this.api = b.api;
        this.apiKey = b.apiKey;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.extraBody = Collections.unmodifiableMap(new LinkedHashMap<>(b.extraBody));
        this.includeUsage = b.includeUsage;
        this.continuousUsageStats = b.continuousUsageStats;
        this.retainText = b.retainText;
        this.connectTimeoutMillis = b.connectTimeoutMillis;
        this.readTimeoutMillis = b.readTimeoutMillis;
        this.requestTimeoutMillis = b.requestTimeoutMillis;
        this.maxConnections = b.maxConnections;
        this.ioThreads = b.ioThreads;
        this.insecureTls = b.insecureTls;
        this.maxEventBytes = b.maxEventBytes;
    }

    /**
     * Starts a builder for the given base URL, such as {@code http://127.0.0.1:8000/v1}.
     */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** Returns a builder holding this object's values. */
    public Builder toBuilder() {
        Builder b = new Builder(baseUrl);
        b.model = model;
        b.api = api;
        b.apiKey = apiKey;
        b.headers.putAll(headers);
        b.extraBody.putAll(extraBody);
        b.includeUsage = includeUsage;
        b.continuousUsageStats = continuousUsageStats;
        b.retainText = retainText;
        b.connectTimeoutMillis = connectTimeoutMillis;
        b.readTimeoutMillis = readTimeoutMillis;
        b.requestTimeoutMillis = requestTimeoutMillis;
        b.maxConnections = maxConnections;
        b.ioThreads = ioThreads;
        b.insecureTls = insecureTls;
        b.maxEventBytes = maxEventBytes;
        return b;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** Returns the full request URI: the base URL followed by the API's path. */
    public URI endpoint() {
        String base = baseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + api.path());
    }

    public String model() {
        return model;
    }

    public ApiKind api() {
        return api;
    }

    public Optional<ApiKey> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /** Extra request headers, in insertion order. */
    public Map<String, String> headers() {
        return headers;
    }

    /** Fields merged into the top level of every request body, overriding the defaults. */
    public Map<String, Object> extraBody() {
        return extraBody;
    }

    public boolean includeUsage() {
        return includeUsage;
    }

    public boolean continuousUsageStats() {
        return continuousUsageStats;
    }

    public boolean retainText() {
        return retainText;
    }

    public long connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /** Idle read timeout in milliseconds; {@code 0} means none. */
    public long readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** Total deadline per request in milliseconds; {@code 0} means none. */
    public long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    /** Maximum open connections; {@code 0} means unbounded. */
    public int maxConnections() {
        return maxConnections;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public boolean insecureTls() {
        return insecureTls;
    }

    public int maxEventBytes() {
        return maxEventBytes;
    }

    @Override
    public String toString() {
        return "ClientOptions[baseUrl=" + baseUrl + ", model=" + model + ", api=" + api
                + ", apiKey=" + (apiKey == null ? "none" : "redacted")
                + ", headers=" + headers.keySet()
                + ", includeUsage=" + includeUsage
                + ", continuousUsageStats=" + continuousUsageStats
                + ", retainText=" + retainText
                + ", connectTimeoutMillis=" + connectTimeoutMillis
                + ", readTimeoutMillis=" + readTimeoutMillis
                + ", requestTimeoutMillis=" + requestTimeoutMillis
                + ", maxConnections=" + maxConnections
                + ", ioThreads=" + ioThreads
                + ", insecureTls=" + insecureTls
                + ", maxEventBytes=" + maxEventBytes + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final URI baseUrl;
        private String model = "default";
        private ApiKind api = ApiKind.CHAT;
        private ApiKey apiKey;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, Object> extraBody = new LinkedHashMap<>();
        private boolean includeUsage = true;
        private boolean continuousUsageStats;
        private boolean retainText;
        private long connectTimeoutMillis = 10_000;
        private long readTimeoutMillis = 600_000;
        private long requestTimeoutMillis;
        private int maxConnections;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private boolean insecureTls;
        private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;

        private Builder(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder api(ApiKind api) {
            this.api = api;
            return this;
        }

        /** Sets the API key, or clears it with {@code null}. */
        public Builder apiKey(ApiKey apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder extraBody(String field, Object value) {
            extraBody.put(field, value);
            return this;
        }

        public Builder includeUsage(boolean includeUsage) {
            this.includeUsage = includeUsage;
            return this;
        }

        public Builder continuousUsageStats(boolean continuousUsageStats) {
            this.continuousUsageStats = continuousUsageStats;
            return this;
        }

        public Builder retainText(boolean retainText) {
            this.retainText = retainText;
            return this;
        }

        public Builder connectTimeoutMillis(long millis) {
            this.connectTimeoutMillis = millis;
            return this;
        }

        public Builder readTimeoutMillis(long millis) {
            this.readTimeoutMillis = millis;
            return this;
        }

        public Builder requestTimeoutMillis(long millis) {
            this.requestTimeoutMillis = millis;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        public Builder insecureTls(boolean insecureTls) {
            this.insecureTls = insecureTls;
            return this;
        }

        public Builder maxEventBytes(int maxEventBytes) {
            this.maxEventBytes = maxEventBytes;
            return this;
        }

        /**
         * Validates the values and returns the options.
         *
         * @throws IllegalArgumentException naming the first invalid value and the valid range
         */
        public ClientOptions build() {
            String scheme = baseUrl.getScheme() == null
                    ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("invalid base URL '" + baseUrl
                        + "': use http:// or https://, for example http://127.0.0.1:8000/v1");
            }
            if (baseUrl.getHost() == null) {
                throw new IllegalArgumentException("invalid base URL '" + baseUrl
                        + "': it has no host name, for example http://127.0.0.1:8000/v1");
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException(
                        "model name is empty: set the model the server serves (see GET /v1/models)");
            }
            Objects.requireNonNull(api, "api");
            requireAtLeast("connectTimeoutMillis", connectTimeoutMillis, 1);
            requireAtLeast("readTimeoutMillis", readTimeoutMillis, 0);
            requireAtLeast("requestTimeoutMillis", requestTimeoutMillis, 0);
            requireAtLeast("maxConnections", maxConnections, 0);
            requireAtLeast("ioThreads", ioThreads, 1);
            requireAtLeast("maxEventBytes", maxEventBytes, 1024);
            for (String name : headers.keySet()) {
                if (name == null || name.isBlank() || name.indexOf(':') >= 0) {
                    throw new IllegalArgumentException("invalid header name '" + name
                            + "': use a token such as X-Request-Source");
                }
            }
            return new ClientOptions(this);
        }

        private static void requireAtLeast(String name, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(
                        "invalid " + name + " " + value + ": must be at least " + min);
            }
        }
    }
}
