package io.tokenmark.jmh.cli;

import io.tokenmark.jmh.report.HtmlReport;
import io.tokenmark.jmh.report.RunData;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tokenmark report DIR...}: writes the self-contained HTML report of one or more runs
 * (see {@link HtmlReport}).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        description = {
            "Writes one self-contained HTML file (no network needed to view it) with the runs'"
                    + " summary and comparison tables, charts of throughput and of TTFT, TPOT,"
                    + " ITL and E2EL percentiles against concurrency or rate, a per-request"
                    + " timeline, errors by kind, run metadata and caveats.",
            "Exit status: 0 written, 1 the file could not be written, 2 a folder is not a run"
                    + " folder.",
            ""})
public final class ReportCommand implements Callable<Integer> {
    /** Default file name, written into the parent folder of the first run folder. */
    static final String DEFAULT_FILE = "report.html";

    @ParentCommand
    TokenMarkCommand parent;

    @Parameters(paramLabel = "DIR", arity = "0..*",
            description = "Run folders written by 'tokenmark run' (<out>/<label>), one or more.")
    List<String> folders = new ArrayList<>();

    @Option(names = {"--output", "-o"}, paramLabel = "FILE",
            description = "The HTML file to write. Default: " + DEFAULT_FILE + " in the parent"
                    + " folder of the first run folder, such as tokenmark-results/report.html.")
    String output;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        try {
            List<RunData> runs = RunFolders.load("report", folders, 1);
            Path file = outputFile(runs.get(0).directory());
            try {
                HtmlReport.write(runs, file, Instant.now());
            } catch (UncheckedIOException e) {
                context.err().println("tokenmark report: " + e.getMessage());
                return ExitCodes.FAILED;
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), e);
            }
            context.out().println("Wrote " + file);
            return ExitCodes.OK;
        } catch (UsageException e) {
            context.err().println("tokenmark report: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    private Path outputFile(Path firstRun) {
        if (output == null) {
            Path parentFolder = firstRun.toAbsolutePath().normalize().getParent();
            return parentFolder.resolve(DEFAULT_FILE);
        }
        Path file;
        try {
            file = Path.of(output);
        } catch (InvalidPathException e) {
            throw UsageException.invalid("--output", output, "not a valid path (" + e.getReason()
                    + ")");
        }
        if (Files.isDirectory(file)) {
            throw UsageException.invalid("--output", output,
                    "it is a folder; give a file name such as report.html");
        }
        return file;
    }
}
