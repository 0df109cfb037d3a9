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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk-through's service-to-service scenarios, as files in standalone mode: a service on Jetty
 * or Tomcat, with the agent attached and no header-forwarding code, calls {@code user} (v1 and v2
 * echo servers) through every client, on the request thread and from executors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
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

  @TempDir Path dir;
  private EchoServer v1;
  private EchoServer v2;

  @BeforeAll
  void startUser() throws Exception {
    v1 = new EchoServer("v1", "user-v1");
    v2 = new EchoServer("v2", "user-v2");
  }

  @AfterAll
  void stopUser() throws Exception {
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

  private ForkedService start(String scenario, Jdks.Jdk jdk, String container) throws Exception {
    Path config =
        MeshFile.scenario(scenario)
            .instances("user", "traffic-management", v1, v2)
            .write(dir, scenario + "-" + jdk + "-" + container + ".yaml");
    return ForkedService.start(
        scenario.replace(".yaml", ""),
        jdk,
        container,
        Map.of(
            "inboard.service", "front",
            "inboard.namespace", "traffic-management",
            "inboard.labels", "app=front,version=v1",
            "inboard.config", config.toString()),
        ForkedService.CLASSPATH);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void canaryGivesV1NinetyPercentOfCalls(Jdks.Jdk jdk, String container) throws Exception {
    try (ForkedService service = start("10-canary.yaml", jdk, container)) {
      for (String[] c : COMBINATIONS) {
        List<CallResult> results = ServiceCalls.call(service, c[0], c[1], 2000, Map.of());
        long ok = results.stream().filter(r -> r.status() == 200).count();
        long toV1 = results.stream().filter(r -> "v1".equals(r.version())).count();
        assertThat(ok).as("%s on %s: calls answered 200, first: %s", c[0], c[1], results.get(0).line())
            .isEqualTo(2000);
        assertThat(toV1 / 2000.0).as("%s on %s: v1 share", c[0], c[1]).isBetween(0.87, 0.93);
        assertThat(results).allSatisfy(r -> assertThat(r.fields().get("host")).isEqualTo("user"));
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void darkReleaseSendsModeDevToV2AndEverythingElseToV1(Jdks.Jdk jdk, String container) throws Exception {
    try (ForkedService service = start("40-dark-release.yaml", jdk, container)) {
      for (String[] c : COMBINATIONS) {
        List<CallResult> dev = ServiceCalls.call(service, c[0], c[1], 50, Map.of("mode", "dev"));
        List<CallResult> other = ServiceCalls.call(service, c[0], c[1], 50, Map.of("mode", "prod"));
        List<CallResult> none = ServiceCalls.call(service, c[0], c[1], 50, Map.of());
        assertThat(dev).as("%s on %s, mode: dev", c[0], c[1])
            .allSatisfy(r -> assertThat(r.version()).as(r.line()).isEqualTo("v2"))
            .allSatisfy(r -> assertThat(r.header("mode")).isEqualTo("dev"));
        assertThat(other).as("%s on %s, mode: prod", c[0], c[1])
            .allSatisfy(r -> assertThat(r.version()).as(r.line()).isEqualTo("v1"));
        assertThat(none).as("%s on %s, no mode", c[0], c[1])
            .allSatisfy(r -> assertThat(r.version()).as(r.line()).isEqualTo("v1"))
            .allSatisfy(r -> assertThat(r.header("mode")).as(r.line()).isNull());
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void stickyCanaryKeepsEachHeaderValueOnOneVersion(Jdks.Jdk jdk, String container) throws Exception {
    try (ForkedService service = start("30-sticky-canary.yaml", jdk, container)) {
      Map<String, String> versionOfKey = new HashMap<>();
      for (String[] c : COMBINATIONS) {
        for (int key = 0; key < 60; key++) {
          String value = "user-" + key;
          List<CallResult> results = ServiceCalls.call(service, c[0], c[1], 3, Map.of("my-header", value));
          for (CallResult r : results) {
            assertThat(r.header("my-header")).as(r.line()).isEqualTo(value);
            String first = versionOfKey.putIfAbsent(value, r.version());
            assertThat(r.version())
                .as("%s on %s: my-header %s went to %s before", c[0], c[1], value, first)
                .isEqualTo(first == null ? r.version() : first)
                .isIn("v1", "v2");
          }
        }
      }
      assertThat(Set.copyOf(versionOfKey.values())).as("versions over 60 keys").containsExactlyInAnyOrder("v1", "v2");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runtimes")
  void consistentHashKeepsEachHeaderValueOnOneInstance(Jdks.Jdk jdk, String container) throws Exception {
    try (ForkedService service = start("20-consistent-hash.yaml", jdk, container)) {
      Map<String, String> instanceOfKey = new HashMap<>();
      for (String[] c : COMBINATIONS) {
        for (int key = 0; key < 20; key++) {
          String value = "key-" + key;
          List<CallResult> results = ServiceCalls.call(service, c[0], c[1], 3, Map.of("my-header", value));
          for (CallResult r : results) {
            String first = instanceOfKey.putIfAbsent(value, r.instance());
            assertThat(r.instance())
                .as("%s on %s: my-header %s went to %s before", c[0], c[1], value, first)
                .isEqualTo(first == null ? r.instance() : first)
                .isIn("user-v1", "user-v2");
          }
        }
      }
      assertThat(new HashSet<>(instanceOfKey.values())).as("instances over 20 keys").hasSize(2);
    }
  }
}
