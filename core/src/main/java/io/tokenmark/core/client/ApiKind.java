package io.tokenmark.core.client;

/**
 * The OpenAI-compatible API a request goes to.
 *
 * <p>The path is appended to the base URL, which normally ends in {@code /v1}.
 */
public enum ApiKind {
    /** {@code POST /chat/completions}: the request carries {@code messages}. */
    CHAT("/chat/completions"),
    /** {@code POST /completions}: the request carries a {@code prompt} string. */
    COMPLETIONS("/completions");

    private final String path;

    ApiKind(String path) {
        this.path = path;
    }

    /** Returns the path below the base URL, with a leading slash. */
    public String path() {
        return path;
    }

    /**
     * Parses {@code chat} or {@code completions}, ignoring case.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static ApiKind parse(String value) {
        for (ApiKind kind : values()) {
            if (kind.name().equalsIgnoreCase(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "invalid API '" + value + "': use 'chat' or 'completions'");
    }
}
