package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetTest {
    @ParameterizedTest(name = "url [{0}]")
    @CsvSource(delimiter = '|', value = {
        "ftp://127.0.0.1/v1 | use http:// or https://",
        "http:///v1         | it has no host name",
        "http://a b/v1      | invalid server URL 'http://a b/v1'",
        "''                 | server URL is empty"})
    void serverRejectsInvalidUrl(String url, String message) {
        assertThatThrownBy(() -> Target.server(url, "model"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void serverRejectsBlankModel() {
        assertThatThrownBy(() -> Target.server("http://127.0.0.1:8000/v1", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model name is empty");
    }

    @Test
    void simulatorRejectsUnknownProfile() {
        assertThatThrownBy(() -> Target.simulator("h100"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'h100'")
                .hasMessageContaining("ep8");
    }

    @Test
    void displayUrlDropsCredentials() {
        Target target = Target.server("https://user:secret@example.test:8443/v1?key=abc", "m");

        assertThat(target.displayUrl()).isEqualTo("https://example.test:8443/v1");
        assertThat(target.toString()).doesNotContain("secret").doesNotContain("abc");
    }
}
