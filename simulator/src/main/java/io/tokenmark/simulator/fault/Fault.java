package io.tokenmark.simulator.fault;

import java.util.Locale;
import java.util.Objects;

/**
 * A failure the simulator injects into one response, chosen by the request header
 * {@value #HEADER} or, for a configured share of requests, by a {@link FaultPlan}.
 *
 * <p>Syntax of the header value, also accepted by {@code --faults} (K counts token events, the
 * events that carry generated text; the role chunk does not count):
 * <table>
 *   <caption>Faults</caption>
 *   <tr><th>value</th><th>what the server does</th><th>a client reports</th></tr>
 *   <tr><td>{@code http_<status>}, status 400 to 599</td><td>responds at once with that status
 *       and an OpenAI error body; 429 and 503 add {@code Retry-After: 1}</td>
 *       <td>{@code http_<status>}</td></tr>
 *   <tr><td>{@code error_after=K}</td><td>after K token events sends an event
 *       {@code {"error":{…}}}, then {@code [DONE]}; K = 0 fails before the first token</td>
 *       <td>{@code stream_error}</td></tr>
 *   <tr><td>{@code reset_after=K}</td><td>after K token events resets the TCP connection
 *       (RST)</td><td>{@code connection_reset}</td></tr>
 *   <tr><td>{@code stall_after=K}</td><td>after K token events sends nothing more but keeps the
 *       connection open</td><td>{@code read_timeout}</td></tr>
 *   <tr><td>{@code close_after=K}</td><td>after K token events ends the HTTP response and closes
 *       the connection, without a finish reason or {@code [DONE]}</td>
 *       <td>{@code truncated}</td></tr>
 *   <tr><td>{@code malformed_after=K}</td><td>after K token events sends one event whose data
 *       is cut-off JSON, then goes on normally</td><td>{@code malformed_event}</td></tr>
 *   <tr><td>{@code oversize_after=K} or {@code oversize_after=K;bytes=N}</td><td>after K token
 *       events sends one event of N bytes (default {@code oversizeEventBytes}, 17 MiB), then
 *       goes on normally</td><td>{@code malformed_event}</td></tr>
 *   <tr><td>{@code headers_never}</td><td>reads the request and never responds</td>
 *       <td>{@code read_timeout}</td></tr>
 *   <tr><td>{@code slow_headers=MS}</td><td>waits MS milliseconds before responding, then
 *       responds normally</td><td>success, with a late first byte</td></tr>
 *   <tr><td>{@code trickle} or {@code trickle=MS}</td><td>sends the response body one byte
 *       every MS milliseconds (default 1,000) on a connection that closes at the end</td>
 *       <td>a request timeout, if one is set</td></tr>
 *   <tr><td>{@code none}</td><td>no fault, also when a fault share is configured</td>
 *       <td>success</td></tr>
 * </table>
 * When a response has fewer than K token events, the fault happens after the last one, in
 * place of the usage chunk and {@code [DONE]}. Non-streamed responses take the same faults:
 * after K tokens have been generated the connection is reset, stalled or closed with no
 * response, an in-band error becomes HTTP 500, and a malformed or oversize fault corrupts or
 * enlarges the JSON body.
 *
 * @param kind what happens
 * @param afterTokenEvents K, for the kinds that take it; else 0
 * @param httpStatus the status of {@link Kind#HTTP_STATUS}; else 0
 * @param millis the delay of {@link Kind#SLOW_HEADERS} or the byte interval of
 *     {@link Kind#TRICKLE}; else 0
 * @param eventBytes the size of an {@link Kind#OVERSIZE} event, or 0 for the configured default
 */
