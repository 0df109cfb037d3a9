package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
  void everyBadValueIsKnownAtOnceNotOnlyWhenItsOptionIsRead() {
    AgentOptions options = AgentOptions.parse(
        null,
        Map.of("INBOARD_ADMIN_PORT", "eighty", "INBOARD_SERVER", "127.0.0.1:15010", "INBOARD_LEASE_TTL", "1s",
            "INBOARD_LABELS", "v1", "INBOARD_GENERATE_REQUEST_ID", "yes"),
        Map.of());
    assertThat(options.problems())
        .anySatisfy(p -> assertThat(p).contains("option admin-port = 'eighty'"))
        .anySatisfy(p -> assertThat(p).contains("option server = '127.0.0.1:15010'"))
        .anySatisfy(p -> assertThat(p).contains("option lease-ttl = '1s'"))
        .anySatisfy(p -> assertThat(p).contains("option labels = 'v1'"))
        .anySatisfy(p -> assertThat(p).contains("option generate-request-id = 'yes'"))
        .hasSize(5);
    options.adminPort();
    options.server();
    assertThat(options.problems()).as("each reported once").hasSize(5);
  }

  @Test
  void theRuntimeLogsEveryBadValueWhenItStarts() {
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger("io.inboard.agent");
    logger.addHandler(handler);
    AgentRuntime runtime = AgentRuntime.startDetached(AgentOptions.parse(
        null, Map.of("INBOARD_ADMIN_PORT", "eighty", "INBOARD_SERVER", "127.0.0.1:15010"), Map.of()));
    try {
      // premain's messages are logged from a daemon thread
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logged)
          .anySatisfy(m -> assertThat(m).contains("option admin-port = 'eighty'"))
          .anySatisfy(m -> assertThat(m).contains("option server = '127.0.0.1:15010'")));
    } finally {
      runtime.stop();
      logger.removeHandler(handler);
    }
  }

  @Test
  void onlyListOptionsTakeCommaContinuedValues() {
    AgentOptions options = AgentOptions.parse("namespace=shop,sevrice=user", Map.of(), Map.of());
    assertThat(options.namespace()).isEqualTo("shop");
    assertThat(options.problems()).anySatisfy(p -> assertThat(p).contains("'sevrice=user'"));
    AgentOptions plain = AgentOptions.parse("config=/etc/rules.yaml,extra", Map.of(), Map.of());
    assertThat(plain.config()).isEqualTo(Path.of("/etc/rules.yaml"));
    assertThat(plain.problems()).anySatisfy(p -> assertThat(p).contains("'extra'"));
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
