package io.tokenmark.jmh.cli;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.simulator.cli.SecretArguments;
import io.tokenmark.simulator.cli.SimulatorCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The main class of {@code tokenmark.jar}:
 *
 * <pre>
 * java -jar tokenmark.jar run --profile ep8 --concurrency 1,10,50,100 --label ep8
 * java -jar tokenmark.jar run --url http://127.0.0.1:8000/v1 --model NAME --label mine
 * java -jar tokenmark.jar compare tokenmark-results/ep8 tokenmark-results/tp4pp2
 * java -jar tokenmark.jar report tokenmark-results/ep8 tokenmark-results/tp4pp2
 * java -jar tokenmark.jar simulate --port 8000 --profile ep8
 * </pre>
 *
 * <p>Exit statuses are those of {@link ExitCodes}; picocli reports a flag it cannot parse, an
 * unknown flag or a missing subcommand with status 2, as every invalid flag value is.
 *
 * <p>Logging: the jar binds slf4j-simple and logs to standard error. The library's own messages
 * (points starting, summaries written) are shown only with {@code --verbose}, so they do not
 * break the progress line; warnings and errors always are. Any
 * {@code org.slf4j.simpleLogger.*} system property given with {@code -D} takes precedence.
 */
@Command(name = "tokenmark", mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        subcommands = {RunCommand.class, CompareCommand.class, ReportCommand.class},
        description = {
            "Benchmarks streaming LLM inference endpoints (OpenAI-compatible chat and completions"
                    + " APIs over server-sent events): time to first token, time per output"
                    + " token, inter-token latency, end-to-end latency and token throughput,"
                    + " swept over concurrency or request rate.",
            ""})
public final class TokenMarkCommand implements Runnable {
    @Spec
    CommandSpec spec;

    private final CliContext context;

    TokenMarkCommand(CliContext context) {
        this.context = context;
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        configureLogging(List.of(args));
        System.exit(execute(CliContext.system(), args));
    }

    /**
     * Runs the command line in this process and returns its exit status; never calls
     * {@link System#exit}.
     */
    public static int execute(CliContext context, String... args) {
        return commandLine(context).execute(args);
    }

    /** Returns the command line with every subcommand, printing to the context's console. */
    static CommandLine commandLine(CliContext context) {
        CommandLine commandLine = new CommandLine(new TokenMarkCommand(context));
        CommandLine simulate = new CommandLine(new SimulatorCommand(context.environment()));
        simulate.getCommandSpec().name("simulate");
        commandLine.addSubcommand("simulate", simulate);
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.setParameterExceptionHandler(TokenMarkCommand::reportInvalidArguments);
        commandLine.setExecutionExceptionHandler((e, failed, parseResult) -> {
            failed.getErr().println(failed.getCommandName().equals("tokenmark")
                    ? "tokenmark: " + e : "tokenmark " + failed.getCommandName() + ": " + e);
            e.printStackTrace(failed.getErr());
            return ExitCodes.FAILED;
        });
        return commandLine;
    }

    /** Returns the process context the subcommands run in. */
    CliContext context() {
        return context;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing subcommand: use run, compare, report or simulate");
    }

    /**
     * Prints the error and a pointer to the help, not the whole help text. The value of an
     * unknown credential-like option, such as {@code --api-key sk-…}, is masked.
     */
    private static int reportInvalidArguments(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        String name = failed.getCommandSpec().qualifiedName();
        List<String> secrets = SecretArguments.secretValues(args,
                option -> failed.getCommandSpec().findOption(option) != null);
        err.println(name + ": " + SecretArguments.mask(e.getMessage(), secrets));
        StringWriter suggestions = new StringWriter();
        CommandLine.UnmatchedArgumentException.printSuggestions(e, new PrintWriter(suggestions));
        err.print(SecretArguments.mask(suggestions.toString(), secrets));
        if (!secrets.isEmpty()) {
            err.println(failed.getCommandName().equals("simulate")
                    ? "Keys are never given on the command line: name an environment variable"
                            + " that holds the key with --api-key-env."
                    : "Keys are never given on the command line: set " + ApiKey.ENV_PRIMARY
                            + " (or " + ApiKey.ENV_FALLBACK + "), or give a file holding the key"
                            + " with --api-key-file.");
        }
        err.println("Run '" + name + " --help' to see every flag.");
        return ExitCodes.USAGE;
    }

    /**
     * Sets slf4j-simple's configuration before the first logger exists: time stamps, and the
     * library's info messages only with {@code --verbose} or {@code -v}.
     */
    static void configureLogging(List<String> args) {
        boolean verbose = args.contains("--verbose") || args.contains("-v");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
        if (!verbose) {
            for (String quiet : new String[] {"io.tokenmark.core", "io.tokenmark.netty",
                    "io.tokenmark.jmh"}) {
                setIfAbsent("org.slf4j.simpleLogger.log." + quiet, "warn");
            }
        }
        // DJL warns on every start that it finds no CUDA driver, which the tokenizer never needs.
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl", verbose ? "warn" : "error");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
