package io.tokenmark.jmh.report;

import java.util.Map;

/** Escaping and templating for the HTML report. Thread-safe: stateless. */
final class Html {
    private Html() {
    }

    /** Escapes text for an HTML element or a quoted attribute value. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&':
                    escaped.append("&amp;");
                    break;
                case '<':
                    escaped.append("&lt;");
                    break;
                case '>':
                    escaped.append("&gt;");
                    break;
                case '"':
                    escaped.append("&quot;");
                    break;
                case '\'':
                    escaped.append("&#39;");
                    break;
                default:
                    escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * Makes JSON text safe inside a {@code <script>} element: {@code <}, {@code >} and
     * {@code &} become Unicode escapes, which JSON allows only inside strings, where they mean
     * the same characters. So no {@code </script>} in a value can end the element early. Line
     * and paragraph separators are escaped too, for older script engines.
     */
    static String scriptJson(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    /**
     * Replaces each {@code {{NAME}}} of the template by its value, in one pass, so a value that
     * contains a placeholder's text is not replaced again.
     *
     * @throws IllegalArgumentException if the template has a placeholder without a value
     */
    static String fill(String template, Map<String, String> values) {
        StringBuilder filled = new StringBuilder(template.length() * 2);
        int position = 0;
        while (true) {
            int open = template.indexOf("{{", position);
            if (open < 0) {
                break;
            }
            int close = template.indexOf("}}", open);
            if (close < 0) {
                break;
            }
            String name = template.substring(open + 2, close);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("report template placeholder {{" + name
                        + "}} has no value");
            }
            filled.append(template, position, open).append(value);
            position = close + 2;
        }
        return filled.append(template.substring(position)).toString();
    }
}
