package io.inboard.agent.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk-through's service-to-service scenarios, as files in standalone mode: a service on Jetty
 * or Tomcat, with the agent attached and no header-forwarding code, calls {@code user} (v1 and v2
 * echo servers) through every client, on the request thread and from executors.
 */
class ScenarioRoutingIT extends TwoUserInstances {
  @TempDir static Path dir;
  /** One service per runtime and container, reused by every scenario: only the rules file changes. */
  private static final Map<String, ForkedService> SERVICES = new HashMap<>();

  /** Before {@link TwoUserInstances} stops the instances. */
  @AfterAll
  static void stopServices() throws Exception {
    for (ForkedService service : SERVICES.values()) {
      service.close();
    }
  }

  static Stream<Arguments> runtimes() {
    List<Arguments> all = new ArrayList<>();
    for (Jdks.Jdk jdk : Jdks.available()) {
      for (String container : List.of("jetty", "tomcat")) {
        all.add(Arguments.of(jdk, container));
      }
    }
    return all.stream();
  }

  /**
   * The service for {@code jdk} and {@code container}, with {@code scenario}'s rules in force: the
   * rules file is rewritten and the test waits until the agent has reloaded it.
   */
  private static ForkedService serviceWith(String scenario, Jdks.Jdk jdk, String container) throws Exception {
    String name = jdk + "-" + container;
    MeshRules rules = MeshRules.of(scenario, v1, v2);
    Path config = dir.resolve(name + ".yaml");
    ForkedService service = SERVICES.get(name);
    rules.write(config);
    if (service == null) {
      service =
          ForkedService.start(
              "scenarios",
              jdk,
              container,
              Map.of(
                  "inboard.service", "front",
                  "inboard.namespace", "traffic-management",
                  "inboard.labels", "app=front,version=v1",
                  "inboard.config", config.toString()),
              ForkedService.CLASSPATH);
      SERVICES.put(name, service);
    }
    rules.awaitInForce(service);
    return service;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void canaryGivesV1NinetyPercentOfCalls(Jdks.Jdk jdk, String container) throws Exception {
    // 500 calls per client and thread here (share's deviation 0.0134; the band is 4.5 of them each
    // side); ConfigServerScenarioIT makes the acceptance's 2000.
    ScenarioChecks.canary(serviceWith("10-canary.yaml", jdk, container), 500, 0.84, 0.96);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void darkReleaseSendsModeDevToV2AndEverythingElseToV1(Jdks.Jdk jdk, String container) throws Exception {
    ScenarioChecks.darkRelease(serviceWith("40-dark-release.yaml", jdk, container));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void stickyCanaryKeepsEachHeaderValueOnOneVersion(Jdks.Jdk jdk, String container) throws Exception {
    ScenarioChecks.stickyCanary(serviceWith("30-sticky-canary.yaml", jdk, container));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void consistentHashKeepsEachHeaderValueOnOneInstance(Jdks.Jdk jdk, String container) throws Exception {
    ScenarioChecks.consistentHash(serviceWith("20-consistent-hash.yaml", jdk, container));
  }
}
