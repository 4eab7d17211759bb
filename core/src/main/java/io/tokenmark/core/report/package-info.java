/**
 * Result files and console output, in the format that {@code docs/output-format.md} describes.
 *
 * <p>Writers, each safe against a crash at any moment:
 * <ul>
 *   <li>{@link io.tokenmark.core.report.RunMetadata}: {@code run.json}, written once at the
 *       start;</li>
 *   <li>{@link io.tokenmark.core.report.RequestLogWriter}: {@code requests.jsonl}, one flushed
 *       line per request as it ends;</li>
 *   <li>{@link io.tokenmark.core.report.SummaryWriter}: {@code summary-<point>.json} and
 *       {@code summary.json}, replaced atomically as each point ends;</li>
 *   <li>{@link io.tokenmark.core.report.ConsoleTable}: the text printed after each point, in the
 *       layout of evalscope perf's summary.</li>
 * </ul>
 * Readers ({@link io.tokenmark.core.report.SummaryReader},
 * {@link io.tokenmark.core.report.RequestLogReader}, {@link io.tokenmark.core.report.RunMetadata})
 * serve the {@code compare} and {@code report} commands and resumed runs. A summary read back
 * equals the one written, because the files keep the raw histograms and exact moments.
 *
 * <p>{@link io.tokenmark.core.report.VllmView} and {@link io.tokenmark.core.report.EvalscopeView}
 * present a summary under the field names of {@code vllm bench serve} and evalscope perf; their
 * Javadoc lists where the two tools measure differently.
 */
package io.tokenmark.core.report;
