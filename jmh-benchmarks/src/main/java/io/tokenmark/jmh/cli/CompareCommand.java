package io.tokenmark.jmh.cli;

import io.tokenmark.jmh.report.ComparisonTable;
import io.tokenmark.jmh.report.RunComparison;
import io.tokenmark.jmh.report.RunData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tokenmark compare DIR DIR...}: prints the runs side by side, one table per load point,
 * with the better run per metric and whether the difference exceeds the runs' own noise (see
 * {@link RunComparison} and {@link ComparisonTable}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        description = {
            "Prints runs side by side, one table per concurrency or rate: each run's throughput,"
                    + " TTFT, TPOT, ITL and E2EL, the better run per metric, by how much, and"
                    + " whether the difference exceeds the runs' own noise (Welch's t-test,"
                    + " 5 %% level).",
            "Exit status: 0 done, 2 a folder is not a run folder.",
            ""})
public final class CompareCommand implements Callable<Integer> {
    @ParentCommand
    TokenMarkCommand parent;

    @Parameters(paramLabel = "DIR", arity = "0..*",
            description = "Run folders written by 'tokenmark run' (<out>/<label>), at least two;"
                    + " the first is the first column.")
    List<String> folders = new ArrayList<>();

    @Override
    public Integer call() {
        CliContext context = parent.context();
        try {
            List<RunData> runs = RunFolders.load("compare", folders, 2);
            context.out().print(ComparisonTable.format(RunComparison.of(runs)));
            context.out().flush();
            return ExitCodes.OK;
        } catch (UsageException e) {
            context.err().println("tokenmark compare: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
