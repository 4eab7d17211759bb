package io.tokenmark.jmh.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.jmh.HarnessOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainSettingsTest {
    private static Map<String, String> with(String... pairs) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return values;
    }

    @Test
    void defaultsRunTheFixedSimulator() {
        MainSettings settings = MainSettings.parse(Map.of());

        assertThat(settings.simulated()).isTrue();
        assertThat(settings.profile()).isEqualTo("fixed");
        assertThat(settings.concurrency()).containsExactly(1, 4, 16);
        assertThat(settings.api()).isEqualTo(ApiKind.CHAT);
        assertThat(settings.label()).isEqualTo("fixed");
        assertThat(settings.runDirectory()).isEqualTo(Path.of("target", "tokenmark", "fixed"));
    }

    @Test
    void blankValuesTakeDefaults() {
        Map<String, String> blank = new HashMap<>();
        for (String name : MainSettings.NAMES) {
            blank.put(name, "");
        }

        assertThat(MainSettings.parse(blank)).isEqualTo(MainSettings.parse(Map.of()));
    }

    @Test
    void serverLabelIsModelName() {
        MainSettings settings = MainSettings.parse(with("url", "http://127.0.0.1:8000/v1",
                "model", "Qwen/Qwen3-8B"));

        assertThat(settings.simulated()).isFalse();
        assertThat(settings.label()).isEqualTo("Qwen3-8B");
        assertThat(settings.profile()).isNull();
    }

    @Test
    void jvmArgumentsParseBackToSameSettings() {
        MainSettings settings = MainSettings.parse(with("url", "https://10.0.0.7/v1",
                "model", "m", "api", "completions", "concurrency", "2,8", "slo", "ttft=500,tpot=50",
                "iteration-seconds", "1.5", "forks", "0", "label", "run-1"));

        Properties properties = new Properties();
        for (String argument : settings.jvmArguments()) {
            String property = argument.substring(2);
            int equals = property.indexOf('=');
            properties.setProperty(property.substring(0, equals), property.substring(equals + 1));
        }
        MainSettings parsed = MainSettings.parse(properties);

        assertThat(parsed).isEqualTo(new MainSettings(settings.url(), settings.model(),
                settings.api(), settings.profile(), settings.concurrency(), settings.inputTokens(),
                settings.outputTokens(), settings.slo(),
                settings.outputDirectory().toAbsolutePath(), settings.label(),
                settings.warmupIterations(), settings.iterations(), settings.iterationSeconds(),
                settings.forks()));
    }

    @Test
    void harnessOptionsUseTheConcurrency() {
        HarnessOptions options = MainSettings.parse(Map.of()).harnessOptions(4);

        assertThat(options.concurrency()).isEqualTo(4);
        assertThat(options.target().isSimulator()).isTrue();
        assertThat(options.label()).isEqualTo("fixed");
    }

    @Test
    void harnessOptionsRejectInvalidParam() {
        assertThatThrownBy(() -> MainSettings.parse(Map.of()).harnessOptions(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid concurrency 0");
    }

    @Test
    void unknownPropertyIsRejected() {
        assertThatThrownBy(() -> MainSettings.parse(with("concurency", "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown property tokenmark.concurency")
                .hasMessageContaining("tokenmark.concurrency");
    }

    @Test
    void urlWithCredentialsIsRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> MainSettings.parse(with("url",
                "http://user:s3cret@127.0.0.1:8000/v1", "model", "m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://127.0.0.1:8000/v1")
                .hasMessageContaining("TOKENMARK_API_KEY")
                .hasMessageNotContaining("s3cret");
    }

    /** Each row: property, invalid value, text the message must contain besides the value. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "url               | ftp://127.0.0.1/v1 | use http:// or https://",
        "url               | http:///v1         | no host name",
        "api               | grpc               | use chat or completions",
        "profile           | h100               | use one of fixed, fast, ep8, tp4pp2",
        "concurrency       | 0                  | 0 is out of range",
        "concurrency       | 2000000            | 2000000 is out of range",
        "concurrency       | 1;4                | comma-separated list",
        "concurrency       | 1,,4               | comma-separated list",
        "concurrency       | 4,4                | 4 appears twice",
        "input-tokens      | 0                  | from 1 to 1048576",
        "input-tokens      | many               | from 1 to 1048576",
        "output-tokens     | 0                  | from 1 to 1048576",
        "slo               | ttft               | metric=milliseconds",
        "slo               | queue=5            | metric=milliseconds",
        "label             | ep8/run            | letters, digits",
        "warmup-iterations | -1                 | from 0 to 1000",
        "iterations        | 0                  | from 1 to 1000",
        "iteration-seconds | 0                  | from 0.1 to 3600",
        "iteration-seconds | two                | from 0.1 to 3600",
        "forks             | 101                | from 0 to 100"})
    void invalidValueIsNamedWithTheFix(String name, String value, String fix) {
        Map<String, String> values = with(name, value);
        if (name.equals("url")) {
            values.put("model", "m");
        }

        assertThatThrownBy(() -> MainSettings.parse(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenmark." + name)
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining(fix);
    }

    @Test
    void outWithNulCharacterIsRejected() {
        assertThatThrownBy(() -> MainSettings.parse(with("out", "target/\0x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenmark.out")
                .hasMessageContaining("use a folder path");
    }

    @Test
    void urlWithoutModelIsRejected() {
        assertThatThrownBy(() -> MainSettings.parse(with("url", "http://127.0.0.1:8000/v1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing tokenmark.model")
                .hasMessageContaining("-Dtokenmark.model=");
    }

    @Test
    void profileWithUrlIsRejected() {
        assertThatThrownBy(() -> MainSettings.parse(with("url", "http://127.0.0.1:8000/v1",
                "model", "m", "profile", "ep8")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenmark.profile 'ep8'")
                .hasMessageContaining("remove one of them");
    }

    @Test
    void concurrencyKeepsGivenOrder() {
        assertThat(MainSettings.parse(with("concurrency", "16, 1,4")).concurrency())
                .isEqualTo(List.of(16, 1, 4));
    }
}
