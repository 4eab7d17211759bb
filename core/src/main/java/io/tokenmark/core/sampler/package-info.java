/**
 * Load generation: when each request of a benchmark is sent.
 *
 * <h2>Closed and open loop</h2>
 *
 * <p>A closed-loop point ({@link io.tokenmark.core.sampler.LoadPoint#closedLoop}) has N users that
 * each send their next request as soon as the previous one ends, as evalscope perf does with
 * {@code --parallel}. The request rate then follows the server: when the server slows down,
 * fewer requests arrive, so queueing inside the server stays bounded and latencies look better
 * than users would see under a fixed demand.
 *
 * <p>An open-loop point ({@link io.tokenmark.core.sampler.LoadPoint#openLoop}) sends requests at
 * arrival times drawn in advance, whatever the server does, as {@code vllm bench serve
 * --request-rate} does. Gaps follow a gamma distribution with shape {@code burstiness} and mean
 * {@code 1 / rate}, which is vLLM's definition: burstiness 1 is a Poisson process. An optional
 * maximum concurrency delays an arrival while that many requests are in flight.
 *
 * <h2>Schedule lag</h2>
 *
 * <p>Every {@link io.tokenmark.core.metric.RequestRecord} carries its scheduled time and its send
 * time; the difference is its schedule lag. A request may be sent late because the client was
 * busy or because the maximum concurrency held it back. Latencies measured from the actual send
 * hide that wait, an error known as coordinated omission, so the lag is recorded beside them. Open loop schedules each request at
 * its precomputed arrival. Closed loop schedules each user's next request at the moment its
 * previous one ended, so its lag is the client's own delay.
 *
 * <p>With many closed-loop users, the first request of every user is scheduled at the point's
 * start and dispatched one after another on the caller's thread, so the lag of those first
 * requests grows with the time it takes to dispatch the users before them.
 *
 * <h2>Running points</h2>
 *
 * <p>{@link io.tokenmark.core.sampler.PointExecution} runs one point and is the run control:
 * start, a record sink, counters, await and stop with a grace period.
 * {@link io.tokenmark.core.sampler.SweepExecution} runs a
 * {@link io.tokenmark.core.sampler.Sweep} of points in order.
 * {@link io.tokenmark.core.sampler.RunContext} holds what the points of one run share: the run
 * id, the seed and the request id counter. The same seed gives the same arrival schedules, and
 * every point sends the workload's specs in the same order, so two runs against two deployments
 * offer identical load.
 *
 * <table>
 *   <caption>Threads</caption>
 *   <tr><th>thread</th><th>what runs on it</th></tr>
 *   <tr><td>caller of {@code start()}</td><td>closed loop: every user's first request</td></tr>
 *   <tr><td>{@code tokenmark-dispatcher-<label>}</td><td>open loop: every send, parked then
 *       spinning until each arrival time</td></tr>
 *   <tr><td>client I/O threads</td><td>the record sink; closed loop: every later request</td></tr>
 *   <tr><td>{@code tokenmark-stop-<label>}</td><td>after {@code stop()}: the grace period and
 *       the cancels</td></tr>
 * </table>
 */
package io.tokenmark.core.sampler;
