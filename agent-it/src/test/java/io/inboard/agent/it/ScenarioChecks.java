package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each walk-through scenario must do to a service's calls to {@code user}, checked through
 * every client and thread in {@link #COMBINATIONS}, whatever put the rules in force (a file or the
 * config server).
 */
final class ScenarioChecks {
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

  private ScenarioChecks() {}

  /**
   * 10-canary, as the acceptance states it: over 2000 calls, v1's share is in [0.87, 0.93] (the
   * standard deviation of the share is 0.0067, so the band is 4.5 of them each side).
   */
  static void canary(ForkedService service) throws Exception {
    canary(service, 2000, 0.87, 0.93);
  }

  /** 10-canary over {@code calls} calls per client and thread; the logical Host is kept. */
  static void canary(ForkedService service, int calls, double low, double high) throws Exception {
    for (String[] c : COMBINATIONS) {
      List<CallResult> results = ServiceCalls.call(service, c[0], c[1], calls, Map.of());
      long ok = results.stream().filter(r -> r.status() == 200).count();
      long toV1 = results.stream().filter(r -> "v1".equals(r.version())).count();
      assertThat(ok).as("%s on %s: calls answered 200, first: %s", c[0], c[1], results.get(0).line())
          .isEqualTo(calls);
      assertThat(toV1 / (double) calls).as("%s on %s: v1 share", c[0], c[1]).isBetween(low, high);
      assertThat(results).allSatisfy(r -> assertThat(r.fields().get("host")).as(r.line()).isEqualTo("user"));
    }
  }

  /** 40-dark-release: {@code mode: dev} always reaches v2, anything else v1. */
  static void darkRelease(ForkedService service) throws Exception {
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

  /** 30-sticky-canary: each {@code my-header} value stays on one version; both versions get keys. */
  static void stickyCanary(ForkedService service) throws Exception {
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

  /** 20-consistent-hash: each {@code my-header} value stays on one instance; both get keys. */
  static void consistentHash(ForkedService service) throws Exception {
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
