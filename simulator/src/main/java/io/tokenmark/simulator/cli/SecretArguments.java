package io.tokenmark.simulator.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Masks secrets that a user put on the command line by mistake before a message repeats them:
 * the value of an unknown option whose name looks like a credential ({@code --api-key sk-…}),
 * and the user info and query values of a URL. The value is already in the shell history, but
 * it must not also reach the console, logs or result files.
 *
 * <p>Stateless and thread-safe.
 */
public final class SecretArguments {
    /** The text that replaces a masked value. */
    public static final String MASK = "***";

    private static final List<String> SECRET_WORDS =
            List.of("key", "token", "secret", "password", "passwd", "credential", "auth");

    private SecretArguments() {
    }

    /**
     * Returns whether an option name, such as {@code --api-key} or {@code --hf-token}, looks like
     * it takes a credential: it contains key, token, secret, password, passwd, credential or
     * auth, in any case.
     */
    public static boolean isSecretOptionName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the values that follow unknown secret-looking options in {@code args}: the part
     * after {@code =} of {@code --api-key=VALUE}, or the next argument after {@code --api-key}
     * when it does not start with {@code -}.
     *
     * @param args the command line as given
     * @param isKnownOption whether an option name (without {@code =VALUE}) is one the command
     *     defines; the values of known options, such as a key file's path, are not secrets
     */
    public static List<String> secretValues(String[] args, Predicate<String> isKnownOption) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                continue;
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (isKnownOption.test(name) || !isSecretOptionName(name)) {
                continue;
            }
            if (equals >= 0) {
                values.add(arg.substring(equals + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                values.add(args[i + 1]);
            }
        }
        values.removeIf(String::isEmpty);
        return values;
    }

    /** Returns {@code text} with every occurrence of each of {@code secrets} replaced by {@value #MASK}. */
    public static String mask(String text, List<String> secrets) {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    /**
     * Returns a URL as it may be printed: the user info ({@code user:password@}) and the value of
     * every query and fragment parameter are replaced by {@value #MASK}, so
     * {@code http://h/v1?api_key=sk-1} becomes {@code http://h/v1?api_key=***}, and a parameter
     * without {@code =} becomes {@value #MASK} as a whole. Text that is not a valid URL is masked
     * the same way, by position.
     */
    public static String maskUrl(String url) {
        String masked = url;
        int scheme = masked.indexOf("//");
        if (scheme >= 0) {
            int authorityEnd = firstIndexOf(masked, scheme + 2, '?', '#');
            // The last '@' before the query ends the user info, which may itself contain '/'
            // or '@'; a path with an '@' is masked too, which errs on the safe side.
            int at = masked.lastIndexOf('@', authorityEnd - 1);
            if (at > scheme + 1) {
                masked = masked.substring(0, scheme + 2) + MASK + masked.substring(at);
            }
        }
        int query = masked.indexOf('?');
        int fragment = masked.indexOf('#');
        int parameters = query >= 0 ? query : fragment;
        if (parameters < 0) {
            return masked;
        }
        StringBuilder result = new StringBuilder(masked.substring(0, parameters));
        for (String part : masked.substring(parameters).split("(?=[?&#])")) {
            int equals = part.indexOf('=');
            result.append(part.charAt(0));
            if (equals >= 0) {
                result.append(part, 1, equals + 1).append(MASK);
            } else if (part.length() > 1) {
                result.append(MASK);
            }
        }
        return result.toString();
    }

    private static int firstIndexOf(String text, int from, char first, char second) {
        int end = text.length();
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == first || c == second) {
                end = i;
                break;
            }
        }
        return end;
    }
}
