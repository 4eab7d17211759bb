package io.tokenmark.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenmark.jmh.testing.SimulatedRuns;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report rendered by a real browser: headless Chromium loads the file offline, runs its
 * script, and this test reads the resulting DOM ({@code --dump-dom}) and a screenshot.
 *
 * <p>Runs only where a Chromium binary is found: {@code TOKENMARK_CHROMIUM}, else
 * {@code chromium}, {@code chromium-browser}, {@code google-chrome} or
 * {@code google-chrome-stable} on the {@code PATH}, so {@code mvn test} needs no browser. CI sets
 * {@code TOKENMARK_REQUIRE_CHROMIUM=1}, which turns a missing browser into a failure. The
 * screenshot is kept as {@code target/report-screenshot.png} for people to look at.
 */
@Timeout(180)
class HtmlReportBrowserTest {
    private static final Pattern BODY = Pattern.compile("<body([^>]*)>");
    private static final List<String> BROWSER_NAMES =
            List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");

    private static Path browser;

    @TempDir
    Path folder;

    @BeforeAll
    static void findBrowser() {
        Optional<Path> found = findChromium();
        if (found.isEmpty() && "1".equals(System.getenv("TOKENMARK_REQUIRE_CHROMIUM"))) {
            fail("TOKENMARK_REQUIRE_CHROMIUM=1 but no Chromium was found: install Debian's"
                    + " chromium package or set TOKENMARK_CHROMIUM to the binary");
        }
        assumeTrue(found.isPresent(), "no Chromium found; set TOKENMARK_CHROMIUM to run this test");
        browser = found.get();
    }

    @Test
    void reportDrawsEveryChartWithoutScriptErrors() throws Exception {
        Path report = writeReport();

        Rendering rendering = dumpDom(report);

        String body = bodyAttributes(rendering.dom);
        assertThat(body).as(rendering.toString()).contains("data-report-status=\"ready\"");
        assertThat(attribute(body, "data-charts-expected")).isEqualTo("8");
        assertThat(attribute(body, "data-charts-drawn")).isEqualTo("8");
        assertThat(rendering.dom).containsPattern("<pre id=\"script-errors\" hidden(=\"\")?>\\s*</pre>");
        assertThat(count(rendering.dom, "<svg[^>]*class=\"line-chart\"")).isEqualTo(6);
        assertThat(count(rendering.dom, "<svg[^>]*class=\"timeline-chart\"")).isEqualTo(2);
        assertThat(count(rendering.dom, "<path[^>]*class=\"series\"")).isGreaterThanOrEqualTo(6 * 2);
        assertThat(count(rendering.dom, "<circle ")).isGreaterThanOrEqualTo(2 * 2 * 13);
        assertThat(rendering.log).doesNotContain("Uncaught");
    }

    @Test
    void screenshotShowsEachRunsColour() throws Exception {
        Path report = writeReport();
        Path screenshot = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);

        run(List.of("--window-size=1300,3200", "--screenshot=" + screenshot,
                report.toUri().toString()));

        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertThat(image).as("PNG at " + screenshot).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1300);
        // The first two series colours of the report: #1f77b4 (slow) and #d62728 (fast).
        assertThat(pixelsOfColour(image, 0x1f77b4)).isGreaterThan(500);
        assertThat(pixelsOfColour(image, 0xd62728)).isGreaterThan(500);
    }

    @Test
    void brokenReportDataIsReported() throws Exception {
        Path report = writeReport();
        String html = Files.readString(report, StandardCharsets.UTF_8).replace(
                "<script type=\"application/json\" id=\"report-data\">",
                "<script type=\"application/json\" id=\"report-data\">{");
        Files.writeString(report, html, StandardCharsets.UTF_8);

        Rendering rendering = dumpDom(report);

        String body = bodyAttributes(rendering.dom);
        assertThat(body).contains("data-report-status=\"error\"");
        assertThat(rendering.dom).contains("<pre id=\"script-errors\">Script errors:");
    }

    private Path writeReport() {
        Path report = folder.resolve("report.html");
        HtmlReport.write(List.of(SimulatedRuns.slow(), SimulatedRuns.fast()), report,
                Instant.now());
        return report;
    }

    private Rendering dumpDom(Path report) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", report.toUri().toString()));
    }

    /** Runs headless Chromium offline with a new profile; returns its output and its log. */
    private Rendering run(List<String> arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(folder, "profile");
        List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr",
                "--v=0"));
        command.addAll(arguments);
        Path stdout = folder.resolve("chromium.out");
        Path stderr = folder.resolve("chromium.err");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("Chromium did not finish within 120 s: " + command);
        }
        Rendering rendering = new Rendering(Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
        assertThat(process.exitValue()).as(rendering.toString()).isZero();
        return rendering;
    }

    private static String bodyAttributes(String dom) {
        Matcher m = BODY.matcher(dom);
        assertThat(m.find()).as("a <body> element in the DOM").isTrue();
        return m.group(1);
    }

    private static String attribute(String attributes, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(attributes);
        return m.find() ? m.group(1) : null;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int count = 0;
        while (m.find()) {
            count++;
        }
        return count;
    }

    private static int pixelsOfColour(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }

    private static Optional<Path> findChromium() {
        String configured = System.getenv("TOKENMARK_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String searchPath = System.getenv("PATH");
        if (searchPath == null) {
            return Optional.empty();
        }
        for (String name : BROWSER_NAMES) {
            for (String directory : searchPath.split(File.pathSeparator)) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** What Chromium printed: the DOM (or nothing) on standard output, its log on standard error. */
    private static final class Rendering {
        final String dom;
        final String log;

        Rendering(String dom, String log) {
            this.dom = dom;
            this.log = log;
        }

        @Override
        public String toString() {
            return "--- DOM ---\n" + dom + "\n--- log ---\n" + log;
        }
    }
}
