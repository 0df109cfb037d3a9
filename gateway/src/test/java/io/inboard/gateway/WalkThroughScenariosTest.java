package io.inboard.gateway;

import static io.inboard.gateway.WalkThroughMesh.MICROSERVICE_HOST;
import static io.inboard.gateway.WalkThroughMesh.USER_HOST;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every scenario of the walk-through through the real gateway and the real router, on both
 * domains: {@code user.traffic-management.example.com/...} and
 * {@code microservice.traffic-management.example.com/user/...} (prefix rewritten to {@code /}).
 * Shares are checked against the acceptance bounds, which are wide enough for the stated sample
 * sizes (for 90/10 over 500 requests the standard deviation of the share is 0.013).
 */
class WalkThroughScenariosTest {
  @TempDir static Path dir;
  static WalkThroughMesh mesh;

  @BeforeAll
  static void start() throws Exception {
    mesh = new WalkThroughMesh(dir, "scenarios/10-canary.yaml");
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  /** One request through the gateway: the upstream's version, after checking the path it saw. */
  static String version(String domain, String... headers) throws Exception {
    boolean user = domain.equals(USER_HOST);
    ContentResponse response = mesh.client.get(domain, user ? "/list?page=1" : "/user/list?page=1", headers);
    assertThat(response.getStatus()).as("status via %s: %s", domain, response.getContentAsString()).isEqualTo(200);
    Map<String, String> seen = TestClient.echo(response);
    assertThat(seen.get("path")).as("path the upstream saw via " + domain).isEqualTo("/list");
    assertThat(seen.get("query")).isEqualTo("page=1");
    assertThat(seen.get("header host")).isEqualTo(domain);
    return seen.get("version");
  }

  @ParameterizedTest
  @ValueSource(strings = {USER_HOST, MICROSERVICE_HOST})
  void canarySendsAboutNinetyPercentToV1(String domain) throws Exception {
    mesh.apply("scenarios/10-canary.yaml");
    int requests = 600;
    int v1 = 0;
    for (int i = 0; i < requests; i++) {
      String version = version(domain);
      assertThat(version).isIn("v1", "v2");
      if (version.equals("v1")) {
        v1++;
      }
    }
    System.out.printf("canary via %s: v1 share %.3f over %d requests%n", domain, v1 / (double) requests, requests);
    assertThat(v1 / (double) requests).isBetween(0.85, 0.95);
  }

  @ParameterizedTest
  @ValueSource(strings = {USER_HOST, MICROSERVICE_HOST})
  void consistentHashKeepsEachHeaderValueOnOneInstanceAndUsesBoth(String domain) throws Exception {
    mesh.apply("scenarios/20-consistent-hash.yaml");
    Set<String> used = new HashSet<>();
    for (int user = 0; user < 20; user++) {
      String value = "user-" + user;
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        ContentResponse response = mesh.client.get(domain, domain.equals(USER_HOST) ? "/" : "/user", "my-header", value);
        assertThat(response.getStatus()).isEqualTo(200);
        seen.add(TestClient.echo(response).get("instance"));
      }
      assertThat(seen).as("instances for my-header=%s", value).hasSize(1);
      used.addAll(seen);
    }
    assertThat(used).containsExactlyInAnyOrder("user-v1", "user-v2");
  }

