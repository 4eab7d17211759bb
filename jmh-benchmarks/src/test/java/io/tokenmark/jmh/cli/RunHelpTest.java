package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.jmh.testing.CliRunner;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/** The help text of {@code tokenmark run}: every flag states what it sets, its unit and default. */
class RunHelpTest {
    /** Flags that switch something on, or whose absence is their meaning; they have no default. */
    private static final Set<String> WITHOUT_DEFAULT = Set.of("--dataset-path", "--header",
            "--ignore-eos", "--insecure", "--resume", "--no-test-request", "--verbose", "--help",
            "--version");

    private static List<OptionSpec> runOptions() {
        CommandLine commandLine = TokenMarkCommand.commandLine(CliContext.system());
        return commandLine.getSubcommands().get("run").getCommandSpec().options();
    }

    @Test
    void everyValuedFlagStatesItsDefault() {
        for (OptionSpec option : runOptions()) {
            if (WITHOUT_DEFAULT.contains(option.longestName())) {
                continue;
            }
            assertThat(String.join(" ", option.description())).as(option.longestName())
                    .contains("Default");
        }
    }

    @Test
    void durationFlagsStateTheirUnits() {
        for (OptionSpec option : runOptions()) {
            if ("DURATION".equals(option.paramLabel())) {
                String description = String.join(" ", option.description());
                assertThat(description).as(option.longestName())
                        .containsPattern("Default: (\\d+(ms|s|m|h)|0|none)");
            }
        }
        assertThat(runOptions()).filteredOn(o -> "DURATION".equals(o.paramLabel())).hasSize(6);
    }

    @Test
    void helpListsEveryFlagAndExitStatus() {
        CliRunner.Result result = CliRunner.run("run", "--help");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        for (OptionSpec option : runOptions()) {
            assertThat(result.out()).contains(option.longestName());
        }
        String text = result.out().replaceAll("\\s+", " ");
        assertThat(text).contains("TOKENMARK_API_KEY", "Exit status: 0 done",
                "130 stopped by Ctrl-C", "requests per second", "in milliseconds",
                "length in tokens");
    }

    @Test
    void topLevelHelpListsSubcommands() {
        CliRunner.Result result = CliRunner.run("--help");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("run ", "compare ", "report ", "simulate ");
    }

    @Test
    void simulateHelpUsesSubcommandName() {
        CliRunner.Result result = CliRunner.run("simulate", "--help");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).startsWith("Usage: tokenmark simulate ").contains("--profile");
    }

    @Test
    void versionNamesTokenMarkAndJvm() {
        CliRunner.Result result = CliRunner.run("--version");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("TokenMark " + Version.current(), "JVM: ");
        assertThat(Version.current()).isNotEqualTo("unknown");
    }
}