public record Fault(Kind kind, int afterTokenEvents, int httpStatus, long millis,
        int eventBytes) {

    /** The request header that selects a fault for one request. */
    public static final String HEADER = "X-TokenMark-Fault";

    /** Interval of {@code trickle} without a value, in milliseconds. */
    public static final long DEFAULT_TRICKLE_MILLIS = 1000;

    /** No fault. */
    public static final Fault NONE = new Fault(Kind.NONE, 0, 0, 0, 0);

    /** The kind of a fault; {@link Fault} gives each kind's syntax and effect. */
    public enum Kind {
        NONE("none"),
        HTTP_STATUS("http_"),
        ERROR("error_after"),
        RESET("reset_after"),
        STALL("stall_after"),
        CLOSE("close_after"),
        MALFORMED("malformed_after"),
        OVERSIZE("oversize_after"),
        HEADERS_NEVER("headers_never"),
        SLOW_HEADERS("slow_headers"),
        TRICKLE("trickle");

        private final String token;

        Kind(String token) {
            this.token = token;
        }

        /** Returns whether the fault acts after K token events. */
        public boolean countsTokenEvents() {
            return switch (this) {
                case ERROR, RESET, STALL, CLOSE, MALFORMED, OVERSIZE -> true;
                default -> false;
            };
        }

        /** Returns whether the fault ends the response; the other kinds let it go on. */
        public boolean endsResponse() {
            return switch (this) {
                case ERROR, RESET, STALL, CLOSE -> true;
                default -> false;
            };
        }
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * Parses a fault in the syntax above; surrounding white space and letter case are ignored.
     *
     * @throws IllegalArgumentException naming the invalid value and showing the valid forms
     */
    public static Fault parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text, "the value is empty");
        }
        String value = text.strip().toLowerCase(Locale.ROOT);
        String parameters = null;
        int semicolon = value.indexOf(';');
        if (semicolon >= 0) {
            parameters = value.substring(semicolon + 1).strip();
            value = value.substring(0, semicolon).strip();
        }
        String name = value;
        String argument = null;
        int equals = value.indexOf('=');
        if (equals >= 0) {
            name = value.substring(0, equals).strip();
            argument = value.substring(equals + 1).strip();
        }

        if (name.startsWith(Kind.HTTP_STATUS.token) && argument == null && parameters == null) {
            int status = parseNumber(text, name.substring(Kind.HTTP_STATUS.token.length()));
            if (status < 400 || status > 599) {
                throw invalid(text, "the HTTP status must be from 400 to 599");
            }
            return new Fault(Kind.HTTP_STATUS, 0, status, 0, 0);
        }
        for (Kind kind : Kind.values()) {
            if (kind == Kind.HTTP_STATUS || !kind.token.equals(name)) {
                continue;
            }
            if (parameters != null && kind != Kind.OVERSIZE) {
                throw invalid(text, "only oversize_after takes a ';bytes=N' parameter");
            }
            return switch (kind) {
                case NONE, HEADERS_NEVER -> {
                    requireNoArgument(text, argument);
                    yield new Fault(kind, 0, 0, 0, 0);
                }
                case SLOW_HEADERS -> new Fault(kind, 0, 0,
                        parseNumber(text, requireArgument(text, argument)), 0);
                case TRICKLE -> {
                    long millis = argument == null
                            ? DEFAULT_TRICKLE_MILLIS : parseNumber(text, argument);
                    if (millis < 1) {
                        throw invalid(text, "the trickle interval must be at least 1 ms");
                    }
                    yield new Fault(kind, 0, 0, millis, 0);
                }
                case OVERSIZE -> new Fault(kind,
                        parseNumber(text, requireArgument(text, argument)), 0, 0,
                        parseBytes(text, parameters));
                default -> new Fault(kind,
                        parseNumber(text, requireArgument(text, argument)), 0, 0, 0);
            };
        }
        throw invalid(text, "unknown fault '" + name + "'");
    }

    /** Returns whether this fault is of kind {@link Kind#NONE}. */
    public boolean isNone() {
        return kind == Kind.NONE;
    }

    /** Returns the fault in the syntax {@link #parse} accepts. */
    @Override
    public String toString() {
        return switch (kind) {
            case NONE, HEADERS_NEVER -> kind.token;
            case HTTP_STATUS -> kind.token + httpStatus;
            case SLOW_HEADERS -> kind.token + "=" + millis;
            case TRICKLE -> kind.token + "=" + millis;
            case OVERSIZE -> kind.token + "=" + afterTokenEvents
                    + (eventBytes > 0 ? ";bytes=" + eventBytes : "");
            default -> kind.token + "=" + afterTokenEvents;
        };
    }

    private static int parseBytes(String text, String parameters) {
        if (parameters == null) {
            return 0;
        }
        if (!parameters.startsWith("bytes=")) {
            throw invalid(text, "the oversize parameter must be ';bytes=N'");
        }
        int bytes = parseNumber(text, parameters.substring("bytes=".length()).strip());
        if (bytes < 1024) {
            throw invalid(text, "the oversize event must be at least 1024 bytes");
        }
        return bytes;
    }

    private static String requireArgument(String text, String argument) {
        if (argument == null || argument.isEmpty()) {
            throw invalid(text, "this fault needs a number after '='");
        }
        return argument;
    }

    private static void requireNoArgument(String text, String argument) {
        if (argument != null) {
            throw invalid(text, "this fault takes no '=' value");
        }
    }

    private static int parseNumber(String text, String number) {
        try {
            int value = Integer.parseInt(number);
            if (value < 0) {
                throw invalid(text, "numbers must be at least 0");
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(text, "'" + number + "' is not a whole number");
        }
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("invalid fault '" + text + "': " + reason
                + ". Use none, http_<400-599>, error_after=K, reset_after=K, stall_after=K,"
                + " close_after=K, malformed_after=K, oversize_after=K[;bytes=N], headers_never,"
                + " slow_headers=MS or trickle[=MS]");
    }
}
