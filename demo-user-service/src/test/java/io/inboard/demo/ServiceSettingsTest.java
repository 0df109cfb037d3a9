package io.inboard.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceSettingsTest {

    @Test
    void readsEveryVariable() {
        ServiceSettings settings = ServiceSettings.fromEnvironment(Map.of(
                "HOST", "127.0.0.1", "PORT", "9090", "VERSION", "v2", "INSTANCE", "user-v2-0",
                "DOWNSTREAM_URL", "http://user/"));

        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(9090);
        assertThat(settings.version()).isEqualTo("v2");
        assertThat(settings.instance()).isEqualTo("user-v2-0");
        assertThat(settings.downstreamUrl()).hasToString("http://user/");
    }

    @Test
    void defaultsToPort8080VersionV1AllInterfacesAndNoDownstream() {
        ServiceSettings settings = ServiceSettings.fromEnvironment(Map.of());

        assertThat(settings.host()).isEqualTo("0.0.0.0");
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.version()).isEqualTo("v1");
        assertThat(settings.instance()).isNull();
        assertThat(settings.downstreamUrl()).isNull();
        assertThat(settings.canaryUrl()).isNull();
        assertThat(settings.canaryPercent()).isZero();
    }

    @Test
    void readsAHandCodedCanary() {
        ServiceSettings settings = ServiceSettings.fromEnvironment(Map.of(
                "DOWNSTREAM_URL", "http://127.0.0.1:9001/", "DOWNSTREAM_CANARY_URL", "http://127.0.0.1:9002/",
                "DOWNSTREAM_CANARY_PERCENT", "10"));

        assertThat(settings.canaryUrl()).hasToString("http://127.0.0.1:9002/");
        assertThat(settings.canaryPercent()).isEqualTo(10);
    }

    /** Each hand-coded canary mistake, and what its message must name. */
    static Stream<Arguments> canaryMistakes() {
        return Stream.of(
                Arguments.of("a canary without its share",
                        Map.of("DOWNSTREAM_URL", "http://user/", "DOWNSTREAM_CANARY_URL", "http://user-canary/"),
                        List.of("DOWNSTREAM_CANARY_PERCENT")),
                Arguments.of("a share out of range",
                        Map.of("DOWNSTREAM_URL", "http://user/", "DOWNSTREAM_CANARY_URL", "http://user-canary/",
                                "DOWNSTREAM_CANARY_PERCENT", "110"),
                        List.of("DOWNSTREAM_CANARY_PERCENT", "110")),
                Arguments.of("a share without a canary",
                        Map.of("DOWNSTREAM_URL", "http://user/", "DOWNSTREAM_CANARY_PERCENT", "10"),
                        List.of("DOWNSTREAM_CANARY_URL is not")),
                Arguments.of("a canary without a downstream",
                        Map.of("DOWNSTREAM_CANARY_URL", "http://user-canary/", "DOWNSTREAM_CANARY_PERCENT", "10"),
                        List.of("DOWNSTREAM_CANARY_URL needs DOWNSTREAM_URL")),
                Arguments.of("a canary that is not an http URL",
                        Map.of("DOWNSTREAM_URL", "http://user/", "DOWNSTREAM_CANARY_URL", "user-canary",
                                "DOWNSTREAM_CANARY_PERCENT", "10"),
                        List.of("DOWNSTREAM_CANARY_URL must be")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("canaryMistakes")
    void rejectsCanaryMistakesNamingTheVariable(String mistake, Map<String, String> env, List<String> named) {
        assertThatThrownBy(() -> ServiceSettings.fromEnvironment(env))
                .isInstanceOf(IllegalArgumentException.class)
                .message().contains(named);
    }

    @Test
    void rejectsANonNumericPortNamingTheValue() {
        assertThatThrownBy(() -> ServiceSettings.fromEnvironment(Map.of("PORT", "eighty")))
                .hasMessageContaining("PORT").hasMessageContaining("'eighty'");
    }

    @Test
    void rejectsAPortOutOfRange() {
        assertThatThrownBy(() -> ServiceSettings.fromEnvironment(Map.of("PORT", "70000")))
                .hasMessageContaining("70000");
    }

    @Test
    void rejectsADownstreamThatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> ServiceSettings.fromEnvironment(Map.of("DOWNSTREAM_URL", "user")))
                .hasMessageContaining("DOWNSTREAM_URL").hasMessageContaining("http://user/");
    }
}
