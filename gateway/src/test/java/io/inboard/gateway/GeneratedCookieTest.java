package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consistent hashing on a cookie with a {@code ttl}, against two real upstreams on 127.0.0.1: a
 * request without the cookie gets one generated, with the rule's path, lifetime and attributes, and
 * a request that brings it back reaches the same instance and gets none.
 */
class GeneratedCookieTest {
  @TempDir Path dir;

  @Test
  void aGeneratedCookieCarriesTheRulesAttributesAndKeepsTheClientOnItsInstance() throws Exception {
    try (EchoUpstream one = new EchoUpstream("user-1", Map.of("app", "user"));
        EchoUpstream two = new EchoUpstream("user-2", Map.of("app", "user"));
        InboardGateway gw = UserServiceMesh.start(dir, UserServiceMesh.rules("{attempts: 0}",
            "{loadBalancer: {consistentHash: {httpCookie: {name: route, path: /, ttl: 3600s, "
                + "attributes: [{name: SameSite, value: Strict}, {name: Secure}]}}}}")
            + UserServiceMesh.instance(one.id, one.port()) + UserServiceMesh.instance(two.id, two.port()));
        TestClient client = new TestClient(gw.port())) {
      ContentResponse first = client.get(UserServiceMesh.HOST, "/");
      assertThat(first.getStatus()).isEqualTo(200);
      String setCookie = first.getHeaders().get("Set-Cookie");
      assertThat(setCookie).matches("route=[0-9a-f]{16}; Path=/; Max-Age=3600; SameSite=Strict; Secure; HttpOnly");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));

      String instance = first.getHeaders().get("x-upstream-instance");
      for (int i = 0; i < 10; i++) {
        ContentResponse again = client.get(UserServiceMesh.HOST, "/", "Cookie", cookie);
        assertThat(again.getHeaders().get("x-upstream-instance")).isEqualTo(instance);
        assertThat(again.getHeaders().get("Set-Cookie")).as("the client has its cookie").isNull();
      }
    }
  }
}
