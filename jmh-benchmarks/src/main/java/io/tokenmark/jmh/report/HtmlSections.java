package io.tokenmark.jmh.report;

import io.tokenmark.core.metric.DistributionStats;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.RunMetadata;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The sections of the HTML report's body, in the order {@link HtmlReport} writes them. */
final class HtmlSections {
    private static final String NOT_AVAILABLE = "n/a";

    private HtmlSections() {
    }

    /** Writes every distinct caveat of every point of every run, each once. */
    static void caveats(StringBuilder html, List<RunData> runs) {
        Set<String> caveats = new LinkedHashSet<>();
        for (RunData run : runs) {
            for (Summary summary : run.points()) {
                caveats.addAll(summary.caveats());
            }
        }
        caveats.add(ComparisonTable.NOISE_NOTE);
        html.append("<section id=\"caveats\"><h2>Caveats</h2><ul>\n");
        for (String caveat : caveats) {
            html.append("<li>").append(Html.escape(caveat)).append("</li>\n");
        }
        html.append("</ul></section>\n");
    }

    /** Writes one comparison table per point. */
    static void comparison(StringBuilder html, RunComparison comparison) {
        html.append("<section id=\"comparison\"><h2>Comparison</h2>\n");
        List<String> labels = comparison.labels();
        for (RunComparison.Point point : comparison.points()) {
            html.append("<h3>").append(Html.escape(ComparisonTable.pointHeader(comparison, point)))
                    .append("</h3>\n<table class=\"comparison\"><thead><tr><th>Metric</th>");
            for (String label : labels) {
                html.append("<th>").append(Html.escape(label)).append("</th>");
            }
            html.append("<th>Better</th><th>Better by</th><th>Beyond noise</th></tr></thead>"
                    + "<tbody>\n");
            for (RunComparison.Row row : point.rows()) {
                html.append("<tr><td>").append(Html.escape(row.metric().displayName()))
                        .append("</td>");
                for (int i = 0; i < labels.size(); i++) {
                    html.append(i == row.best() ? "<td class=\"best\">" : "<td>")
                            .append(ComparisonTable.number(row.values().get(i))).append("</td>");
                }
                String better = row.best() >= 0 ? labels.get(row.best()) : NOT_AVAILABLE;
                html.append("<td>").append(Html.escape(better)).append("</td><td>")
                        .append(row.best() >= 0 ? ComparisonTable.percent(row.betterBy())
                                : NOT_AVAILABLE)
                        .append("</td><td class=\"").append(row.verdict().name().toLowerCase(Locale.ROOT))
                        .append("\">").append(Html.escape(ComparisonTable.noise(row)))
                        .append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
        }
        html.append("</section>\n");
    }

    /** Writes the chart containers that the script draws into. */
    static void charts(StringBuilder html, RunComparison comparison) {
        html.append("<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">\n");
        chart(html, "output_tokens_per_s", "Output token throughput (tok/s)");
        chart(html, "requests_per_s", "Request throughput (req/s)");
        chart(html, "ttft", "TTFT percentiles (ms)");
        chart(html, "tpot", "TPOT percentiles (ms)");
        chart(html, "itl", "ITL percentiles (ms)");
        chart(html, "e2el", "E2EL percentiles (ms)");
        html.append("</div></section>\n");
    }

    private static void chart(StringBuilder html, String kind, String title) {
        html.append("<figure class=\"chart\" data-chart=\"").append(kind).append("\"><figcaption>")
                .append(Html.escape(title)).append("</figcaption></figure>\n");
    }

    /** Writes one timeline container per run. */
    static void timelines(StringBuilder html, List<RunData> runs, List<String> labels) {
        html.append("<section id=\"timelines\"><h2>Request timelines</h2>\n<p>Each line is a"
                + " request, from its send (left) to the end of its stream (right), ordered by"
                + " send; the thin part waits for the first token. Failed requests are red."
                + " Times are seconds since the run started; a resumed point restarts at 0.</p>\n");
        for (int r = 0; r < runs.size(); r++) {
            html.append("<figure class=\"chart timeline\" data-chart=\"timeline\" data-run=\"")
                    .append(r).append("\"><figcaption>").append(Html.escape(labels.get(r)))
                    .append("</figcaption></figure>\n");
        }
        html.append("</section>\n");
    }

    /** Writes each run's summary table, one row per point. */
    static void summaries(StringBuilder html, List<RunData> runs, List<String> labels) {
        html.append("<section id=\"summaries\"><h2>Summaries</h2>\n");
        for (int r = 0; r < runs.size(); r++) {
            html.append("<h3>").append(Html.escape(labels.get(r))).append("</h3>\n")
                    .append("<div class=\"scroll\"><table class=\"summary\"><thead><tr>"
                            + "<th>Point</th><th>Requests</th><th>Failed</th><th>Duration (s)</th>"
                            + "<th>Req/s</th><th>Output tok/s</th><th>Total tok/s</th><th>Goodput (req/s)</th>"
                            + "<th>TTFT mean / p50 / p99</th><th>TPOT mean / p50 / p99</th>"
                            + "<th>ITL mean / p50 / p99</th><th>E2EL mean / p50 / p99</th>"
                            + "</tr></thead><tbody>\n");
            for (Summary s : runs.get(r).points()) {
                html.append("<tr><td>").append(Html.escape(s.load().label()))
                        .append(s.complete() ? "" : " (stopped early)").append("</td><td>")
                        .append(s.totalRequests()).append("</td><td>").append(s.failedRequests())
                        .append("</td><td>").append(number(s.durationSeconds()))
                        .append("</td><td>").append(number(s.requestThroughput()))
                        .append("</td><td>").append(number(s.outputTokenThroughput()))
                        .append("</td><td>").append(number(s.totalTokenThroughput()))
                        .append("</td><td>").append(number(s.goodput())).append("</td>");
                for (Metric metric : new Metric[] {Metric.TTFT, Metric.TPOT, Metric.ITL,
                        Metric.E2EL}) {
                    DistributionStats stats = s.stats(metric);
                    html.append("<td>").append(number(stats.mean())).append(" / ")
                            .append(number(stats.p50())).append(" / ").append(number(stats.p99()))
                            .append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</tbody></table></div>\n");
        }
        html.append("</section>\n");
    }

    /** Writes the failed requests by error kind, per run and point. */
    static void errors(StringBuilder html, List<RunData> runs, List<String> labels) {
        Set<String> kinds = new TreeSet<>();
        for (RunData run : runs) {
            for (Summary summary : run.points()) {
                kinds.addAll(summary.failuresByError().keySet());
            }
        }
        html.append("<section id=\"errors\"><h2>Errors by kind</h2>\n");
        if (kinds.isEmpty()) {
            html.append("<p class=\"no-errors\">No request failed.</p></section>\n");
            return;
        }
        html.append("<div class=\"scroll\"><table class=\"errors\"><thead><tr><th>Run</th>"
                + "<th>Point</th>");
        for (String kind : kinds) {
            html.append("<th>").append(Html.escape(kind)).append("</th>");
        }
        html.append("</tr></thead><tbody>\n");
        for (int r = 0; r < runs.size(); r++) {
            for (Summary summary : runs.get(r).points()) {
                html.append("<tr><td>").append(Html.escape(labels.get(r))).append("</td><td>")
                        .append(Html.escape(summary.load().label())).append("</td>");
                for (String kind : kinds) {
                    html.append("<td>").append(summary.failuresByError().getOrDefault(kind, 0L))
                            .append("</td>");
                }
                html.append("</tr>\n");
            }
        }
        html.append("</tbody></table></div></section>\n");
    }

    /** Writes each run's metadata from its {@code run.json}. */
    static void metadata(StringBuilder html, List<RunData> runs, List<String> labels) {
        html.append("<section id=\"metadata\"><h2>Runs</h2>\n");
        for (int r = 0; r < runs.size(); r++) {
            RunMetadata m = runs.get(r).metadata();
            html.append("<h3>").append(Html.escape(labels.get(r))).append("</h3>\n")
                    .append("<table class=\"metadata\"><tbody>\n");
            row(html, "Folder", runs.get(r).directory().toString());
            row(html, "Started", m.startedAt().toString());
            row(html, "Target", m.targetUrl());
            row(html, "Model", m.model());
            row(html, "API", m.api());
            row(html, "Simulator profile", m.simulatorProfile() == null
                    ? "none (external server)" : m.simulatorProfile());
            row(html, "Workload", m.workload());
            row(html, "Load", m.load());
            row(html, "SLO (ms)", m.slo().isEmpty() ? "none" : m.slo().toString());
            row(html, "TokenMark version", m.tokenmarkVersion());
            row(html, "JVM", m.host().jvm());
            row(html, "OS", m.host().os());
            row(html, "Cores", Integer.toString(m.host().cores()));
            row(html, "Max heap (MiB)", Long.toString(m.host().maxHeapBytes() >> 20));
            for (Map.Entry<String, String> setting : new java.util.TreeMap<>(m.settings())
                    .entrySet()) {
                row(html, "Setting " + setting.getKey(), setting.getValue());
            }
            html.append("</tbody></table>\n");
        }
        html.append("</section>\n");
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><th>").append(Html.escape(name)).append("</th><td>")
                .append(Html.escape(value == null ? NOT_AVAILABLE : value)).append("</td></tr>\n");
    }

    private static String number(double value) {
        if (!Double.isFinite(value)) {
            return NOT_AVAILABLE;
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.1f" : "%.3f", value);
    }
}
