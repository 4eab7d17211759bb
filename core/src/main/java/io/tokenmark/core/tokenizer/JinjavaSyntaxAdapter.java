package io.tokenmark.core.tokenizer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the two Jinja2 constructs of Hugging Face chat templates that Jinjava 2.8.2 parses
 * differently, into equivalents it parses as Jinja2 does. Text outside {@code {{ }}} and
 * {@code {% %}}, comments and {@code {% raw %}} blocks are left alone.
 *
 * <ul>
 *   <li><b>Reversing slice.</b> Jinjava has no slice step, so {@code x[::-1]} is a syntax error.
 *       It becomes {@code (x|reverse)}, where {@code x} is the postfix expression before the
 *       slice (a name with attribute, index and call suffixes, a string literal or a
 *       parenthesised expression).</li>
 *   <li><b>Keyword argument values.</b> Jinjava parses {@code name=} as a binary operator as
 *       tight as {@code +}, so {@code namespace(i=messages|length - 1)} evaluates
 *       {@code (i=messages|length) - 1} and fails. Every keyword argument value is put in
 *       parentheses: {@code namespace(i=(messages|length - 1))}.</li>
 * </ul>
 *
 * <p>Other slice steps, such as {@code [::2]}, are left as they are and fail to parse, so the
 * chat template reports a render error.
 */
