package io.tokenmark.jmh.perf;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one benchmark, printed as a table with each value beside its target and
 * {@code PASS} or {@code MISS}. Not thread-safe.
 */
public final class FigureTable {
    /** The first word of every printed figure row, so that a script can pick rows out of a log. */
    public static final String ROW_PREFIX = "FIGURE";

    private final String benchmark;
    private final List<Figure> figures = new ArrayList<>();

    /** @param benchmark the benchmark's name, printed in the heading and in every row */
    public FigureTable(String benchmark) {
        this.benchmark = benchmark;
    }

    /** Adds a figure; returns this table. */
    public FigureTable add(Figure figure) {
        figures.add(figure);
        return this;
    }

    /** Returns the figures in the order they were added. */
    public List<Figure> figures() {
        return List.copyOf(figures);
    }

    /** Returns whether every figure with a target met it. */
    public boolean allTargetsMet() {
        for (Figure figure : figures) {
            if (figure.target() != null && !figure.target().isMetBy(figure.value())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Prints the table: one row per figure, {@code FIGURE | benchmark | name | value | target |
     * verdict}, with the columns padded to line up.
     */
    public void print(PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        for (Figure figure : figures) {
            rows.add(new String[] {ROW_PREFIX, benchmark, figure.name(), figure.formattedValue(),
                figure.formattedTarget(), figure.verdict()});
        }
        int[] widths = new int[6];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        out.println();
        out.println("Figures of " + benchmark + ":");
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                if (c > 0) {
                    line.append(" | ");
                }
                boolean numeric = c == 3 || c == 4;
                String padding = " ".repeat(widths[c] - row[c].length());
                line.append(numeric ? padding + row[c] : row[c] + padding);
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
