package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
  @Test
  void aSystemPropertyWinsOverAnAgentArgumentWhichWinsOverTheEnvironment() {
    AgentOptions options =
        AgentOptions.parse(
            "service=from-args,namespace=args-ns",
            Map.of("INBOARD_SERVICE", "from-env", "INBOARD_NAMESPACE", "env-ns", "INBOARD_TOKEN", "env-token"),
            Map.of("inboard.service", "from-property"));
    assertThat(options.service()).isEqualTo("from-property");
    assertThat(options.source("service")).isEqualTo("system property inboard.service");
    assertThat(options.namespace()).isEqualTo("args-ns");
    assertThat(options.token()).isEqualTo("env-token");
    assertThat(options.source("token")).isEqualTo("environment variable INBOARD_TOKEN");
  }

  @Test
  void defaultsApplyWhenNothingIsGiven() {
    AgentOptions options = AgentOptions.parse(null, Map.of(), Map.of());
    assertThat(options.namespace()).isEqualTo("default");
    assertThat(options.server()).isNull();
    assertThat(options.port()).isZero();
    assertThat(options.adminPort()).as("off").isEqualTo(-1);
    assertThat(options.firstSnapshotWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.leaseTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.cacheDir())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "inboard-agent", "default-unnamed"));
    for (String name : AgentOptions.INSTRUMENTATIONS) {
      assertThat(options.instrumentationEnabled(name)).isTrue();
    }
    assertThat(options.problems()).isEmpty();
  }

  @Test
  void environmentNamesAreUpperCaseWithUnderscores() {
    assertThat(AgentOptions.envName("admin-port")).isEqualTo("INBOARD_ADMIN_PORT");
    assertThat(AgentOptions.envName("instrumentation.servlet-jetty.enabled"))
        .isEqualTo("INBOARD_INSTRUMENTATION_SERVLET_JETTY_ENABLED");
    AgentOptions options =
        AgentOptions.parse(null, Map.of("INBOARD_INSTRUMENTATION_OKHTTP_ENABLED", "false"), Map.of());
    assertThat(options.instrumentationEnabled("okhttp")).isFalse();
    assertThat(options.instrumentationEnabled("executors")).isTrue();
  }

  @Test
  void agentArgumentValuesMayContainCommas() {
    AgentOptions options =
        AgentOptions.parse("service=user,labels=version=v1,app=user,port=8081,propagate=my-header,mode", Map.of(), Map.of());
    assertThat(options.service()).isEqualTo("user");
    assertThat(options.labels()).containsExactly(Map.entry("version", "v1"), Map.entry("app", "user"));
    assertThat(options.port()).isEqualTo(8081);
    assertThat(options.propagate()).containsExactlyInAnyOrder("my-header", "mode");
  }

  @Test
  void semicolonsSeparateAgentArgumentsWhenUsed() {
    AgentOptions options = AgentOptions.parse("labels=version=v2,app=user;service=user", Map.of(), Map.of());
    assertThat(options.labels()).containsEntry("version", "v2").containsEntry("app", "user");
    assertThat(options.service()).isEqualTo("user");
  }

  @Test
  void aBadValueIsReportedWithItsSourceAndTheDefaultUsed() {
    AgentOptions options =
        AgentOptions.parse(
            null,
            Map.of("INBOARD_PORT", "eighty", "INBOARD_FIRST_SNAPSHOT_WAIT", "2"),
            Map.of("inboard.instrumentation.okhttp.enabled", "yes"));
    assertThat(options.port()).isZero();
    assertThat(options.firstSnapshotWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.instrumentationEnabled("okhttp")).isTrue();
    assertThat(options.problems())
        .anySatisfy(p -> assertThat(p).contains("option port = 'eighty'").contains("INBOARD_PORT"))
        .anySatisfy(p -> assertThat(p).contains("first-snapshot-wait").contains("500ms"))
        .anySatisfy(p -> assertThat(p).contains("inboard.instrumentation.okhttp.enabled").contains("true or false"));
  }

  @Test
  void unknownAgentArgumentsAndPropertiesAreReported() {
    AgentOptions options = AgentOptions.parse("sevrice=user", Map.of(), Map.of("inboard.namepsace", "x"));
    assertThat(options.problems())
        .anySatisfy(p -> assertThat(p).contains("'sevrice=user'"))
        .anySatisfy(p -> assertThat(p).contains("inboard.namepsace"));
  }

  @Test
  void durationsTakeIstioUnits() {
    assertThat(AgentOptions.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(AgentOptions.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(AgentOptions.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void serverMustBeAnHttpUrl() {
    AgentOptions options = AgentOptions.parse("server=127.0.0.1:15010", Map.of(), Map.of());
    assertThat(options.server()).isNull();
    assertThat(options.problems()).anySatisfy(p -> assertThat(p).contains("http://127.0.0.1:15010"));
    assertThat(AgentOptions.parse("server=http://127.0.0.1:15010/", Map.of(), Map.of()).server())
        .hasToString("http://127.0.0.1:15010");
  }
}