  @ParameterizedTest
  @ValueSource(strings = {USER_HOST, MICROSERVICE_HOST})
  void stickyCanaryKeepsEachValueOnOneVersionAndSplitsValuesNinetyTen(String domain) throws Exception {
    mesh.apply("scenarios/30-sticky-canary.yaml");
    Map<String, String> first = new HashMap<>();
    int v2 = 0;
    int values = 1000;
    for (int user = 0; user < values; user++) {
      String version = version(domain, "my-header", "sticky-" + user);
      first.put("sticky-" + user, version);
      if (version.equals("v2")) {
        v2++;
      }
    }
    System.out.printf("sticky canary via %s: v2 share %.3f over %d distinct my-header values%n", domain,
        v2 / (double) values, values);
    assertThat(v2 / (double) values).isBetween(0.07, 0.13);
    // Again for a sample of the values, canary users included: each stays where it was.
    int checked = 0;
    for (Map.Entry<String, String> e : first.entrySet()) {
      if (e.getValue().equals("v2") || checked < 60) {
        for (int i = 0; i < 3; i++) {
          assertThat(version(domain, "my-header", e.getKey())).as("version of %s", e.getKey()).isEqualTo(e.getValue());
        }
        checked++;
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {USER_HOST, MICROSERVICE_HOST})
  void darkReleaseSendsModeDevToV2AndEverythingElseToV1(String domain) throws Exception {
    mesh.apply("scenarios/40-dark-release.yaml");
    for (int i = 0; i < 50; i++) {
      assertThat(version(domain, "mode", "dev")).isEqualTo("v2");
      assertThat(version(domain)).isEqualTo("v1");
      assertThat(version(domain, "mode", "prod")).isEqualTo("v1");
      assertThat(version(domain, "mode", "Dev")).isEqualTo("v1");
    }
    // The port in Host is ignored, as Istio does, and the case of the host name too.
    ContentResponse withPort = mesh.client.get(domain.toUpperCase() + ":8080",
        domain.equals(USER_HOST) ? "/" : "/user/", "mode", "dev");
    assertThat(withPort.getStatus()).isEqualTo(200);
    assertThat(TestClient.echo(withPort).get("version")).isEqualTo("v2");
  }

  @Test
  void theAdminExplainSaysWhichRuleAndSubsetARequestGetsAtThisGateway() throws Exception {
    mesh.apply("scenarios/40-dark-release.yaml");
    try (TestClient admin = new TestClient(mesh.gateway.adminPort())) {
      String dev = admin.get("localhost", "/explain?url=http://" + MICROSERVICE_HOST + "/user/list&header=mode:dev")
          .getContentAsString();
      String plain = admin.get("localhost", "/explain?url=http://" + MICROSERVICE_HOST + "/user/list").getContentAsString();
      String unknown = admin.get("localhost", "/explain?url=http://shop.example.com/").getContentAsString();

      assertThat(dev).contains("dark-release-by-prefix").contains("\"v2\"")
          .contains("traffic-management/microservice-gateway");
      assertThat(plain).contains("user-by-prefix").contains("\"v1\"");
      assertThat(unknown).contains("404").contains("unknown host 'shop.example.com'");
      assertThat(admin.get("localhost", "/explain").getStatus()).isEqualTo(400);
    }
  }

  @Test
  void unknownHostAndUnroutedPathAre404WithReason() throws Exception {
    mesh.apply("scenarios/40-dark-release.yaml");

    ContentResponse unknown = mesh.client.get("shop.traffic-management.example.com", "/");
    ContentResponse unrouted = mesh.client.get(MICROSERVICE_HOST, "/orders");

    assertThat(unknown.getStatus()).isEqualTo(404);
    assertThat(unknown.getHeaders().get("x-inboard-reason")).contains("unknown host");
    assertThat(unrouted.getStatus()).isEqualTo(404);
    assertThat(unrouted.getHeaders().get("x-inboard-reason")).isNotBlank();
    assertThat(unrouted.getContentAsString()).isNotBlank();
  }

  @Test
  void eachRouteActionOfTheRouterIsAppliedByTheGateway() throws Exception {
    mesh.apply("scenarios/40-dark-release.yaml", "extras.yaml");
    String host = "api.extras.example.com";

    ContentResponse redirect = mesh.client.get(host, "/old");
    assertThat(redirect.getStatus()).isEqualTo(308);
    assertThat(redirect.getHeaders().get("location")).endsWith("://www.extras.example.com/new");

    ContentResponse teapot = mesh.client.get(host, "/teapot");
    assertThat(teapot.getStatus()).isEqualTo(418);
    assertThat(teapot.getContentAsString()).isEqualTo("short and stout");

    ContentResponse headers = mesh.client.get(host, "/headers", "x-secret", "s3cr3t", "x-env", "dev");
    assertThat(headers.getStatus()).isEqualTo(200);
    assertThat(headers.getContentAsString()).contains("header x-env: prod").contains("header x-added: yes")
        .doesNotContain("x-secret").doesNotContain("header x-env: dev");
    assertThat(headers.getHeaders().get("x-served-by")).isEqualTo("inboard-gateway");
    assertThat(headers.getHeaders().contains("x-upstream-instance")).isFalse();

    ContentResponse slow = mesh.client.get(host, "/slow?ms=10000");
    assertThat(slow.getStatus()).isEqualTo(504);
    assertThat(slow.getHeaders().get("x-inboard-reason")).contains("timeout");

    ContentResponse broken = mesh.client.get(host, "/broken");
    assertThat(broken.getStatus()).isEqualTo(500);
    assertThat(broken.getHeaders().get("x-inboard-reason")).contains("fault injected");

    ContentResponse nowhere = mesh.client.get(host, "/nowhere");
    assertThat(nowhere.getStatus()).isEqualTo(503);
    assertThat(nowhere.getHeaders().get("x-inboard-reason")).isNotBlank();

    ContentResponse api = mesh.client.get(host, "/api/items");
    assertThat(api.getStatus()).isEqualTo(200);
    assertThat(TestClient.echo(api)).containsEntry("path", "/v2/api/items")
        .containsEntry("header host", "user.internal").containsEntry("version", "v2");
  }

  // Istio's default path normalization (BASE) applies before routing: /public/../admin is /admin,
  // so a rule on the /admin prefix cannot be stepped around.
  @Test
  void dotSegmentsCannotStepAroundAPrefixRule() throws Exception {
    mesh.apply("paths-and-retries.yaml");

    for (String path : List.of("/public/../admin/users", "/public/%2e%2e/admin/users", "/public/./../admin/")) {
      ContentResponse response = mesh.client.get(MICROSERVICE_HOST, path);

      assertThat(response.getStatus()).as(path + ": the /admin rule answers").isEqualTo(403);
      assertThat(response.getContentAsString()).as(path).isEqualTo("forbidden");
    }
    ContentResponse aboveRoot = mesh.client.get(MICROSERVICE_HOST, "/../admin/users");
    assertThat(aboveRoot.getStatus()).as("a path above the root is refused").isEqualTo(400);
    ContentResponse routed = mesh.client.get(MICROSERVICE_HOST, "/admin/../public/./list");
    assertThat(TestClient.echo(routed)).containsEntry("instance", "user-v1").containsEntry("path", "/public/list");
  }

  // Envoy picks the weighted destination once per request; a retry goes to another instance of
  // the same destination, with that destination's header operations.
  @Test
  void aRetryStaysOnTheDestinationTheRequestWasRoutedTo() throws Exception {
    mesh.apply("paths-and-retries.yaml");
    mesh.v1.flakyFailures.set(1_000_000); // v1 always answers 503 on /flaky
    try {
      int v1Answers = 0;
      int wrongHeader = 0;
      for (int i = 0; i < 40; i++) {
        ContentResponse response = mesh.client.get(USER_HOST, "/flaky");
        if (response.getStatus() == 503) {
          v1Answers++;
          continue;
        }
        Map<String, String> seen = TestClient.echo(response);
        if (!seen.get("version").equals(seen.get("header x-chosen-subset"))) {
          wrongHeader++;
        }
      }
      assertThat(wrongHeader).as("requests served by one subset with the other destination's headers").isZero();
      assertThat(v1Answers).as("requests routed to v1 (about half) end in v1's 503").isGreaterThan(8);
    } finally {
      mesh.v1.flakyFailures.set(0);
    }
  }
}
