/**
 * TokenMark's JMH harness: benchmark classes that measure a streaming LLM endpoint the way JMH
 * measures code, with every serving metric as a JMH secondary result.
 *
 * <h2>Writing a benchmark</h2>
 *
 * <p>Extend {@link io.tokenmark.jmh.SteadyStateBenchmark} (the load runs through the whole trial
 * and one JMH operation is one request that ended) or {@link io.tokenmark.jmh.FixedCountBenchmark}
 * (each iteration sends exactly M requests, like evalscope's {@code --number}). Declare the load
 * as {@code @Param} fields, return {@link io.tokenmark.jmh.HarnessOptions} from
 * {@code options()}, and write a {@code @Benchmark} method that calls {@code awaitRequest()} or
 * {@code runRequests()}. Run it with {@link io.tokenmark.jmh.TokenMarkProfiler}, which publishes
 * TTFT, TTFO, TPOT, ICL, ITL, E2EL, throughputs and goodput.
 *
 * <h2>Where the numbers go</h2>
 *
 * <table>
 *   <caption>Outputs</caption>
 *   <tr><th>output</th><th>written by</th><th>contents</th></tr>
 *   <tr><td>JMH's console and result file</td><td>JMH, from the profiler's results</td>
 *       <td>per-request distributions merged over iterations and forks: the score is the mean
 *       request and {@code scorePercentiles} are percentiles over requests</td></tr>
 *   <tr><td>{@code <out>/<label>/requests.jsonl}</td><td>the harness, as each measured request
 *       ends</td><td>one line per request</td></tr>
 *   <tr><td>{@code <out>/<label>/summary-<point>.json}</td><td>the harness, at the end of each
 *       trial</td><td>the point's summary, with the evalscope and vLLM views; the trial's table
 *       is logged too</td></tr>
 *   <tr><td>{@code <out>/<label>/run.json}</td><td>the first trial of a JMH run</td><td>target,
 *       workload, loads and host</td></tr>
 * </table>
 *
 * <p>The file formats are those of {@code docs/output-format.md}, so {@code compare} and
 * {@code report} read JMH runs as they read command-line runs.
 *
 * <h2>Caveats</h2>
 *
 * <ol>
 *   <li>Warm-up iterations are excluded from every metric and file, but requests keep running
 *       during them; a server's caches warm as they would in service.</li>
 *   <li>A closed loop hides a slow server's queue (coordinated omission): see
 *       {@link io.tokenmark.jmh.SteadyStateBenchmark}.</li>
 *   <li>The embedded simulator shares the client's cores; figures of a simulated run describe
 *       the engine model plus the client, not a real deployment.</li>
 * </ol>
 */
package io.tokenmark.jmh;
