package io.tokenmark.simulator.cli;

import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * Turns the error of a server socket that could not be bound into one line that names the
 * {@code --host} or {@code --port} value at fault and the fix, instead of a stack trace.
 */
final class BindFailure {
    private BindFailure() {
    }

    /**
     * Returns the message for a failed bind to {@code host:port}.
     *
     * @param failure what {@code Simulator.start} threw; the message of its root cause selects
     *     the case (address in use, address not local, permission denied, unknown host)
     */
    static String describe(String host, int port, Throwable failure) {
        String address = host + ":" + port;
        String causes = causeMessages(failure).toLowerCase(Locale.ROOT);
        if (causes.contains("address already in use")) {
            return "cannot listen on " + address + ": --port " + port + " is already in use by"
                    + " another program; give another --port, or --port 0 for a free one";
        }
        if (causes.contains("cannot assign requested address")) {
            return "cannot listen on " + address + ": --host " + host + " is not an address of"
                    + " this machine; give 127.0.0.1, 0.0.0.0 for every interface, or the address"
                    + " of one of this machine's network interfaces";
        }
        if (causes.contains("permission denied")) {
            return "cannot listen on " + address + ": permission denied for --port " + port
                    + " (ports below 1024 need administrator rights); give a port from 1024 to"
                    + " 65535, or --port 0 for a free one";
        }
        if (hasCause(failure, UnknownHostException.class)
                || hasCause(failure, UnresolvedAddressException.class)) {
            return "cannot listen on " + address + ": --host " + host + " cannot be resolved;"
                    + " give an IP address such as 127.0.0.1, or a host name of this machine";
        }
        return "cannot listen on " + address + ": " + rootCause(failure)
                + "; check --host and --port, or give --port 0 for a free port";
    }

    private static String causeMessages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
