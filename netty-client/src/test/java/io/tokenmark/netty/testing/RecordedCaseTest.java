package io.tokenmark.netty.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Case discovery works both from a folder (reactor build) and from a jar (installed test-jar). */
class RecordedCaseTest {

    @Test
    void casesLoadFromFolder() {
        List<RecordedCase> cases = RecordedCase.all();
        assertThat(cases).isNotEmpty();
        assertThat(cases).extracting(RecordedCase::id).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void casesLoadFromJar(@TempDir Path folder) throws Exception {
        Path jar = folder.resolve("cases.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("cases/"));
            out.closeEntry();
            for (String id : List.of("Z02", "Z01")) {
                out.putNextEntry(new JarEntry("cases/" + id + ".json"));
                write(out, "{\"id\":\"" + id + "\",\"http_status\":200,\"sse\":\"data: [DONE]\\n\\n\","
                        + "\"chunk_splits\":[3],\"expected\":{\"error\":null}}");
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("cases/README.md"));
            write(out, "not a case");
            out.closeEntry();
        }

        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            List<RecordedCase> cases = RecordedCase.all(loader);
            assertThat(cases).extracting(RecordedCase::id).containsExactly("Z01", "Z02");
            assertThat(cases.get(0).segments()).hasSize(2);
            assertThat(cases.get(0).wireBody()).hasSize("data: [DONE]\n\n".length());
        }
    }

    private static void write(OutputStream out, String text) throws Exception {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
