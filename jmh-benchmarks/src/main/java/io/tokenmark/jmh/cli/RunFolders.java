package io.tokenmark.jmh.cli;

import io.tokenmark.jmh.report.RunData;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the run folders given to {@code compare} and {@code report}. */
final class RunFolders {
    private RunFolders() {
    }

    /**
     * Reads every folder.
     *
     * @param command the command name for messages, such as {@code compare}
     * @param minimum the fewest folders the command needs
     * @throws UsageException naming the folder that cannot be read
     */
    static List<RunData> load(String command, List<String> folders, int minimum) {
        if (folders == null || folders.size() < minimum) {
            throw new UsageException("missing run folders: " + command + " needs at least "
                    + minimum + ", such as tokenmark " + command
                    + " tokenmark-results/ep8 tokenmark-results/tp4pp2");
        }
        List<RunData> runs = new ArrayList<>();
        for (String folder : folders) {
            Path path;
            try {
                path = Path.of(folder);
            } catch (InvalidPathException e) {
                throw new UsageException("invalid run folder '" + folder + "': " + e.getReason());
            }
            try {
                runs.add(RunData.load(path));
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new UsageException("invalid run folder '" + folder + "': " + e.getMessage(),
                        e);
            }
        }
        return runs;
    }
}
