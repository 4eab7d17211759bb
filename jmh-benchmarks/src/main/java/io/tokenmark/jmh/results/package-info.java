/**
 * JMH result types that carry TokenMark distributions, so that JMH merges per-request samples
 * across iterations and forks instead of averaging per-iteration figures.
 * {@link io.tokenmark.jmh.results.SummaryResults} lists every result the profiler publishes.
 */
package io.tokenmark.jmh.results;
