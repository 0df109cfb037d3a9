package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.route.GatewayPortRoutes.GatewayServer;
import io.inboard.core.snapshot.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A gateway port's one route table, as Istio builds it from several Gateways and VirtualServices. */
class GatewayPortRoutesTest {
  static String virtualService(String name, String created, String hosts, String gateways, String... rules) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s, namespace: edge%s}
        spec:
          hosts: [%s]
          gateways: [%s]
          http:
        %s
        ---
        """.formatted(name, created == null ? "" : ", creationTimestamp: \"" + created + "\"", hosts, gateways,
        String.join("\n", rules));
  }

  /** A rule answering {@code body} directly, for requests matching {@code match} (YAML flow list, or null). */
  static String answer(String match, String body) {
    return (match == null ? "  - " : "  - match: " + match + "\n    ")
        + "directResponse: {status: 200, body: {string: " + body + "}}";
  }

  static GatewayServer server(String gateway, String... hosts) {
    return new GatewayServer("edge/" + gateway, "edge", List.of(hosts));
  }

  static String decide(String yaml, List<GatewayServer> servers, String url) {
    Snapshot snapshot = Fixtures.snapshotOf(yaml, List.of());
    GatewayPortRoutes port = GatewayPortRoutes.compile(snapshot.routeTable(), servers);
    Decision d = new Router(snapshot).route(port, DescribedRequest.of("GET", url));
    return d.outcome() == Decision.Outcome.DIRECT_RESPONSE ? d.actions().directResponseBody() : d.status() + " " + d.reason();
  }

  @Test
  void theHostsAServerAndAVirtualServiceShareAreTheMoreSpecificOfEachPair() {
    assertThat(GatewayPortRoutes.intersection(List.of("*.example.com"), List.of("shop.example.com")))
        .containsExactly("shop.example.com");
    assertThat(GatewayPortRoutes.intersection(List.of("shop.example.com"), List.of("*.example.com")))
        .containsExactly("shop.example.com");
    assertThat(GatewayPortRoutes.intersection(List.of("*.example.com"), List.of("*.eu.example.com")))
        .containsExactly("*.eu.example.com");
    assertThat(GatewayPortRoutes.intersection(List.of("*"), List.of("shop.example.com", "*.example.org")))
        .containsExactly("shop.example.com", "*.example.org");
    assertThat(GatewayPortRoutes.intersection(List.of("*.example.com"), List.of("example.com", "shop.example.org")))
        .isEmpty();
  }

  @Test
  void routesOfVirtualServicesBoundToDifferentGatewaysForOneHostAreMerged() {
    String yaml = virtualService("via-exact", null, "shop.example.com", "exact", answer("[{uri: {prefix: /a}}]", "a"))
        + virtualService("via-wild", null, "shop.example.com", "wild", answer("[{uri: {prefix: /b}}]", "b"));
    List<GatewayServer> servers = List.of(server("exact", "shop.example.com"), server("wild", "*.example.com"));

    assertThat(decide(yaml, servers, "http://shop.example.com/a")).isEqualTo("a");
    assertThat(decide(yaml, servers, "http://shop.example.com/b")).isEqualTo("b");
    assertThat(decide(yaml, servers, "http://shop.example.com/c"))
        .isEqualTo("404 no rule matched for host shop.example.com (virtual host shop.example.com)");
  }

  @Test
  void theServersOfTheFirstGatewayLendTheirRoutesFirstThenTheOlderVirtualServicesOfAGateway() {
    String yaml = virtualService("alpha", "2022-01-01T00:00:00Z", "shop.example.com", "first",
            answer("[{uri: {prefix: /api/v2}}]", "alpha"))
        + virtualService("zeta", "2021-01-01T00:00:00Z", "shop.example.com", "first",
            answer("[{uri: {prefix: /api}}]", "zeta"))
        + virtualService("beta", null, "shop.example.com", "second", answer("[{uri: {prefix: /api/v2}}]", "beta"));

    // zeta is older than alpha; both come through the first server, before beta's.
    assertThat(decide(yaml, List.of(server("first", "shop.example.com"), server("second", "shop.example.com")),
        "http://shop.example.com/api/v2")).isEqualTo("zeta");
    // With the second Gateway's server first, beta's route comes first though beta has no timestamp.
    assertThat(decide(yaml, List.of(server("second", "shop.example.com"), server("first", "shop.example.com")),
        "http://shop.example.com/api/v2")).isEqualTo("beta");
  }

  @Test
  void withoutCreationTimestampsVirtualServicesGoByName() {
    String yaml = virtualService("zeta", null, "shop.example.com", "gw", answer("[{uri: {prefix: /}}, {headers: {x: {}}}]", "zeta"))
        + virtualService("alpha", null, "shop.example.com", "gw", answer("[{headers: {x: {}}}]", "alpha"));

    assertThat(decide(yaml, List.of(server("gw", "shop.example.com")), "http://shop.example.com/"))
        .isEqualTo("zeta");
    Snapshot snapshot = Fixtures.snapshotOf(yaml, List.of());
    Decision withHeader = new Router(snapshot).route(
        GatewayPortRoutes.compile(snapshot.routeTable(), List.of(server("gw", "shop.example.com"))),
        DescribedRequest.of("GET", "http://shop.example.com/").withHeader("x", "1"));
    assertThat(withHeader.actions().directResponseBody()).isEqualTo("alpha");
  }

  @Test
  void catchAllRoutesGoAfterEveryOtherRouteOfTheHost() {
    String yaml = virtualService("catch", null, "shop.example.com", "first", answer(null, "catch"),
            answer("[{uri: {prefix: /never}}]", "never"))
        + virtualService("api", null, "shop.example.com", "second", answer("[{uri: {prefix: /api}}]", "api"),
            answer("[{uri: {regex: \".*\"}}]", "api-rest"));
    List<GatewayServer> servers = List.of(server("first", "shop.example.com"), server("second", "shop.example.com"));

    assertThat(decide(yaml, servers, "http://shop.example.com/api/list")).isEqualTo("api");
    // Catch-all routes keep their order: the first Gateway's comes first.
    assertThat(decide(yaml, servers, "http://shop.example.com/other")).isEqualTo("catch");
    // A VirtualService's rules after its catch-all are not in the table (Istio drops them).
    assertThat(decide(yaml, servers, "http://shop.example.com/never")).isEqualTo("catch");
  }

  @Test
  void theMostSpecificVirtualHostServesAHostAlone() {
    String yaml = virtualService("shop", null, "shop.example.com", "exact", answer("[{uri: {prefix: /a}}]", "shop"))
        + virtualService("rest", null, "\"*.example.com\"", "wild", answer("[{uri: {prefix: /b}}]", "rest"))
        + virtualService("any", null, "\"*\"", "any", answer("[{uri: {prefix: /c}}]", "any"));
    List<GatewayServer> servers = List.of(server("exact", "shop.example.com"), server("wild", "*.example.com"),
        server("any", "*"));

    assertThat(decide(yaml, servers, "http://shop.example.com/a")).isEqualTo("shop");
    assertThat(decide(yaml, servers, "http://shop.example.com/b")).startsWith("404 no rule matched");
    assertThat(decide(yaml, servers, "http://cart.example.com/b")).isEqualTo("rest");
    assertThat(decide(yaml, servers, "http://cart.example.com/c")).startsWith("404");
    assertThat(decide(yaml, servers, "http://example.org/c")).isEqualTo("any");
  }

  @Test
  void aServerHostForAnotherNamespaceOrAGatewayNotAcceptingTheHostLendsNothing() {
    String yaml = virtualService("shop", null, "shop.example.com", "shop", answer("[{uri: {prefix: /a}}]", "shop"))
        + virtualService("sneaky", null, "shop.example.com", "admin", answer("[{uri: {prefix: /x}}]", "sneaky"))
        + virtualService("elsewhere", null, "shop.example.com", "other-ns", answer("[{uri: {prefix: /y}}]", "elsewhere"));
    List<GatewayServer> servers = List.of(server("shop", "shop.example.com"), server("admin", "admin.example.com"),
        server("other-ns", "payments/shop.example.com"));

    assertThat(decide(yaml, servers, "http://shop.example.com/a")).isEqualTo("shop");
    assertThat(decide(yaml, servers, "http://shop.example.com/x")).startsWith("404");
    assertThat(decide(yaml, servers, "http://shop.example.com/y")).startsWith("404");
    assertThat(decide(yaml, servers, "http://admin.example.com/x"))
        .isEqualTo("404 no VirtualService bound to a Gateway on this port serves host admin.example.com");
  }

  @Test
  void aMatchBlockNamingAGatewayIsOnlyInThatGatewaysRoutes() {
    String yaml = virtualService("both", null, "shop.example.com", "first, second",
        answer("[{uri: {prefix: /only-second}, gateways: [second]}]", "second-only"));

    assertThat(decide(yaml, List.of(server("first", "shop.example.com")), "http://shop.example.com/only-second"))
        .startsWith("404");
    assertThat(decide(yaml, List.of(server("first", "shop.example.com"), server("second", "shop.example.com")),
        "http://shop.example.com/only-second")).isEqualTo("second-only");
  }

  @Test
  void explainNamesTheVirtualHostAndTheGatewayOfEachRoute() {
    String yaml = virtualService("catch", null, "shop.example.com", "first", answer(null, "catch"))
        + virtualService("api", null, "shop.example.com", "second", answer("[{uri: {prefix: /api}}]", "api"));
    Snapshot snapshot = Fixtures.snapshotOf(yaml, List.of());
    GatewayPortRoutes port = GatewayPortRoutes.compile(snapshot.routeTable(),
        List.of(server("first", "shop.example.com"), server("second", "shop.example.com")));

    Decision d = new Router(snapshot).explain(port, DescribedRequest.of("GET", "http://shop.example.com/other"));

    assertThat(d.actions().directResponseBody()).isEqualTo("catch");
    assertThat(d.trace()).containsExactly(
        "virtual host shop.example.com serves host shop.example.com, with the routes of"
            + " [edge/catch via edge/first, edge/api via edge/second] in this order (catch-all routes last)",
        "VirtualService edge/api (via edge/second) rule 0: uri prefix \"/api\" did not match \"/other\"",
        "VirtualService edge/catch (via edge/first) rule 0: matched (no match conditions)");
    assertThat(port.gatewayOf("shop.example.com:80", d.matched())).isEqualTo("edge/first");
    assertThat(port.domainFor("SHOP.example.com.")).isEqualTo("shop.example.com");
  }
}
