package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inboard.core.explain.DecisionJson;
import io.inboard.core.mesh.Workload;
import io.inboard.core.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A rule's {@code mirrors} (several mirrors) and its single {@code mirror}, compiled to one kind of
 * mirror: what the decision carries, what explain shows, and that a request without copies gets no
 * list of its own. Shares of independent rolls are in the conformance table (actions.yaml).
 */
class MirrorsRoutingTest {
  private static final Workload FRONTEND = new Workload("traffic-management", "frontend", Map.of());
  private static final String USER = "user.traffic-management.svc.cluster.local";
  private static final Snapshot ACTIONS = Fixtures.snapshot("conformance/instances.yaml", "conformance/actions.yaml");

  private static Decision route(String path) {
    return new Router(ACTIONS, InFlight.NONE, new SplittableRandom(7))
        .route(DescribedRequest.of("GET", "http://user" + path).from(FRONTEND));
  }

  private static Decision explain(String path) {
    return new Router(ACTIONS, InFlight.NONE, new SplittableRandom(7))
        .explain(DescribedRequest.of("GET", "http://user" + path).from(FRONTEND));
  }

  @Test
  void eachMirrorCarriesAnInstanceOfItsOwnDestination() {
    Decision d = route("/copies/both");

    assertThat(d.instance().labels()).containsEntry("version", "v1");
    assertThat(d.actions().mirrors()).hasSize(2);
    Decision.Mirror first = d.actions().mirrors().get(0);
    Decision.Mirror second = d.actions().mirrors().get(1);
    assertThat(first.destination()).isEqualTo(new Decision.Target(USER, "v2", 0));
    assertThat(first.instance().labels()).containsEntry("version", "v2");
    assertThat(second.destination()).isEqualTo(new Decision.Target("orders.shop.svc.cluster.local", null, 9000));
    assertThat(second.instance().service()).isEqualTo("orders");
  }

  @Test
  void explainNamesEveryMirrorRolledAndEveryMirrorNot() {
    Decision d = explain("/copies/one-never");

    assertThat(d.trace()).contains(
        "mirror to " + USER + " subset v2 not rolled (0.0%)",
        "mirror to " + USER + " subset v1 instance user-v1");
    assertThat(d.actions().mirrors()).extracting(m -> m.destination().subset()).containsExactly("v1");
  }

  @Test
  void theExplainedDecisionListsEveryCopyWithItsInstance() {
    JsonNode mirrors = DecisionJson.toJson(explain("/copies/both"), new ObjectMapper()).get("actions").get("mirrors");

    assertThat(mirrors).hasSize(2);
    assertThat(mirrors.get(0).get("destination").get("subset").asText()).isEqualTo("v2");
    assertThat(mirrors.get(0).get("instance").get("id").asText()).startsWith("user-v2");
    assertThat(mirrors.get(1).get("destination").get("host").asText()).isEqualTo("orders.shop.svc.cluster.local");
    assertThat(mirrors.get(1).get("instance").get("id").asText()).startsWith("orders-");
  }

  @Test
  void aSingleMirrorIsAListOfOne() {
    Decision d = route("/mirror");

    assertThat(d.actions().mirrors()).singleElement()
        .satisfies(m -> assertThat(m.destination()).isEqualTo(new Decision.Target(USER, "v2", 0)));
  }

  @Test
  void withoutCopiesTheDecisionSharesTheOneEmptyList() {
    // Nothing allocated for mirrors when none is rolled: the list is the JDK's shared empty list.
    assertThat(route("/user/list").actions().mirrors()).isSameAs(List.of());
    assertThat(route("/nomirror").actions().mirrors()).isSameAs(List.of());
    assertThat(DecisionJson.toJson(route("/nomirror"), new ObjectMapper()).get("actions").has("mirrors")).isFalse();
  }
}
