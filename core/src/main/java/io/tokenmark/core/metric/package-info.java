/**
 * Per-request measurements and their aggregation into the summary of a sweep point.
 *
 * <p>A client reports each stream's events to a {@link io.tokenmark.core.metric.RequestRecorder},
 * which builds one immutable {@link io.tokenmark.core.metric.RequestRecord} per request with the
 * derived metrics: TTFT, TTFO, E2EL, stream time, TPOT, ICL, per-token ITL and schedule lag. A
 * {@link io.tokenmark.core.metric.MetricsRecorder} aggregates the records of one sweep point into
 * {@link io.tokenmark.core.metric.Distribution}s and counts, and returns a
 * {@link io.tokenmark.core.metric.Summary}: throughputs over the duration D, goodput against an
 * {@link io.tokenmark.core.metric.Slo}, the client's health and the caveats every report prints.
 *
 * <p>Two rules hold everywhere. Warm-up records are ignored. A failed request is counted under
 * its error kind but never enters a latency, a token total or a throughput. Percentiles are
 * nearest-rank over HdrHistogram buckets; means and standard deviations come from exact sums.
 *
 * <p><b>Coordinated omission.</b> In a closed loop a user's next request is scheduled when its
 * previous one ends, so a slow server lowers the load it receives instead of showing up as
 * schedule lag: compare the achieved request rate across points. In an open loop the schedule is
 * fixed in advance, so schedule lag shows every request the client, or a maximum concurrency,
 * held back (vLLM reports the latter as client queue time).
 */
package io.tokenmark.core.metric;