final class JinjavaSyntaxAdapter {
    private static final Pattern REVERSE_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-\\s*1\\s*]");
    private static final Pattern RAW_END = Pattern.compile("\\{%-?\\s*endraw\\s*-?%}");
    private static final Pattern RAW_START = Pattern.compile("\\{%-?\\s*raw\\s*-?%}");

    private JinjavaSyntaxAdapter() {
    }

    /** Returns the template with both rewrites applied to every expression and statement. */
    static String adapt(String template) {
        StringBuilder out = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            int open = nextDelimiter(template, i);
            if (open < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);

            char kind = template.charAt(open + 1);
            if (kind == '#') {
                int end = template.indexOf("#}", open + 2);
                int stop = end < 0 ? template.length() : end + 2;
                out.append(template, open, stop);
                i = stop;
                continue;
            }

            Matcher raw = RAW_START.matcher(template).region(open, template.length());
            if (kind == '%' && raw.lookingAt()) {
                Matcher rawEnd = RAW_END.matcher(template);
                int stop = rawEnd.find(raw.end()) ? rawEnd.end() : template.length();
                out.append(template, open, stop);
                i = stop;
                continue;
            }

            String closer = kind == '{' ? "}}" : "%}";
            int close = findCloser(template, open + 2, closer);
            if (close < 0) {
                // Unterminated tag: leave it for Jinjava to report.
                out.append(template, open, template.length());
                break;
            }
            out.append(template, open, open + 2);
            out.append(adaptExpression(template.substring(open + 2, close)));
            out.append(closer);
            i = close + 2;
        }
        return out.toString();
    }

    /** Applies both rewrites to the text between one tag's delimiters. */
    static String adaptExpression(String expression) {
        String result = parenthesiseKeywordValues(expression);
        while (true) {
            String next = rewriteFirstReverseSlice(result);
            if (next.equals(result)) {
                return result;
            }
            result = next;
        }
    }

    private static int nextDelimiter(String template, int from) {
        int i = template.indexOf('{', from);
        while (i >= 0 && i + 1 < template.length()) {
            char c = template.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i = template.indexOf('{', i + 1);
        }
        return -1;
    }

    private static int findCloser(String template, int from, String closer) {
        char quote = 0;
        for (int i = from; i < template.length() - 1; i++) {
            char c = template.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (template.startsWith(closer, i)) {
                return i;
            }
        }
        return -1;
    }

    private static String parenthesiseKeywordValues(String expression) {
        // A TreeMap keeps the insertions in position order for the final copy.
        Map<Integer, StringBuilder> insertions = new TreeMap<>();
        Deque<Character> brackets = new ArrayDeque<>();
        Deque<Integer> openValueDepths = new ArrayDeque<>();
        char quote = 0;
        char previous = 0;

        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                    previous = c;
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                brackets.push(c);
            } else if (c == ')' || c == ']' || c == '}' || c == ',') {
                if (c != ']' && c != '}' && !openValueDepths.isEmpty()
                        && openValueDepths.peek() == brackets.size()) {
                    openValueDepths.pop();
                    insert(insertions, endOfValue(expression, i), ")");
                }
                if (c != ',' && !brackets.isEmpty()) {
                    brackets.pop();
                }
            } else if (isIdentifierStart(c) && !brackets.isEmpty() && brackets.peek() == '('
                    && (previous == '(' || previous == ',')) {
                int valueStart = keywordValueStart(expression, i);
                if (valueStart >= 0) {
                    insert(insertions, valueStart, "(");
                    openValueDepths.push(brackets.size());
                }
            }
            if (!Character.isWhitespace(c)) {
                previous = c;
            }
        }

        if (insertions.isEmpty()) {
            return expression;
        }
        StringBuilder out = new StringBuilder(expression.length() + insertions.size() * 2);
        int copied = 0;
        for (Map.Entry<Integer, StringBuilder> insertion : insertions.entrySet()) {
            out.append(expression, copied, insertion.getKey()).append(insertion.getValue());
            copied = insertion.getKey();
        }
        return out.append(expression, copied, expression.length()).toString();
    }

    private static void insert(Map<Integer, StringBuilder> insertions, int at, String text) {
        insertions.computeIfAbsent(at, k -> new StringBuilder()).append(text);
    }

    /** Returns where the value after {@code name =} starts, or -1 for no keyword argument. */
    private static int keywordValueStart(String expression, int identifierStart) {
        int i = identifierStart;
        while (i < expression.length() && isIdentifierPart(expression.charAt(i))) {
            i++;
        }
        i = skipWhitespace(expression, i);
        if (i >= expression.length() || expression.charAt(i) != '='
                || (i + 1 < expression.length() && expression.charAt(i + 1) == '=')) {
            return -1;
        }
        return skipWhitespace(expression, i + 1);
    }

    /** Returns the position after the last non-space character before {@code at}. */
    private static int endOfValue(String expression, int at) {
        int end = at;
        while (end > 0 && Character.isWhitespace(expression.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static String rewriteFirstReverseSlice(String expression) {
        Matcher slice = REVERSE_SLICE.matcher(expression);
        ExpressionStructure structure = ExpressionStructure.of(expression);
        int from = 0;
        while (slice.find(from)) {
            if (structure.inString(slice.start())) {
                from = slice.start() + 1;
                continue;
            }
            int start = structure.postfixChainStart(slice.start());
            if (start == slice.start()) {
                // No operand before the slice: leave it for Jinjava to report.
                from = slice.end();
                continue;
            }
            return expression.substring(0, start)
                    + "(" + expression.substring(start, slice.start()) + "|reverse)"
                    + expression.substring(slice.end());
        }
        return expression;
    }

    private static int skipWhitespace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** String literal spans and bracket pairs of one expression, for scanning backwards. */
    private static final class ExpressionStructure {
        private final String expression;
        private final int[] stringStartOfEnd;
        private final boolean[] inString;
        private final int[] openerOf;

        private ExpressionStructure(String expression) {
            this.expression = expression;
            this.stringStartOfEnd = new int[expression.length()];
            this.inString = new boolean[expression.length()];
            this.openerOf = new int[expression.length()];
            java.util.Arrays.fill(stringStartOfEnd, -1);
            java.util.Arrays.fill(openerOf, -1);
        }

        static ExpressionStructure of(String expression) {
            ExpressionStructure s = new ExpressionStructure(expression);
            Deque<Integer> open = new ArrayDeque<>();
            for (int i = 0; i < expression.length(); i++) {
                char c = expression.charAt(i);
                if (c == '\'' || c == '"') {
                    int start = i;
                    for (i++; i < expression.length() && expression.charAt(i) != c; i++) {
                        if (expression.charAt(i) == '\\') {
                            i++;
                        }
                    }
                    int end = Math.min(i, expression.length() - 1);
                    for (int j = start; j <= end; j++) {
                        s.inString[j] = true;
                    }
                    s.stringStartOfEnd[end] = start;
                } else if (c == '(' || c == '[' || c == '{') {
                    open.push(i);
                } else if ((c == ')' || c == ']' || c == '}') && !open.isEmpty()) {
                    s.openerOf[i] = open.pop();
                }
            }
            return s;
        }

        boolean inString(int i) {
            return inString[i];
        }

        /**
         * Returns the start of the postfix expression that ends just before {@code end}:
         * names joined by dots, each optionally followed by calls and subscripts, or a string
         * literal or bracketed group followed by them.
         */
        int postfixChainStart(int end) {
            int start = end;
            while (true) {
                int last = start - 1;
                while (last >= 0 && Character.isWhitespace(expression.charAt(last))) {
                    last--;
                }
                if (last < 0) {
                    return start;
                }
                char c = expression.charAt(last);
                if ((c == ')' || c == ']') && openerOf[last] >= 0 && !inString[last]) {
                    start = openerOf[last];
                    if (!continuesBefore(start)) {
                        return start;
                    }
                } else if (inString[last] && stringStartOfEnd[last] >= 0) {
                    return stringStartOfEnd[last];
                } else if (isIdentifierPart(c)) {
                    int nameStart = last;
                    while (nameStart > 0 && isIdentifierPart(expression.charAt(nameStart - 1))) {
                        nameStart--;
                    }
                    start = nameStart;
                    if (start > 0 && expression.charAt(start - 1) == '.') {
                        start--;
                    } else {
                        return start;
                    }
                } else {
                    return start;
                }
            }
        }

        /** Returns whether the bracket at {@code opener} calls or subscripts what precedes it. */
        private boolean continuesBefore(int opener) {
            if (opener == 0) {
                return false;
            }
            char before = expression.charAt(opener - 1);
            return isIdentifierPart(before) || before == ')' || before == ']'
                    || (inString[opener - 1] && stringStartOfEnd[opener - 1] >= 0);
        }
    }
}
