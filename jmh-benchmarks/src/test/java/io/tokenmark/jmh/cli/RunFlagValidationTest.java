package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.jmh.testing.CliRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid value of every {@code run} flag, through the command line: the command exits with
 * status 2 before anything is measured, and its message names the flag, the value and what is
 * allowed or what to do.
 */
class RunFlagValidationTest {
    @TempDir
    static Path files;

    private static Path plainFile;
    private static Path emptyKeyFile;
    private static Path notARunFolder;
    private static Path existingRun;
    private static Path invalidTokenizer;

    @BeforeAll
    static void createFiles() throws IOException {
        plainFile = Files.writeString(files.resolve("plain.txt"), "x\n");
        emptyKeyFile = Files.writeString(files.resolve("empty.key"), "  \n");
        notARunFolder = Files.createDirectories(files.resolve("not-a-run"));
        existingRun = Files.createDirectories(files.resolve("existing").resolve("fixed"));
        Files.writeString(existingRun.resolve("run.json"), "{}");
        invalidTokenizer = Files.writeString(files.resolve("tokenizer.json"), "{\"not\": 1}",
                StandardCharsets.UTF_8);
    }

    static Stream<Arguments> invalidFlags() {
        String url = "http://127.0.0.1:9/v1";
        return Stream.of(
                invalid("url scheme", args("--url", "ftp://h/v1"), "--url", "ftp://h/v1", "http://"),
                invalid("url path", args("--url", "http://h:8000"), "--url", "http://h:8000",
                        "has no path", "http://h:8000/v1"),
                invalid("url syntax", args("--url", "http://h /v1"), "--url", "http://h /v1",
                        "not a URL"),
                invalid("url query", args("--url", "http://h/v1?k=1", "--model", "m"), "--url",
                        "remove the query"),
                invalid("url host", args("--url", "http:///v1"), "--url", "no host name"),
                invalid("url port above range",
                        args("--url", "http://127.0.0.1:99999/v1", "--model", "m"), "--url",
                        "'http://127.0.0.1:99999/v1'", "port 99999", "1 to 65535"),
                invalid("url port zero", args("--url", "http://127.0.0.1:0/v1", "--model", "m"),
                        "--url", "port 0", "1 to 65535"),
                invalid("url port beyond int",
                        args("--url", "http://127.0.0.1:99999999999/v1", "--model", "m"),
                        "--url", "port is out of range", "1 to 65535"),
                invalid("url chat endpoint",
                        args("--url", "http://127.0.0.1:8000/v1/chat/completions", "--model", "m"),
                        "--url", "'http://127.0.0.1:8000/v1/chat/completions'", "base URL",
                        "use http://127.0.0.1:8000/v1"),
                invalid("url completions endpoint",
                        args("--url", "http://127.0.0.1:8000/v1/completions/", "--model", "m"),
                        "--url", "base URL", "use http://127.0.0.1:8000/v1"),
                invalid("model missing", args("--url", url), "missing --model", url),
                invalid("model blank", args("--model", " "), "--model", "give the model name"),
                invalid("profile with url", args("--url", url, "--model", "m", "--profile", "ep8"),
                        "--profile applies to the embedded simulator", "drop --profile or --url"),
                invalid("time scale with url",
                        args("--url", url, "--model", "m", "--time-scale", "0.5"),
                        "--time-scale applies to the embedded simulator"),
                invalid("api", args("--api", "grpc"), "--api", "'grpc'", "chat or completions"),
                invalid("profile", args("--profile", "h100"), "--profile", "'h100'",
                        "fixed, fast, ep8, tp4pp2"),
                invalid("time scale zero", args("--time-scale", "0"), "--time-scale", "'0'",
                        "above 0"),
                invalid("time scale text", args("--time-scale", "fast"), "--time-scale", "'fast'",
                        "above 0"),
                invalid("concurrency zero", args("--concurrency", "0"), "--concurrency", "'0'",
                        "from 1 to"),
                invalid("concurrency item", args("--concurrency", "1,x"), "--concurrency", "'1,x'",
                        "'x' is not an integer", "separate values with commas"),
                invalid("concurrency repeated", args("--concurrency", "1,4,1"), "--concurrency",
                        "'1,4,1'", "1 appears twice"),
                invalid("concurrency empty item", args("--concurrency", "1,,4"), "--concurrency",
                        "'1,,4'", "separated by commas"),
                invalid("concurrency and rate", args("--concurrency", "2", "--rate", "3"),
                        "--concurrency sets a closed loop", "--rate", "--max-concurrency"),
                invalid("number zero", args("--number", "0"), "--number", "'0'", "from 1 to"),
                invalid("number count", args("--concurrency", "1,2,3", "--number", "10,20"),
                        "--number", "'10,20'", "one per point", "3 points"),
                invalid("number and duration", args("--number", "5", "--duration", "5s"),
                        "--number and --duration", "give one"),
                invalid("duration unit", args("--duration", "10"), "--duration", "'10'",
                        "ms, s, m or h"),
                invalid("duration zero", args("--duration", "0s"), "--duration", "'0s'",
                        "longer than 0"),
                invalid("duration too long", args("--duration", "9000h"), "--duration", "'9000h'",
                        "at most 365 days"),
                invalid("rate zero", args("--rate", "0"), "--rate", "'0'",
                        "'0' is not a rate", "inf"),
                invalid("rate repeated", args("--rate", "2,2"), "--rate", "2 appears twice"),
                invalid("duration at infinite rate", args("--rate", "inf", "--duration", "5s"),
                        "--duration", "--rate inf", "--number"),
                invalid("burstiness without rate", args("--burstiness", "2"),
                        "--burstiness applies to an open loop", "--rate"),
                invalid("burstiness zero", args("--rate", "2", "--burstiness", "0"),
                        "--burstiness", "'0'", "above 0"),
                invalid("max concurrency without rate", args("--max-concurrency", "4"),
                        "--max-concurrency applies to an open loop"),
                invalid("max concurrency zero", args("--rate", "2", "--max-concurrency", "0"),
                        "--max-concurrency", "'0'", "from 1 to"),
                invalid("warmup negative", args("--warmup", "-1"), "--warmup", "'-1'", "from 0 to"),
                invalid("dataset", args("--dataset", "csv"), "--dataset", "'csv'",
                        "random, jsonl, sharegpt, lines"),
                invalid("dataset path missing", args("--dataset", "jsonl"),
                        "missing --dataset-path", "jsonl"),
                invalid("dataset path with random", args("--dataset-path", "x.jsonl"),
                        "--dataset-path applies to the jsonl, sharegpt and lines datasets"),
                invalid("input tokens with a file dataset",
                        args("--dataset", "lines", "--dataset-path", "p.txt", "--input-tokens", "5"),
                        "--input-tokens applies to --dataset random only", "lines"),
                invalid("input tokens negative", args("--input-tokens", "-5"), "--input-tokens",
                        "'-5'", "from 0 to 1048576"),
                invalid("output tokens zero", args("--output-tokens", "0"), "--output-tokens",
                        "'0'", "from 1 to 1048576"),
                invalid("range ratio one", args("--range-ratio", "1"), "--range-ratio", "'1'",
                        "not including, 1"),
                invalid("prefix tokens text", args("--prefix-tokens", "many"), "--prefix-tokens",
                        "'many'", "integer from 0"),
                invalid("prompts zero", args("--prompts", "0"), "--prompts", "'0'", "from 1 to"),
                invalid("tokenizer missing", args("--tokenizer", "/no/such/tokenizer.json"),
                        "--tokenizer", "/no/such/tokenizer.json", "no such file",
                        "tokenizer.json"),
                invalid("seed", args("--seed", "1.5"), "--seed", "'1.5'", "integer"),
                invalid("slo form", args("--slo", "ttft"), "--slo", "'ttft'",
                        "metric=milliseconds", "ttft=500,tpot=50"),
                invalid("slo metric", args("--slo", "speed=5"), "--slo", "'speed=5'",
                        "ttft, tpot, itl and e2el"),
                invalid("label", args("--label", "a/b"), "--label", "'a/b'",
                        "letters, digits"),
                invalid("connect timeout zero", args("--connect-timeout", "0"),
                        "--connect-timeout", "'0'", "longer than 0"),
                invalid("read timeout unit", args("--read-timeout", "30"), "--read-timeout",
                        "'30'", "ms, s, m or h"),
                invalid("request timeout negative", args("--request-timeout", "-1s"),
                        "--request-timeout", "'-1s'", "with a unit"),
                invalid("io threads", args("--io-threads", "0"), "--io-threads", "'0'",
                        "from 1 to 1024"),
                invalid("header without colon", args("--header", "X-Tenant"), "--header",
                        "'X-Tenant'", "separated by a colon"),
                invalid("header name", args("--header", "X Tenant: a"), "--header",
                        "not a valid HTTP header name"),
                invalid("header repeated", args("--header", "X-A: 1", "--header", "x-a: 2"),
                        "--header", "given twice"),
                invalid("insecure without tls",
                        args("--url", url, "--model", "m", "--insecure"), "--insecure",
                        "does not use TLS", "drop --insecure"),
                invalid("api key file missing", args("--api-key-file", "/no/such.key"),
                        "--api-key-file", "/no/such.key", "no such file"),
                invalid("stop grace unit", args("--stop-grace", "2d"), "--stop-grace", "'2d'",
                        "ms, s, m or h"),
                invalid("stop grace too long", args("--stop-grace", "2h"), "--stop-grace",
                        "at most 1h"),
                invalid("progress mode", args("--progress", "fancy"), "--progress", "'fancy'",
                        "auto, terminal, plain or off"),
                invalid("progress interval", args("--progress-interval", "0"),
                        "--progress-interval", "'0'", "longer than 0"),
                invalid("resume missing folder", args("--resume", "/no/such/run"), "--resume",
                        "/no/such/run", "no such folder"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFlags")
    void invalidFlagExitsTwoNamingFlagValueAndFix(String name, List<String> args,
            List<String> fragments) {
        Path out = files.resolve("out-" + name.replace(' ', '-'));
        List<String> command = new ArrayList<>(List.of("run", "--out", out.toString()));
        command.addAll(args);

        CliRunner.Result result = CliRunner.run(command.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        for (String fragment : fragments) {
            assertThat(result.err()).as(result.toString()).contains(fragment);
        }
        assertThat(result.err()).contains("tokenmark run --help");
        assertThat(Files.exists(out)).as("run folder written").isFalse();
    }

    @Test
    void outThatIsFileIsRejected() {
        CliRunner.Result result = CliRunner.run("run", "--out", plainFile.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--out", plainFile.toString(), "it is a file");
    }

    @Test
    void urlWithCredentialsIsRejectedWithoutEchoingThem() {
        CliRunner.Result result = CliRunner.run("run", "--url",
                "http://user:s3cr3t-token@127.0.0.1:9/v1", "--model", "m");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--url", "credentials", "TOKENMARK_API_KEY");
        assertThat(result.err()).doesNotContain("s3cr3t-token");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urlsWithKeys")
    void urlWithKeyIsRejectedWithoutEchoingIt(String url, String maskedUrl) {
        CliRunner.Result result = CliRunner.run("run", "--url", url, "--model", "m");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--url", maskedUrl);
        assertThat(result.out() + result.err()).doesNotContain("sk-canary");
    }

    static Stream<Arguments> urlsWithKeys() {
        return Stream.of(
                Arguments.of("http://127.0.0.1:9/v1?api_key=sk-canary-1",
                        "http://127.0.0.1:9/v1?api_key=***"),
                Arguments.of("http://127.0.0.1:9/v1?model=m&key=sk-canary-2",
                        "http://127.0.0.1:9/v1?model=***&key=***"),
                Arguments.of("http://127.0.0.1:9/v1?token=sk-canary-3#frag",
                        "http://127.0.0.1:9/v1?token=***#***"),
                Arguments.of("http://127.0.0.1:9/v1?sk-canary-4", "http://127.0.0.1:9/v1?***"),
                Arguments.of("http://u:sk-canary-5@127.0.0.1:9/v1", "http://***@127.0.0.1:9/v1"),
                Arguments.of("http://127.0.0.1:9/v 1?access_token=sk-canary-6",
                        "http://127.0.0.1:9/v 1?access_token=***"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownKeyOptions")
    void unknownKeyOptionIsRejectedWithoutEchoingKey(String name, List<String> args) {
        List<String> command = new ArrayList<>(List.of("run"));
        command.addAll(args);

        CliRunner.Result result = CliRunner.run(command.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.out() + result.err()).doesNotContain("sk-canary");
        assertThat(result.err()).contains("Unknown option", "***", "--api-key-file",
                "TOKENMARK_API_KEY", "tokenmark run --help");
    }

    static Stream<Arguments> unknownKeyOptions() {
        return Stream.of(
                Arguments.of("separate value", args("--api-key", "sk-canary-7")),
                Arguments.of("attached value", args("--api-key=sk-canary-8")),
                Arguments.of("token", args("--hf-token", "sk-canary-9")),
                Arguments.of("password after known flag",
                        args("--number", "2", "--password=sk-canary-10")),
                Arguments.of("secret", args("--client-secret", "sk-canary-11")));
    }

    @Test
    void unknownKeyOptionOfSimulateIsNotEchoed() {
        CliRunner.Result result = CliRunner.run("simulate", "--api-key", "sk-canary-12");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.out() + result.err()).doesNotContain("sk-canary");
        assertThat(result.err()).contains("--api-key-env", "tokenmark simulate --help");
    }

    @Test
    void simulateErrorsUseSubcommandPrefix() {
        CliRunner.Result result = CliRunner.run("simulate", "--time-scale", "-1");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("tokenmark simulate: invalid time scale");
        assertThat(result.err()).contains("Run 'tokenmark simulate --help' to see every flag.");
    }

    @Test
    void simulateOnBusyPortFailsWithoutStackTrace() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(busy.getLocalPort());

            CliRunner.Result result = CliRunner.run("simulate", "--port", port);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.err()).contains("tokenmark simulate: cannot listen on 127.0.0.1:"
                    + port, "give another --port, or --port 0 for a free one");
            assertThat(result.err()).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void authorizationHeaderIsRejectedWithoutEchoingKey() {
        CliRunner.Result result = CliRunner.run("run", "--header",
                "Authorization: Bearer sk-canary-123");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--header Authorization", "--api-key-file",
                "TOKENMARK_API_KEY");
        assertThat(result.err()).doesNotContain("sk-canary-123");
    }

    @Test
    void emptyApiKeyFileIsRejected() {
        CliRunner.Result result = CliRunner.run("run", "--out", files.resolve("o1").toString(),
                "--api-key-file", emptyKeyFile.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--api-key-file", emptyKeyFile.toString(), "empty");
    }

    @Test
    void invalidTokenizerFileIsRejected() {
        CliRunner.Result result = CliRunner.run("run", "--out", files.resolve("o2").toString(),
                "--tokenizer", invalidTokenizer.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--tokenizer", invalidTokenizer.toString(),
                "tokenizer.json");
    }

    @Test
    void existingRunFolderIsRejectedWithResumeHint() {
        CliRunner.Result result = CliRunner.run("run", "--out",
                existingRun.getParent().toString(), "--label", "fixed");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("already contains a run", "--label",
                "--resume " + existingRun);
    }

    @Test
    void resumeOfFolderWithoutRunIsRejected() {
        CliRunner.Result result = CliRunner.run("run", "--resume", notARunFolder.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--resume", notARunFolder.toString(),
                "contains no run.json");
    }

    @Test
    void unknownFlagIsRejectedWithSuggestion() {
        CliRunner.Result result = CliRunner.run("run", "--concurency", "4");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--concurency", "--concurrency",
                "tokenmark run --help");
    }

    @Test
    void flagWithoutValueIsRejected() {
        CliRunner.Result result = CliRunner.run("run", "--concurrency");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--concurrency");
    }

    @Test
    void missingSubcommandIsRejected() {
        CliRunner.Result result = CliRunner.run();

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("missing subcommand", "run, compare, report");
    }

    private static Arguments invalid(String name, List<String> args, String... fragments) {
        return Arguments.of(name, args, Arrays.asList(fragments));
    }

    private static List<String> args(String... args) {
        return List.of(args);
    }
}
