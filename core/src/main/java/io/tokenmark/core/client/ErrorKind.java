package io.tokenmark.core.client;

/**
 * Why a request failed. A failed request is data: its {@code RequestRecord} carries the kind and
 * a message, is counted per kind, and is left out of every latency and throughput figure.
 *
 * <p>{@link #label(int)} gives the stable name used in reports and JSON: {@code http_<status>} for
 * {@link #HTTP}, the lower-case enum name otherwise.
 */
public enum ErrorKind {
    /** The server answered with a non-2xx status. The label includes the status. */
    HTTP,
    /** An SSE event whose JSON has a top-level {@code error} object, before or after tokens. */
    STREAM_ERROR,
    /** The stream ended with neither a {@code finish_reason} nor {@code [DONE]}. */
    TRUNCATED,
    /** No bytes arrived within the read (idle) timeout. */
    READ_TIMEOUT,
    /** The TCP or TLS connection could not be established, or the host name did not resolve. */
    CONNECT_FAILED,
    /** The peer reset or closed the connection before the response was complete. */
    CONNECTION_RESET,
    /** Event data that is not the JSON the API defines, or an event over the size limit. */
    MALFORMED_EVENT,
    /** The request was cancelled by the caller, by shutdown or by its total deadline. */
    CANCELLED;

    /**
     * Returns the report label: {@code http_503} for {@code HTTP} with status 503, else the
     * lower-case name such as {@code read_timeout}.
     */
    public String label(int httpStatus) {
        if (this == HTTP) {
            return "http_" + httpStatus;
        }
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a label written by {@link #label(int)}; {@code http_<status>} maps to {@link #HTTP}.
     *
     * @throws IllegalArgumentException for an unknown label
     */
    public static ErrorKind fromLabel(String label) {
        if (label.startsWith("http_")) {
            return HTTP;
        }
        for (ErrorKind kind : values()) {
            if (kind.label(0).equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown error kind '" + label + "'");
    }
}
