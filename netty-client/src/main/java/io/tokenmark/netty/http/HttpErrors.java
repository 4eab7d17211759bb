package io.tokenmark.netty.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Turns a non-2xx response into the message and body excerpt of an {@code http_<status>} failure. */
final class HttpErrors {
    private static final JsonFactory JSON = new JsonFactory();

    private HttpErrors() {
    }

    /**
     * Decodes the kept body bytes as UTF-8, dropping a character cut off at the end of the
     * excerpt.
     */
    static String bodyText(byte[] bytes, int length) {
        int end = length;
        // Step back over continuation bytes to the start of the last character, and drop it
        // when its sequence is incomplete.
        int start = end;
        while (start > 0 && start > end - 4 && (bytes[start - 1] & 0xC0) == 0x80) {
            start--;
        }
        if (start > 0) {
            int lead = bytes[start - 1] & 0xFF;
            int needed = 1;
            if (lead >= 0xF0) {
                needed = 4;
            } else if (lead >= 0xE0) {
                needed = 3;
            } else if (lead >= 0xC0) {
                needed = 2;
            }
            if (end - (start - 1) < needed) {
                end = start - 1;
            }
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Returns {@code HTTP <status>: <message>} with the server's message from a JSON body
     * ({@code error.message}, a string {@code error}, {@code message} or {@code detail}), else
     * {@code HTTP <status> <reason phrase>}.
     */
    static String message(int status, String body) {
        String serverMessage = serverMessage(body);
        if (serverMessage != null && !serverMessage.isBlank()) {
            return "HTTP " + status + ": " + serverMessage;
        }
        return "HTTP " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase();
    }

    private static String serverMessage(String body) {
        if (body == null || body.isBlank() || body.strip().charAt(0) != '{') {
            return null;
        }
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String found = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("error".equals(name) && value == JsonToken.START_OBJECT) {
                    String nested = objectMessage(parser);
                    if (nested != null) {
                        return nested;
                    }
                } else if ((name.equals("error") || name.equals("message") || name.equals("detail"))
                        && value == JsonToken.VALUE_STRING) {
                    found = found == null ? parser.getText() : found;
                } else {
                    parser.skipChildren();
                }
            }
            return found;
        } catch (IOException e) {
            // A cut-off or non-JSON body: the caller falls back to the reason phrase.
            return null;
        }
    }

    private static String objectMessage(JsonParser parser) throws IOException {
        String message = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("message".equals(name) && value == JsonToken.VALUE_STRING) {
                message = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return message;
    }
}
