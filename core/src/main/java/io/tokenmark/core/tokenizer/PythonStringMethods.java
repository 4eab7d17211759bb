package io.tokenmark.core.tokenizer;

import com.hubspot.jinjava.objects.SafeString;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;

/**
 * An expression resolver that gives strings the Python {@code str} methods chat templates call,
 * with Python's semantics: {@code startswith}, {@code endswith}, {@code strip}, {@code lstrip},
 * {@code rstrip}, {@code split}, {@code rsplit}, {@code splitlines}, {@code upper},
 * {@code lower}, {@code title}, {@code capitalize}, {@code replace}, {@code find},
 * {@code rfind}, {@code count} and {@code join}.
 *
 * <p>Jinjava otherwise calls the Java method of the same name, which is missing
 * ({@code startswith}) or differs: Java's {@code split} takes a regular expression and drops
 * trailing empty strings, so {@code 'a</think>'.split('</think>')[-1]} would give {@code a}
 * instead of the empty string.
 *
 * <p>It resolves only method calls on strings and leaves every other lookup to the resolvers
 * after it. Bad arguments raise an {@link ELException}, which Jinjava reports as a template
 * error. Stateless and thread-safe.
 */
final class PythonStringMethods extends ELResolver {
    private static final Set<String> METHODS = Set.of(
            "startswith", "endswith", "strip", "lstrip", "rstrip", "split", "rsplit",
            "splitlines", "upper", "lower", "title", "capitalize", "replace", "find", "rfind",
            "count", "join");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes,
            Object[] params) {
        String self = asString(base);
        if (self == null || !(method instanceof String) || !METHODS.contains(method)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(self, (String) method, args);
        context.setPropertyResolved(true);
        return result;
    }

    private static Object call(String self, String method, Object[] args) {
        switch (method) {
            case "startswith":
                return matchesAffix(self, method, args, true);
            case "endswith":
                return matchesAffix(self, method, args, false);
            case "strip":
                return strip(self, optionalString(method, args, 0), true, true);
            case "lstrip":
                return strip(self, optionalString(method, args, 0), true, false);
            case "rstrip":
                return strip(self, optionalString(method, args, 0), false, true);
            case "split":
                return split(self, optionalString(method, args, 0), optionalInt(method, args, 1, -1));
            case "rsplit":
                return rsplit(self, optionalString(method, args, 0), optionalInt(method, args, 1, -1));
            case "splitlines":
                return splitLines(self);
            case "upper":
                return self.toUpperCase(Locale.ROOT);
            case "lower":
                return self.toLowerCase(Locale.ROOT);
            case "title":
                return title(self);
            case "capitalize":
                return self.isEmpty() ? self
                        : self.substring(0, 1).toUpperCase(Locale.ROOT)
                                + self.substring(1).toLowerCase(Locale.ROOT);
            case "replace":
                return replace(self, requiredString(method, args, 0), requiredString(method, args, 1),
                        optionalInt(method, args, 2, -1));
            case "find":
                return (long) self.indexOf(requiredString(method, args, 0));
            case "rfind":
                return (long) self.lastIndexOf(requiredString(method, args, 0));
            case "count":
                return count(self, requiredString(method, args, 0));
            case "join":
                return join(self, method, args);
            default:
                throw new IllegalStateException("unhandled string method " + method);
        }
    }

    private static boolean matchesAffix(String self, String method, Object[] args, boolean prefix) {
        if (args.length == 0) {
            throw new ELException(method + "() needs an argument");
        }
        int start = clampIndex(optionalInt(method, args, 1, 0), self.length());
        int end = clampIndex(optionalInt(method, args, 2, self.length()), self.length());
        String window = start <= end ? self.substring(start, end) : "";
        Object affixes = args[0];
        if (affixes instanceof Collection) {
            for (Object affix : (Collection<?>) affixes) {
                if (matches(window, requireString(method, affix), prefix)) {
                    return true;
                }
            }
            return false;
        }
        return matches(window, requireString(method, affixes), prefix);
    }

    private static boolean matches(String window, String affix, boolean prefix) {
        return prefix ? window.startsWith(affix) : window.endsWith(affix);
    }

    private static int clampIndex(long index, int length) {
        long resolved = index < 0 ? index + length : index;
        return (int) Math.max(0, Math.min(length, resolved));
    }

    private static String strip(String self, String chars, boolean left, boolean right) {
        int start = 0;
        int end = self.length();
        while (left && start < end && isStripped(self.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && isStripped(self.charAt(end - 1), chars)) {
            end--;
        }
        return self.substring(start, end);
    }

    private static boolean isStripped(char c, String chars) {
        return chars == null ? isPythonWhitespace(c) : chars.indexOf(c) >= 0;
    }

    private static boolean isPythonWhitespace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static List<String> split(String self, String separator, long maxSplit) {
        if (separator == null) {
            return splitOnWhitespace(self, maxSplit);
        }
        if (separator.isEmpty()) {
            throw new ELException("split() separator is empty");
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        while (maxSplit < 0 || parts.size() < maxSplit) {
            int at = self.indexOf(separator, from);
            if (at < 0) {
                break;
            }
            parts.add(self.substring(from, at));
            from = at + separator.length();
        }
        parts.add(self.substring(from));
        return parts;
    }

    private static List<String> rsplit(String self, String separator, long maxSplit) {
        if (maxSplit < 0) {
            // Without a limit, splitting from the right gives the same parts as from the left.
            return split(self, separator, -1);
        }
        if (separator == null || separator.isEmpty()) {
            throw new ELException("rsplit() with a limit needs a non-empty separator");
        }
        List<String> parts = new ArrayList<>();
        int end = self.length();
        while (parts.size() < maxSplit) {
            int at = self.lastIndexOf(separator, end - separator.length());
            if (at < 0) {
                break;
            }
            parts.add(0, self.substring(at + separator.length(), end));
            end = at;
        }
        parts.add(0, self.substring(0, end));
        return parts;
    }

    private static List<String> splitOnWhitespace(String self, long maxSplit) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        int n = self.length();
        while (true) {
            while (i < n && isPythonWhitespace(self.charAt(i))) {
                i++;
            }
            if (i == n) {
                return parts;
            }
            if (maxSplit >= 0 && parts.size() == maxSplit) {
                parts.add(strip(self.substring(i), null, false, true));
                return parts;
            }
            int start = i;
            while (i < n && !isPythonWhitespace(self.charAt(i))) {
                i++;
            }
            parts.add(self.substring(start, i));
        }
    }

    private static List<String> splitLines(String self) {
        // NOTE: Python also breaks lines at \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029.
        List<String> lines = new ArrayList<>(List.of(self.split("\r\n|\r|\n", -1)));
        // Python drops the empty string after a final line break, and returns [] for "".
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String title(String self) {
        StringBuilder out = new StringBuilder(self.length());
        boolean previousIsLetter = false;
        for (int i = 0; i < self.length(); i++) {
            char c = self.charAt(i);
            out.append(previousIsLetter ? Character.toLowerCase(c) : Character.toTitleCase(c));
            previousIsLetter = Character.isLetter(c);
        }
        return out.toString();
    }

    private static String replace(String self, String target, String replacement, long maxCount) {
        if (maxCount < 0) {
            return self.replace(target, replacement);
        }
        StringBuilder out = new StringBuilder(self.length());
        int from = 0;
        for (long done = 0; done < maxCount; done++) {
            int at = self.indexOf(target, from);
            if (at < 0) {
                break;
            }
            out.append(self, from, at).append(replacement);
            from = at + target.length();
            if (target.isEmpty()) {
                if (from >= self.length()) {
                    break;
                }
                out.append(self.charAt(from));
                from++;
            }
        }
        return out.append(self.substring(Math.min(from, self.length()))).toString();
    }

    private static long count(String self, String sub) {
        if (sub.isEmpty()) {
            return self.length() + 1L;
        }
        long found = 0;
        for (int at = self.indexOf(sub); at >= 0; at = self.indexOf(sub, at + sub.length())) {
            found++;
        }
        return found;
    }

    private static String join(String self, String method, Object[] args) {
        if (args.length == 0) {
            throw new ELException(method + "() needs an argument");
        }
        Iterator<?> items;
        if (args[0] instanceof Iterable) {
            items = ((Iterable<?>) args[0]).iterator();
        } else if (args[0] instanceof Object[]) {
            items = List.of((Object[]) args[0]).iterator();
        } else {
            throw new ELException(method + "() needs a list of strings, not " + typeName(args[0]));
        }
        StringBuilder out = new StringBuilder();
        while (items.hasNext()) {
            out.append(requireString(method, items.next()));
            if (items.hasNext()) {
                out.append(self);
            }
        }
        return out.toString();
    }

    private static String optionalString(String method, Object[] args, int index) {
        if (index >= args.length || args[index] == null) {
            return null;
        }
        return requireString(method, args[index]);
    }

    private static String requiredString(String method, Object[] args, int index) {
        if (index >= args.length) {
            throw new ELException(method + "() needs at least " + (index + 1) + " arguments");
        }
        return requireString(method, args[index]);
    }

    private static long optionalInt(String method, Object[] args, int index, long absent) {
        if (index >= args.length || args[index] == null) {
            return absent;
        }
        if (!(args[index] instanceof Number)) {
            throw new ELException(method + "() argument " + (index + 1) + " must be an integer, not "
                    + typeName(args[index]));
        }
        return ((Number) args[index]).longValue();
    }

    private static String requireString(String method, Object value) {
        String s = asString(value);
        if (s == null) {
            throw new ELException(method + "() needs a string, not " + typeName(value));
        }
        return s;
    }

    private static String asString(Object value) {
        if (value instanceof String) {
            return (String) value;
        }
        if (value instanceof SafeString) {
            return ((SafeString) value).getValue();
        }
        return null;
    }

    private static String typeName(Object value) {
        return value == null ? "none" : value.getClass().getSimpleName();
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // Resolves nothing but method calls.
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
