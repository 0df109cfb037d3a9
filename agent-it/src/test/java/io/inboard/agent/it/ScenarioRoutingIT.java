package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk-through's service-to-service scenarios, as files in standalone mode: a service on Jetty
 * or Tomcat, with the agent attached and no header-forwarding code, calls {@code user} (v1 and v2
 * echo servers) through every client, on the request thread and from executors.
 */
class ScenarioRoutingIT {
  /** Every client, and the threads each is called from. */
  static final List<String[]> COMBINATIONS =
      List.of(
          new String[] {"okhttp", "request"},
          new String[] {"okhttp", "executor"},
          new String[] {"okhttp-async", "request"},
          new String[] {"jdk", "request"},
          new String[] {"jdk", "executor"},
          new String[] {"jdk-async", "request"},
          new String[] {"jdk-async", "completable"},
          new String[] {"huc", "request"},
          new String[] {"huc", "executor"},
          new String[] {"huc", "forkjoin"});

  @TempDir static Path dir;
  private static EchoServer v1;
  private static EchoServer v2;
  /** One service per runtime and container, reused by every scenario: only the rules file changes. */
  private static final Map<String, ForkedService> SERVICES = new HashMap<>();

  @BeforeAll
  static void startUser() throws Exception {
    v1 = new EchoServer("v1", "user-v1");
    v2 = new EchoServer("v2", "user-v2");
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (ForkedService service : SERVICES.values()) {
      service.close();
    }
    v1.close();
    v2.close();
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
    ForkedService service = serviceWith("10-canary.yaml", jdk, container);
    for (String[] c : COMBINATIONS) {
      List<CallResult> results = ServiceCalls.call(service, c[0], c[1], 2000, Map.of());
      long ok = results.stream().filter(r -> r.status() == 200).count();
      long toV1 = results.stream().filter(r -> "v1".equals(r.version())).count();
      assertThat(ok).as("%s on %s: calls answered 200, first: %s", c[0], c[1], results.get(0).line())
          .isEqualTo(2000);
      assertThat(toV1 / 2000.0).as("%s on %s: v1 share", c[0], c[1]).isBetween(0.87, 0.93);
      assertThat(results).allSatisfy(r -> assertThat(r.fields().get("host")).as(r.line()).isEqualTo("user"));
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void darkReleaseSendsModeDevToV2AndEverythingElseToV1(Jdks.Jdk jdk, String container) throws Exception {
    ForkedService service = serviceWith("40-dark-release.yaml", jdk, container);
    for (String[] c : COMBINATIONS) {
      List<CallResult> dev = ServiceCalls.call(service, c[0], c[1], 30, Map.of("mode", "dev"));
      List<CallResult> other = ServiceCalls.call(service, c[0], c[1], 30, Map.of("mode", "prod"));
      List<CallResult> none = ServiceCalls.call(service, c[0], c[1], 30, Map.of());
      assertThat(dev).as("%s on %s, mode: dev", c[0], c[1])
          .allSatisfy(r -> assertThat(r.version()).as(r.line()).isEqualTo("v2"))
          .allSatisfy(r -> assertThat(r.header("mode")).as(r.line()).isEqualTo("dev"));
      assertThat(other).as("%s on %s, mode: prod", c[0], c[1])
          .allSatisfy(r -> assertThat(r.version()).as(r.line()).isEqualTo("v1"));
      assertThat(none).as("%s on %s, no mode", c[0], c[1])
          .allSatisfy(r -> assertThat(r.version()).as(r.line()).isEqualTo("v1"))
          .allSatisfy(r -> assertThat(r.header("mode")).as(r.line()).isNull());
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void stickyCanaryKeepsEachHeaderValueOnOneVersion(Jdks.Jdk jdk, String container) throws Exception {
    ForkedService service = serviceWith("30-sticky-canary.yaml", jdk, container);
    Map<String, String> versionOfKey = new HashMap<>();
    for (String[] c : COMBINATIONS) {
      // The first combination spreads 60 keys over both versions; the others must put keys on the
      // same version as it did (the choice depends on the key only, not on client or thread).
      int keys = c == COMBINATIONS.get(0) ? 60 : 12;
      for (int key = 0; key < keys; key++) {
        String value = "user-" + key;
        for (CallResult r : ServiceCalls.call(service, c[0], c[1], 2, Map.of("my-header", value))) {
          assertThat(r.header("my-header")).as(r.line()).isEqualTo(value);
          String first = versionOfKey.putIfAbsent(value, r.version());
          assertThat(r.version())
              .as("%s on %s: my-header %s went to %s before: %s", c[0], c[1], value, first, r.line())
              .isEqualTo(first == null ? r.version() : first)
              .isIn("v1", "v2");
        }
      }
    }
    assertThat(Set.copyOf(versionOfKey.values())).as("versions over 60 keys").containsExactlyInAnyOrder("v1", "v2");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void consistentHashKeepsEachHeaderValueOnOneInstance(Jdks.Jdk jdk, String container) throws Exception {
    ForkedService service = serviceWith("20-consistent-hash.yaml", jdk, container);
    Map<String, String> instanceOfKey = new HashMap<>();
    for (String[] c : COMBINATIONS) {
      int keys = c == COMBINATIONS.get(0) ? 20 : 8;
      for (int key = 0; key < keys; key++) {
        String value = "key-" + key;
        for (CallResult r : ServiceCalls.call(service, c[0], c[1], 2, Map.of("my-header", value))) {
          String first = instanceOfKey.putIfAbsent(value, r.instance());
          assertThat(r.instance())
              .as("%s on %s: my-header %s went to %s before: %s", c[0], c[1], value, first, r.line())
              .isEqualTo(first == null ? r.instance() : first)
              .isIn("user-v1", "user-v2");
        }
      }
    }
    assertThat(new HashSet<>(instanceOfKey.values())).as("instances over 20 keys").hasSize(2);
  }
}
