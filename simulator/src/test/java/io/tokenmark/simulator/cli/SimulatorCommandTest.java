package io.tokenmark.simulator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.engine.BatchingProfile;
import io.tokenmark.simulator.engine.FixedTimingProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Flag parsing and validation of the runnable jar, without starting a server. */
class SimulatorCommandTest {
    private static SimulatorOptions options(Map<String, String> environment, String... args) {
        SimulatorCommand command = new SimulatorCommand(environment);
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Test
    void helpExplainsEveryFlagWithDefault() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = new CommandLine(new SimulatorCommand(Map.of()));
        commandLine.setOut(new PrintWriter(out));

        int code = commandLine.execute("--help");

        assertThat(code).isZero();
        for (String flag : new String[] {"--port", "--host", "--profile", "--time-scale",
            "--ttft-ms", "--itl-ms", "--faults", "--fault-share", "--reasoning-share",
            "--tokens-per-chunk", "--answer-tokens", "--api-key-env"}) {
            assertThat(out.toString()).contains(flag);
        }
        assertThat(out.toString()).contains("Default: 8000").contains("Default: fixed");
    }

    @Test
    void fixedTimingFlagsSetTheProfile() {
        SimulatorOptions options = options(Map.of(), "--ttft-ms", "20", "--itl-ms", "2.5",
                "--port", "0");

        FixedTimingProfile profile = (FixedTimingProfile) options.profile();
        assertThat(profile.ttftNanos()).isEqualTo(20_000_000);
        assertThat(profile.itlNanos()).isEqualTo(2_500_000);
        assertThat(options.groundTruthCapacity()).isZero();
    }

    @Test
    void calibratedProfileTakesJitterAndFaults() {
        SimulatorOptions options = options(Map.of(), "--profile", "tp4pp2", "--jitter", "0.1",
                "--fault-share", "0.05", "--faults", "http_503,reset_after=5", "--time-scale",
                "0.5");

        assertThat(((BatchingProfile) options.profile()).jitter()).isEqualTo(0.1);
        assertThat(options.faultPlan().faults()).hasSize(2);
        assertThat(options.timeScale()).isEqualTo(0.5);
    }

    @Test
    void apiKeyComesFromNamedEnvironmentVariable() {
        SimulatorOptions options = options(Map.of("SIM_KEY", "k-123"), "--api-key-env", "SIM_KEY");

        assertThat(options.requiredApiKey()).isEqualTo("k-123");
        assertThat(options.toString()).doesNotContain("k-123");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--profile gpu9                 | unknown profile 'gpu9'",
        "--profile ep8 --ttft-ms 5      | --ttft-ms and --itl-ms apply to the fixed profile",
        "--jitter 0.1                   | --jitter applies to the batching profiles",
        "--time-scale 0                 | invalid time scale 0.0",
        "--port 70000                   | invalid port 70000",
        "--faults boom --fault-share 1  | invalid fault 'boom'",
        "--fault-share 0.5              | has no faults to inject",
        "--api-key-env MISSING_VAR      | MISSING_VAR",
        "--tokens-per-chunk 0           | invalid tokens per chunk 0",
        "--reasoning-share 2            | invalid reasoning share 2.0"})
    void invalidFlagIsRejectedNamingIt(String args, String message) {
        assertThatThrownBy(() -> options(Map.of(), args.trim().split("\\s+")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    /** Runs the command line as the jar does and returns its exit code; errors go to {@code err}. */
    private static int execute(StringWriter err, String... args) {
        CommandLine commandLine = SimulatorCommand.commandLine(Map.of());
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void busyPortFailsNamingPortAndFix() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(busy.getLocalPort());
            StringWriter err = new StringWriter();

            int code = execute(err, "--host", "127.0.0.1", "--port", port);

            assertThat(code).as(err.toString()).isEqualTo(1);
            assertThat(err.toString()).contains("tokenmark-simulator: cannot listen on 127.0.0.1:"
                    + port, "--port " + port + " is already in use", "--port 0");
            assertThat(err.toString().strip().lines()).as(err.toString()).hasSize(1);
        }
    }

    @Test
    void busyPortFailsWithNioToo() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(busy.getLocalPort());
            StringWriter err = new StringWriter();

            int code = execute(err, "--nio", "--host", "127.0.0.1", "--port", port);

            assertThat(code).as(err.toString()).isEqualTo(1);
            assertThat(err.toString()).contains("--port " + port + " is already in use",
                    "--port 0");
            assertThat(err.toString().strip().lines()).as(err.toString()).hasSize(1);
        }
    }

    @Test
    void nonLocalHostFailsNamingHost() {
        StringWriter err = new StringWriter();

        // 203.0.113.0/24 is reserved for documentation (RFC 5737), so test machines lack it.
        int code = execute(err, "--host", "203.0.113.5", "--port", "0");

        assertThat(code).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("--host 203.0.113.5",
                "not an address of this machine", "127.0.0.1");
        assertThat(err.toString().strip().lines()).as(err.toString()).hasSize(1);
    }

    @Test
    void unknownKeyOptionIsNotEchoed() {
        StringWriter err = new StringWriter();

        int code = execute(err, "--api-key=sk-canary-13");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).doesNotContain("sk-canary-13");
        assertThat(err.toString()).contains("'--api-key=***'", "--api-key-env");
    }

    @Test
    void invalidFlagExitsWithCodeTwo() {
        CommandLine commandLine = new CommandLine(new SimulatorCommand(Map.of()));
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));

        assertThat(commandLine.execute("--time-scale", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("tokenmark-simulator: invalid time scale -1.0",
                "Run 'tokenmark-simulator --help' to see every flag.");
    }
}
