package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule's {@code mirrors} through the real gateway and router, to real upstreams on 127.0.0.1:
 * each mirror rolled gets its own copy, with the shadow host, while the client gets the routed
 * instance's answer; a mirror at 0 % gets none.
 */
class MirrorsTest {
  @TempDir Path dir;

  private static final String RULES = UserServiceMesh.gatewayAndRule("""
      - route: [{destination: {host: user}}]
        headers: {request: {set: {x-route: main}}}
        mirrors:
        - destination: {host: user-next}
        - destination: {host: audit}
          percentage: {value: 100}
        - destination: {host: never}
          percentage: {value: 0}
      """) + "---\ninstances:\n";

  private static String instance(EchoUpstream upstream, String service) {
    return "- {id: " + upstream.id + ", service: " + service + ", namespace: shop, address: 127.0.0.1, port: "
        + upstream.port() + "}\n";
  }

  @Test
  void eachMirrorRolledGetsItsOwnCopyAndTheClientTheRoutedAnswer() throws Exception {
    try (EchoUpstream user = new EchoUpstream("user-1", Map.of());
        EchoUpstream next = new EchoUpstream("user-next-1", Map.of());
        EchoUpstream audit = new EchoUpstream("audit-1", Map.of());
        EchoUpstream never = new EchoUpstream("never-1", Map.of())) {
      String yaml = RULES + instance(user, "user") + instance(next, "user-next") + instance(audit, "audit")
          + instance(never, "never");
      try (InboardGateway gw = UserServiceMesh.start(dir, yaml);
          TestClient client = new TestClient(gw.port())) {
        ContentResponse response = client.get(UserServiceMesh.HOST, "/orders?id=7", "x-user", "alice");

        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        assertThat(TestClient.echo(response)).containsEntry("instance", "user-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> next.requests.get() == 1 && audit.requests.get() == 1);
        for (EchoUpstream copy : new EchoUpstream[] {next, audit}) {
          assertThat(copy.lastHostAndPath).as(copy.id).isEqualTo("user.example.com-shadow/orders");
          assertThat(copy.lastHeaders.get("x-user")).as(copy.id).isEqualTo("alice");
          assertThat(copy.lastHeaders.get("x-route")).as(copy.id + ": the rule's header operations").isEqualTo("main");
        }
        assertThat(next.lastHeaders.get("x-request-id")).as("both copies carry the request's id")
            .isEqualTo(audit.lastHeaders.get("x-request-id"))
            .isEqualTo(TestClient.echo(response).get("header x-request-id"));

        client.get(UserServiceMesh.HOST, "/second");
        await().atMost(Duration.ofSeconds(20)).until(() -> next.requests.get() == 2 && audit.requests.get() == 2);
        assertThat(user.requests.get()).isEqualTo(2);
        assertThat(never.requests.get()).as("a mirror at 0 % gets no copy").isZero();
      }
    }
  }
}
