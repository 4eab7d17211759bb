package io.tokenmark.netty.http;

import io.netty.handler.ssl.NotSslRecordException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Messages for a TLS connection whose server did not respond in TLS. Netty's
 * {@link NotSslRecordException} carries the whole first read as hex, often hundreds of
 * characters of a plain-HTTP error page, so the message keeps at most {@value #MAX_QUOTED_BYTES}
 * bytes.
 */
final class TlsFailures {
    /** Maximum bytes of the server's first response quoted in a message. */
    static final int MAX_QUOTED_BYTES = 16;

    /** The hex dump that Netty 4.2 appends to "not an SSL/TLS record: ". */
    private static final Pattern HEX_DUMP = Pattern.compile("([0-9a-fA-F]{2,})\\s*$");

    private TlsFailures() {
    }

    /**
     * Returns the message for an {@code https} connection to {@code target} whose server
     * responded with something that is not a TLS record: plain HTTP gets the advice to use
     * {@code http://}, anything else shows its first bytes in hex.
     */
    static String describeNotTls(String target, NotSslRecordException failure) {
        byte[] first = firstBytes(failure.getMessage());
        String text = new String(first, StandardCharsets.US_ASCII);
        if (text.startsWith("HTTP/")) {
            return "TLS handshake with " + target + " failed: the server responded in plain HTTP"
                    + " (\"" + printable(text) + "…\"), not TLS; use http:// instead of https://"
                    + " in the base URL";
        }
        String hex = first.length == 0 ? "none" : HexFormat.of().formatHex(first);
        return "TLS handshake with " + target + " failed: the server did not respond in TLS"
                + " (first bytes in hex: " + hex + "); check that this port serves HTTPS, or"
                + " use http://";
    }

    /** Returns up to {@value #MAX_QUOTED_BYTES} bytes decoded from the message's hex dump. */
    private static byte[] firstBytes(String message) {
        if (message == null) {
            return new byte[0];
        }
        Matcher matcher = HEX_DUMP.matcher(message);
        if (!matcher.find()) {
            return new byte[0];
        }
        String hex = matcher.group(1);
        int length = Math.min(hex.length() / 2, MAX_QUOTED_BYTES) * 2;
        return HexFormat.of().parseHex(hex, 0, length);
    }

    /** Replaces control characters, such as the CR LF after a status line, with spaces. */
    private static String printable(String text) {
        StringBuilder printable = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            printable.append(c < 0x20 || c > 0x7e ? ' ' : c);
        }
        return printable.toString().strip();
    }
}
