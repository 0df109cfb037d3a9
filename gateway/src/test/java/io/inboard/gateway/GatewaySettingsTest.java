package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewaySettingsTest {
  @TempDir Path dir;

  @Test
  void commandLineBeatsEnvironmentBeatsPropertiesFileBeatsDefaults() throws Exception {
    Path properties = dir.resolve("gateway.properties");
    Files.writeString(properties, "port=7001\nadmin-port=7002\nname=from-file\nserver=http://file:1\n");

    GatewaySettings settings = GatewaySettings.parse(
        new String[] {"--port", "9001", "--properties", properties.toString()},
        Map.of("INBOARD_GATEWAY_PORT", "8001", "INBOARD_GATEWAY_ADMIN_PORT", "8002"));

    assertThat(settings.port()).isEqualTo(9001);
    assertThat(settings.adminPort()).isEqualTo(8002);
    assertThat(settings.name()).isEqualTo("from-file");
    assertThat(settings.server().toString()).isEqualTo("http://file:1");
    assertThat(settings.bind()).isEqualTo("127.0.0.1");
    assertThat(settings.labels()).containsExactlyEntriesOf(Map.of("istio", "ingressgateway"));
  }

  @Test
  void labelsAndEqualsFormAreRead() throws Exception {
    GatewaySettings settings = GatewaySettings.parse(
        new String[] {"--server=http://127.0.0.1:15010/", "--labels", "istio=ingressgateway, zone=eu"}, Map.of());

    assertThat(settings.server().toString()).isEqualTo("http://127.0.0.1:15010");
    assertThat(settings.labels()).containsEntry("istio", "ingressgateway").containsEntry("zone", "eu");
  }

  @Test
  void mistakesAreNamedWithTheFix() throws Exception {
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--prot", "1"}, Map.of()))
        .hasMessageContaining("unknown option --prot").hasMessageContaining("--port");
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--server", "http://s", "--port", "x"}, Map.of()))
        .hasMessageContaining("--port 'x' is not a port");
    assertThatThrownBy(() -> GatewaySettings.parse(new String[0], Map.of()))
        .hasMessageContaining("--server URL").hasMessageContaining("--config FILE");
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--server", "http://s", "--labels", "istio"}, Map.of()))
        .hasMessageContaining("'istio' is not key=value");
    assertThatThrownBy(() -> GatewaySettings.parse(
            new String[] {"--config", dir.resolve("missing.yaml").toString()}, Map.of()))
        .hasMessageContaining("missing.yaml: file not found");
    Path file = Files.writeString(dir.resolve("rules.yaml"), "");
    assertThatThrownBy(() -> GatewaySettings.parse(
            new String[] {"--config", file.toString(), "--server", "http://s"}, Map.of()))
        .hasMessageContaining("give one");
  }

  /** The port Gateway servers name for this gateway: 80 (its Service port) unless told otherwise. */
  @Test
  void theServicePortIs80UnlessGiven() throws Exception {
    assertThat(GatewaySettings.parse(new String[] {"--server", "http://s"}, Map.of()).servicePort()).isEqualTo(80);
    assertThat(GatewaySettings.parse(new String[] {"--server", "http://s"},
        Map.of("INBOARD_GATEWAY_SERVICE_PORT", "8000")).servicePort()).isEqualTo(8000);
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--server", "http://s", "--service-port", "0"},
        Map.of())).hasMessageContaining("--service-port 0 is not a port a Gateway server can name");
  }

  @Test
  void theHttpsPortIsOffUnlessGivenAndNeedsItsOwnNumbers(@TempDir Path dir) throws Exception {
    GatewaySettings plain = GatewaySettings.parse(new String[] {"--server", "http://s"}, Map.of());
    assertThat(plain.httpsPort()).isEqualTo(-1);
    assertThat(plain.httpsServicePort()).isEqualTo(443);
    assertThat(plain.credentialsDir()).isNull();
    GatewaySettings https = GatewaySettings.parse(new String[] {"--server", "http://s", "--https-port", "8443",
        "--credentials-dir", dir.toString()}, Map.of("INBOARD_GATEWAY_HTTPS_SERVICE_PORT", "8443"));
    assertThat(https.httpsPort()).isEqualTo(8443);
    assertThat(https.httpsServicePort()).isEqualTo(8443);
    assertThat(https.credentialsDir()).isEqualTo(dir);
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--server", "http://s", "--https-port", "0",
        "--https-service-port", "80"}, Map.of()))
        .hasMessage("--https-service-port and --service-port are both 80; a port number is HTTP or HTTPS, give them "
            + "different numbers (e.g. 443 and 80)");
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--server", "http://s", "--credentials-dir",
        dir.resolve("absent").toString()}, Map.of()))
        .hasMessage("--credentials-dir " + dir.resolve("absent") + ": not a directory; give the directory where "
            + "the TLS secrets are mounted, one sub-directory per credentialName");
  }

  @Test
  void certificateFilesArePolledEveryFiveSecondsUnlessToldOtherwise() throws Exception {
    assertThat(GatewaySettings.parse(new String[] {"--server", "http://s"}, Map.of()).credentialsPollInterval())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(GatewaySettings.parse(new String[] {"--server", "http://s", "--credentials-poll-interval", "500ms"},
        Map.of()).credentialsPollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(GatewaySettings.parse(new String[] {"--server", "http://s"},
        Map.of("INBOARD_GATEWAY_CREDENTIALS_POLL_INTERVAL", "0")).credentialsPollInterval()).isZero();
    assertThat(GatewaySettings.parse(new String[] {"--server", "http://s", "--credentials-poll-interval", "0s"},
        Map.of()).credentialsPollInterval()).isZero();
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--server", "http://s",
        "--credentials-poll-interval", "5"}, Map.of()))
        .hasMessage("--credentials-poll-interval: '5' is not a duration (a unit is missing after 5); write e.g. "
            + "1.5s, 250ms, 1m or 1h, or 0 to turn polling off");
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--server", "http://s",
        "--credentials-poll-interval", "1ms"}, Map.of()))
        .hasMessageContaining("--credentials-poll-interval 1ms is below 10ms");
  }

  @Test
  void http2IsOnUnlessTurnedOff() throws Exception {
    assertThat(GatewaySettings.parse(new String[] {"--server", "http://s"}, Map.of()).http2()).isTrue();
    assertThat(GatewaySettings.parse(new String[] {"--server", "http://s", "--http2=false"}, Map.of()).http2())
        .isFalse();
    assertThat(GatewaySettings.parse(new String[] {"--server", "http://s"},
        Map.of("INBOARD_GATEWAY_HTTP2", "FALSE")).http2()).isFalse();
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--server", "http://s", "--http2", "off"}, Map.of()))
        .hasMessage("--http2 'off' is not a boolean; give true or false");
  }

  @Test
  void helpListsEverySettingWithItsEnvironmentVariable() {
    String help = GatewaySettings.help();
    for (GatewaySettings.Option option : GatewaySettings.OPTIONS) {
      assertThat(help).contains("--" + option.name()).contains(option.env());
    }
  }

  /** An empty value means unset, as it already does for INBOARD_GATEWAY_SERVER. */
  @Test
  void anEmptyConfigVariableDoesNotConflictWithServer() throws Exception {
    GatewaySettings settings = GatewaySettings.parse(
        new String[] {"--server", "http://127.0.0.1:15010"}, Map.of("INBOARD_GATEWAY_CONFIG", ""));

    assertThat(settings.config()).isNull();
    assertThat(settings.server().toString()).isEqualTo("http://127.0.0.1:15010");
  }

  @Test
  void anEmptyConfigInThePropertiesFileOrOnTheCommandLineIsUnsetToo() throws Exception {
    Path properties = Files.writeString(dir.resolve("gateway.properties"), "config=\nserver=http://file:1\n");

    assertThat(GatewaySettings.parse(new String[] {"--properties", properties.toString()}, Map.of()).config())
        .isNull();
    GatewaySettings settings = GatewaySettings.parse(
        new String[] {"--config", "", "--server", "http://127.0.0.1:15010"}, Map.of());
    assertThat(settings.config()).isNull();
    assertThat(settings.server().toString()).isEqualTo("http://127.0.0.1:15010");
    assertThatThrownBy(() -> GatewaySettings.parse(new String[] {"--config", ""}, Map.of()))
        .hasMessageContaining("no routing source");
  }
}
