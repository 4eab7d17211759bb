package io.tokenmark.simulator.openai;

/**
 * A request the simulator rejects before it reaches the engine. The server responds with
 * {@link #httpStatus()} and an OpenAI error body built from the other fields.
 */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final String type;
    private final String code;
    private final String param;

    /**
     * @param httpStatus the response status, 4xx
     * @param type the error body's {@code type}, such as {@code invalid_request_error}
     * @param code the error body's {@code code}, or {@code null}
     * @param param the request field at fault, or {@code null}
     * @param message what is wrong and how to fix it
     */
    public InvalidRequestException(int httpStatus, String type, String code, String param,
            String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    /** Returns a 400 {@code invalid_request_error} about a field. */
    static InvalidRequestException badField(String param, String message) {
        return new InvalidRequestException(400, "invalid_request_error", null, param, message);
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String type() {
        return type;
    }

    /** Returns the error code, or {@code null}. */
    public String code() {
        return code;
    }

    /** Returns the request field at fault, or {@code null}. */
    public String param() {
        return param;
    }
}
