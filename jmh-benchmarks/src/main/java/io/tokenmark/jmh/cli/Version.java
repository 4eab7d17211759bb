package io.tokenmark.jmh.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The TokenMark version, from the {@code version.properties} that the build fills in. */
public final class Version {
    private static final String UNKNOWN = "unknown";
    private static final String VERSION = load();

    private Version() {
    }

    /** Returns the version, such as {@code 0.1.0-SNAPSHOT}, or {@code unknown}. */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", UNKNOWN);
            // An unfiltered file, as when the classes come from an IDE build, contains the placeholder.
            return version.startsWith("${") ? UNKNOWN : version;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read version.properties", e);
        }
    }

    /** Supplies {@code --version} output to picocli. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "TokenMark " + current(),
                "JVM: " + System.getProperty("java.vm.vendor") + " "
                        + System.getProperty("java.version")
            };
        }
    }
}
