package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk-through scenarios applied through the real config server: the echo servers are
 * registered instances, the service (agent attached, no Inboard code) registers itself with the
 * port its container opened, and each scenario file is applied in turn while the service runs.
 */
class ConfigServerScenarioIT extends TwoUserInstances {
  @TempDir static Path dir;
  private static ConfigServerProcess server;

  @BeforeAll
  static void startMesh() throws Exception {
    if (!ConfigServerProcess.available()) {
      throw new IllegalStateException(
          ConfigServerProcess.JAR + " is missing; build it with mvn -pl config-server -am package -DskipTests");
    }
    server = ConfigServerProcess.start(dir.resolve("data"));
    server.register("traffic-management", "user", v1);
    server.register("traffic-management", "user", v2);
    server.apply(MeshFile.scenario("00-gateway.yaml").text());
  }

  @AfterAll
  static void stopMesh() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** Jetty on the first JDK, Tomcat on the second (when there is one): both containers, both JDKs. */
  static List<Arguments> runtimes() {
    List<Jdks.Jdk> jdks = Jdks.available();
    return jdks.size() == 1
        ? List.of(Arguments.of(jdks.get(0), "jetty"))
        : List.of(Arguments.of(jdks.get(0), "jetty"), Arguments.of(jdks.get(1), "tomcat"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void walkThroughScenariosThroughTheConfigServer(Jdks.Jdk jdk, String container) throws Exception {
    try (ForkedService service =
        ForkedService.start(
            "config-server-scenarios",
            jdk,
            container,
            Map.of(
                "inboard.server", server.url,
                "inboard.service", "front-" + container,
                "inboard.namespace", "traffic-management",
                "inboard.labels", "app=front,version=v1",
                "inboard.cache-dir", dir.resolve("cache-" + container).toString()),
            ForkedService.CLASSPATH)) {
      // The agent registered the service with the port its container opened.
      await("front registered")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(server.instances("traffic-management", "front-" + container))
                      .containsPattern("\"port\"\\s*:\\s*" + service.port() + "\\b"));

      apply("10-canary.yaml", service);
      ScenarioChecks.canary(service);
      apply("40-dark-release.yaml", service);
      ScenarioChecks.darkRelease(service);
      apply("30-sticky-canary.yaml", service);
      ScenarioChecks.stickyCanary(service);
      apply("20-consistent-hash.yaml", service);
      ScenarioChecks.consistentHash(service);
    }
  }

  private static void apply(String scenario, ForkedService service) throws Exception {
    MeshRules rules = MeshRules.forServer(scenario);
    server.apply(rules.text());
    rules.awaitInForce(service);
  }
}
