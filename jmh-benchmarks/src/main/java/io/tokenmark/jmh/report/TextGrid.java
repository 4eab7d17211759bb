package io.tokenmark.jmh.report;

import java.util.List;

/**
 * Draws a text table in the grid style of Python's {@code tabulate} ({@code tablefmt="grid"}),
 * as the console tables of evalscope and of {@code ConsoleTable} look: a double rule under the
 * header, a rule under every row, the first column left-aligned and the others right-aligned.
 */
final class TextGrid {
    private TextGrid() {
    }

    /** Returns the table, each line ending with a line break. */
    static String format(String[] header, List<String[]> rows) {
        int[] widths = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            widths[c] = header[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder text = new StringBuilder();
        String rule = rule(widths, '-');
        text.append(rule).append(line(header, widths)).append(rule(widths, '='));
        for (String[] row : rows) {
            text.append(line(row, widths)).append(rule);
        }
        return text.toString();
    }

    private static String rule(int[] widths, char fill) {
        StringBuilder rule = new StringBuilder("+");
        for (int width : widths) {
            rule.append(String.valueOf(fill).repeat(width + 2)).append('+');
        }
        return rule.append('\n').toString();
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder("|");
        for (int c = 0; c < cells.length; c++) {
            String padding = " ".repeat(widths[c] - cells[c].length());
            line.append(' ').append(c == 0 ? cells[c] + padding : padding + cells[c]).append(" |");
        }
        return line.append('\n').toString();
    }
}
