package io.tokenmark.core.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * An API key that never shows itself: {@link #toString()} is {@code ApiKey[redacted]}, and the
 * value is reachable only through {@link #reveal()}, which the HTTP client calls once per request
 * to build the {@code Authorization: Bearer} header.
 *
 * <p>Keys come from an environment variable or a file, never from a command-line flag, which
 * would land in shell history and process listings.
 */
public final class ApiKey {
    /** The environment variable read first. */
    public static final String ENV_PRIMARY = "TOKENMARK_API_KEY";
    /** The environment variable read when {@link #ENV_PRIMARY} is unset or blank. */
    public static final String ENV_FALLBACK = "OPENAI_API_KEY";

    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /**
     * Wraps a key given in code.
     *
     * @throws IllegalArgumentException if the key is blank or contains a line break
     */
    public static ApiKey of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("API key is empty: set it or leave it out");
        }
        String trimmed = value.strip();
        if (trimmed.indexOf('\n') >= 0 || trimmed.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(
                    "API key contains a line break: the key file must hold the key on one line");
        }
        return new ApiKey(trimmed);
    }

    /**
     * Reads {@code TOKENMARK_API_KEY}, then {@code OPENAI_API_KEY}, from the given environment.
     *
     * @return the key, or empty when neither variable is set to a non-blank value
     */
    public static Optional<ApiKey> fromEnvironment(Map<String, String> environment) {
        for (String name : new String[] {ENV_PRIMARY, ENV_FALLBACK}) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(of(value));
            }
        }
        return Optional.empty();
    }

    /**
     * Reads a key from a file holding it on one line (surrounding whitespace is dropped).
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable or empty;
     *     the message never includes the file's content
     */
    public static ApiKey fromFile(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read API key file " + file
                    + " (" + e.getClass().getSimpleName() + "): check the path and permissions", e);
        }
        if (content.isBlank()) {
            throw new IllegalArgumentException("API key file " + file + " is empty");
        }
        return of(content);
    }

    /** Returns the secret. Call it only to build the request header; never log the result. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "ApiKey[redacted]";
    }
}
