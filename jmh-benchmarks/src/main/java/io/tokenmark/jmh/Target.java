package io.tokenmark.jmh;

import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * What a benchmark sends its requests to: an OpenAI-compatible server at a URL, or the embedded
 * simulator, which the harness starts in the benchmark's JVM before the trial and stops after
 * it. Immutable.
 *
 * <p><b>Caveat.</b> An embedded simulator shares the JVM, the heap, the garbage collector and the
 * CPU cores with the client it is measured by, so its latencies include their contention; the
 * summaries say so. Use it to check a benchmark and to compare engine models, not to measure
 * the client's own limits.
 */
public final class Target {
    private final URI baseUrl;
    private final String model;
    private final SimulatorOptions simulator;

    private Target(URI baseUrl, String model, SimulatorOptions simulator) {
        this.baseUrl = baseUrl;
        this.model = model;
        this.simulator = simulator;
    }

    /**
     * Returns a server target.
     *
     * @param baseUrl the API's base URL, such as {@code http://127.0.0.1:8000/v1}; the API path
     *     ({@code /chat/completions} or {@code /completions}) is appended
     * @param model the {@code model} field of every request, as {@code GET /v1/models} lists it
     * @throws IllegalArgumentException if the URL is not an http or https URL with a host, or the
     *     model is blank
     */
    public static Target server(String baseUrl, String model) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException(
                    "server URL is empty: give the base URL, for example http://127.0.0.1:8000/v1");
        }
        URI uri;
        try {
            uri = new URI(baseUrl.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid server URL '" + baseUrl
                    + "': " + e.getReason() + "; use a URL such as http://127.0.0.1:8000/v1");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("invalid server URL '" + baseUrl
                    + "': use http:// or https://, for example http://127.0.0.1:8000/v1");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("invalid server URL '" + baseUrl
                    + "': it has no host name, for example http://127.0.0.1:8000/v1");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model name is empty for server " + baseUrl
                    + ": give the model the server serves, as GET /v1/models lists it");
        }
        return new Target(uri, model.strip(), null);
    }

    /**
     * Returns an embedded simulator with a named profile ({@code fixed}, {@code fast},
     * {@code ep8} or {@code tp4pp2}) and default options.
     *
     * @throws IllegalArgumentException for an unknown profile, listing the known ones
     */
    public static Target simulator(String profile) {
        return simulator(SimulatorOptions.builder().profile(Profiles.byName(profile)).build());
    }

    /** Returns an embedded simulator with the given options; its port is normally 0 (any free port). */
    public static Target simulator(SimulatorOptions options) {
        return new Target(null, null, Objects.requireNonNull(options, "options"));
    }

    /** Returns whether the harness starts an embedded simulator. */
    public boolean isSimulator() {
        return simulator != null;
    }

    /** Returns the server's base URL, or {@code null} for a simulator, whose port is chosen at start. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Returns the model name: the server's as given, or the simulator's. */
    public String model() {
        return simulator != null ? simulator.modelName() : model;
    }

    /** Returns the simulator's options, or {@code null} for a server. */
    public SimulatorOptions simulatorOptions() {
        return simulator;
    }

    @Override
    public String toString() {
        if (simulator != null) {
            return "Target[simulator " + simulator.profile().name() + ", time scale "
                    + simulator.timeScale() + "]";
        }
        return "Target[" + displayUrl() + ", model " + model + "]";
    }

    /**
     * Returns the base URL without user info, query or fragment, which may hold credentials, for
     * logs and reports; {@code null} for a simulator.
     */
    public String displayUrl() {
        if (baseUrl == null) {
            return null;
        }
        try {
            return new URI(baseUrl.getScheme(), null, baseUrl.getHost(), baseUrl.getPort(),
                    baseUrl.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return baseUrl.getScheme() + "://" + baseUrl.getHost();
        }
    }
}
