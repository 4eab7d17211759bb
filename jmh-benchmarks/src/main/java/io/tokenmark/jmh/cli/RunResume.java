package io.tokenmark.jmh.cli;

import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RunMetadata;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rebuilds the settings of a run to resume from its {@code run.json}. Flags left out take the
 * recorded values. A flag given again must agree with the recorded value, because a resumed
 * point must measure the same thing as the points that finished before it.
 */
final class RunResume {
    private RunResume() {
    }

    /**
     * Returns the recorded settings of the run in {@code runDirectory}.
     *
     * @param explicitFlags the recorded flags given on this command line, by name
     * @param headers the {@code --header} values given on this command line; their names must
     *     be those of the recorded run, because header values are not recorded
     * @throws UsageException if the folder contains no run of this command, or a flag
     *     contradicts the recorded run
     */
    static RunSettings settings(Path runDirectory, Map<String, String> explicitFlags,
            List<String> headers, int availableProcessors) {
        Map<String, String> recorded = readRecordedSettings(runDirectory);

        Map<String, String> flags = new LinkedHashMap<>();
        for (String flag : RunSettings.RECORDED_FLAGS) {
            String value = recorded.get(RunSettings.settingsKey(flag));
            if (value != null) {
                flags.put(flag, value);
            }
        }
        Path absolute = runDirectory.toAbsolutePath().normalize();
        checkFolderFlag(explicitFlags, "--label", absolute.getFileName().toString(), runDirectory);
        checkFolderFlag(explicitFlags, "--out", absolute.getParent().toString(), runDirectory);
        flags.put("--label", absolute.getFileName().toString());
        flags.put("--out", absolute.getParent().toString());

        Map<String, String> given = new LinkedHashMap<>(explicitFlags);
        given.remove("--label");
        given.remove("--out");
        for (String flag : given.keySet()) {
            if (!recorded.containsKey(RunSettings.settingsKey(flag))) {
                throw new UsageException("cannot resume " + runDirectory + ": the flags"
                        + " contradict the recorded run: " + flag + " " + given.get(flag)
                        + " (recorded: not set). A resumed run goes on with the settings it"
                        + " started with: leave " + flag + " out, or start a new run with another"
                        + " --label.");
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(flags);
        merged.putAll(given);
        RunSettings settings;
        try {
            settings = RunSettings.parse(merged, headers, availableProcessors);
        } catch (UsageException e) {
            throw new UsageException("cannot resume " + runDirectory + " with "
                    + String.join(", ", given.keySet()) + ": " + e.getMessage(), e);
        }
        checkAgreement(runDirectory, recorded, settings.record(), given);
        checkHeaderNames(runDirectory, recorded, settings);
        return settings;
    }

    private static Map<String, String> readRecordedSettings(Path runDirectory) {
        if (!Files.isDirectory(runDirectory)) {
            throw UsageException.invalid("--resume", runDirectory.toString(),
                    "no such folder; give the folder of an earlier run, <out>/<label>");
        }
        Path runFile = OutputLayout.ofRunDirectory(runDirectory).runFile();
        if (!Files.isRegularFile(runFile)) {
            throw UsageException.invalid("--resume", runDirectory.toString(), "it contains no "
                    + OutputLayout.RUN_FILE + "; give the folder of an earlier run, <out>/<label>,"
                    + " such as " + RunSettings.DEFAULT_OUT + "/ep8");
        }
        RunMetadata metadata;
        try {
            metadata = RunMetadata.read(runFile);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw UsageException.invalid("--resume", runDirectory.toString(), e.getMessage());
        }
        Map<String, String> recorded = metadata.settings();
        if (!RunSettings.RECORDED_BY.equals(recorded.get(RunSettings.RECORDED_BY_KEY))) {
            throw UsageException.invalid("--resume", runDirectory.toString(), "its "
                    + OutputLayout.RUN_FILE + " was not written by 'tokenmark run' and records no"
                    + " flags to resume with; resume it with the tool that started it");
        }
        return recorded;
    }

    private static void checkFolderFlag(Map<String, String> explicitFlags, String flag,
            String expected, Path runDirectory) {
        String value = explicitFlags.get(flag);
        if (value == null) {
            return;
        }
        String given = flag.equals("--out")
                ? Path.of(value.strip()).toAbsolutePath().normalize().toString() : value.strip();
        if (!given.equals(expected)) {
            throw new UsageException(flag + " " + value + " contradicts --resume " + runDirectory
                    + ", whose " + flag.substring(2) + " is " + expected
                    + ": leave " + flag + " out when resuming");
        }
    }

    /** Rejects the explicit flags whose canonical value differs from the recorded one. */
    private static void checkAgreement(Path runDirectory, Map<String, String> recorded,
            Map<String, String> resumed, Map<String, String> given) {
        Set<String> keys = new TreeSet<>(recorded.keySet());
        keys.addAll(resumed.keySet());
        List<String> contradictions = new ArrayList<>();
        for (String key : keys) {
            if (!isFlagKey(key)) {
                continue;
            }
            String before = recorded.get(key);
            String now = resumed.get(key);
            if (before == null ? now == null : before.equals(now)) {
                continue;
            }
            String flag = "--" + key.replace('_', '-');
            contradictions.add(flag + " " + (now == null ? "(not set)" : now)
                    + " (recorded: " + (before == null ? "not set" : before) + ")");
        }
        if (!contradictions.isEmpty()) {
            throw new UsageException("cannot resume " + runDirectory + ": the flags contradict"
                    + " the recorded run: " + String.join("; ", contradictions) + ". A resumed"
                    + " run goes on with the settings it started with: leave "
                    + String.join(", ", given.keySet()) + " out, or start a new run with another"
                    + " --label.");
        }
    }

    private static boolean isFlagKey(String key) {
        for (String flag : RunSettings.RECORDED_FLAGS) {
            if (RunSettings.settingsKey(flag).equals(key)) {
                return true;
            }
        }
        return false;
    }

    private static void checkHeaderNames(Path runDirectory, Map<String, String> recorded,
            RunSettings settings) {
        Set<String> expected = new LinkedHashSet<>();
        String names = recorded.get(RunSettings.HEADER_NAMES_KEY);
        if (names != null && !names.isBlank()) {
            for (String name : names.split(",")) {
                expected.add(name.toLowerCase(Locale.ROOT));
            }
        }
        Set<String> given = new LinkedHashSet<>();
        for (String name : settings.headers.keySet()) {
            given.add(name.toLowerCase(Locale.ROOT));
        }
        if (!expected.equals(given)) {
            throw new UsageException("cannot resume " + runDirectory + ": the run sent the headers "
                    + (names == null || names.isBlank() ? "(none)" : names)
                    + " but this command line gives "
                    + (given.isEmpty() ? "(none)" : String.join(",", settings.headers.keySet()))
                    + "; header values are not recorded, so give the same --header flags again");
        }
    }
}
