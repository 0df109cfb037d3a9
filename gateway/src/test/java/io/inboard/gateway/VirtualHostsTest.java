package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.Gateway;
import io.inboard.core.model.GatewayPort;
import io.inboard.core.model.GatewaySpec;
import io.inboard.core.model.ObjectMeta;
import io.inboard.core.model.Server;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.route.GatewayPortRoutes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VirtualHostsTest {
  private static final Map<String, String> INGRESS = Map.of("istio", "ingressgateway");

  static ParsedResource gateway(String namespace, String name, Map<String, String> selector, String... hosts) {
    Gateway gateway = new Gateway("networking.istio.io/v1", new ObjectMeta(name, namespace, null, null, null),
        new GatewaySpec(selector, List.of(new Server(new GatewayPort(80, "http", "HTTP"), List.of(hosts), null))));
    return new ParsedResource(gateway, null, 0);
  }

  /** The hosts of one Gateway ({@code ns/gw}, empty selector) accepting {@code host}. */
  static VirtualHosts compileFor(String host) {
    return VirtualHosts.compile(List.of(gateway("ns", "gw", Map.of(), host)), Map.of());
  }

  /** Every Gateway accepting the host is a candidate, the exact name first, then wildcards, then {@code *}. */
  @Test
  void exactHostComesBeforeWildcardsAndEveryAcceptingGatewayIsACandidate() {
    VirtualHosts hosts = VirtualHosts.compile(List.of(
        gateway("a", "exact", INGRESS, "user.example.com"),
        gateway("b", "wild", INGRESS, "*.example.com"),
        gateway("c", "any", INGRESS, "*")), INGRESS);

    assertThat(hosts.gatewaysFor("user.example.com")).containsExactly("a/exact", "b/wild", "c/any");
    assertThat(hosts.gatewaysFor("other.example.com")).containsExactly("b/wild", "c/any");
    assertThat(hosts.gatewaysFor("example.org")).containsExactly("c/any");
  }

  @Test
  void longerWildcardSuffixesComeFirst() {
    VirtualHosts hosts = VirtualHosts.compile(List.of(
        gateway("ns", "short", INGRESS, "*.com"),
        gateway("ns", "long", INGRESS, "*.traffic-management.example.com"),
        gateway("ns", "middle", INGRESS, "*.example.com")), INGRESS);

    assertThat(hosts.gatewaysFor("user.traffic-management.example.com"))
        .containsExactly("ns/long", "ns/middle", "ns/short");
    assertThat(hosts.gatewaysFor("a.b.example.com")).containsExactly("ns/middle", "ns/short");
    assertThat(hosts.gatewaysFor("example.com")).containsExactly("ns/short");
    // "*.example.com" needs a label in front of the suffix.
    assertThat(hosts.gatewaysFor("x.com")).containsExactly("ns/short");
  }

  @Test
  void suffixesNotAtADotTakeTheirPlaceByLengthAndAGatewayComesOnceAtItsBestPlace() {
    VirtualHosts hosts = VirtualHosts.compile(List.of(
        gateway("ns", "glued", INGRESS, "*shop.example.com"),
        gateway("ns", "wide", INGRESS, "*.example.com"),
        gateway("ns", "both", INGRESS, "*", "eu.shop.example.com")), INGRESS);

    assertThat(hosts.gatewaysFor("eu.shop.example.com")).containsExactly("ns/both", "ns/glued", "ns/wide");
    assertThat(hosts.gatewaysFor("myshop.example.com")).containsExactly("ns/glued", "ns/wide", "ns/both");
    assertThat(hosts.gatewaysFor("example.org")).containsExactly("ns/both");
  }

  @Test
  void portCaseAndTrailingDotAreIgnored() {
    VirtualHosts hosts = VirtualHosts.compile(List.of(gateway("ns", "gw", INGRESS, "User.Example.com")), INGRESS);

    assertThat(hosts.gatewaysFor("user.example.com:8080")).containsExactly("ns/gw");
    assertThat(hosts.gatewaysFor("USER.EXAMPLE.COM")).containsExactly("ns/gw");
    assertThat(hosts.gatewaysFor("user.example.com.")).containsExactly("ns/gw");
    assertThat(hosts.gatewaysFor("admin.example.com")).isEmpty();
  }

  @Test
  void namespacedServerHostsMatchOnTheirDnsName() {
    VirtualHosts hosts = VirtualHosts.compile(List.of(
        gateway("ns", "gw", INGRESS, "traffic-management/user.example.com", "*/shop.example.com", "./*.internal.example.com")),
        INGRESS);

    assertThat(hosts.gatewaysFor("user.example.com")).containsExactly("ns/gw");
    assertThat(hosts.gatewaysFor("shop.example.com")).containsExactly("ns/gw");
    assertThat(hosts.gatewaysFor("db.internal.example.com")).containsExactly("ns/gw");
  }

  @Test
  void onlyGatewaysWhoseSelectorMatchesTheLabelsAreServed() {
    VirtualHosts hosts = VirtualHosts.compile(List.of(
        gateway("ns", "ingress", INGRESS, "a.example.com"),
        gateway("ns", "egress", Map.of("istio", "egressgateway"), "b.example.com"),
        gateway("ns", "picky", Map.of("istio", "ingressgateway", "zone", "eu"), "c.example.com"),
        gateway("ns", "everyone", Map.of(), "d.example.com")), INGRESS);

    assertThat(hosts.gateways()).containsExactly("ns/everyone", "ns/ingress");
    assertThat(hosts.gatewaysFor("a.example.com")).containsExactly("ns/ingress");
    assertThat(hosts.gatewaysFor("b.example.com")).isEmpty();
    assertThat(hosts.gatewaysFor("c.example.com")).isEmpty();
    assertThat(hosts.gatewaysFor("d.example.com")).containsExactly("ns/everyone");
  }

  /** Istio's order of Gateways (oldest, then name, then namespace) is the order of their servers. */
  @Test
  void severalGatewaysOnOneHostAreAllCandidatesInIstiosOrder() {
    VirtualHosts hosts = VirtualHosts.compile(List.of(
        gateway("a", "second", INGRESS, "user.example.com"),
        gateway("z", "first", INGRESS, "user.example.com")), INGRESS);

    assertThat(hosts.gatewaysFor("user.example.com")).containsExactly("z/first", "a/second");
    assertThat(hosts.servers()).extracting(GatewayPortRoutes.GatewayServer::gateway)
        .containsExactly("z/first", "a/second");
  }

  @Test
  void onlyHttpServersOnTheServicePortOrTheListeningPortAreServedAndTheOthersAreNamed() {
    Gateway gateway = new Gateway("networking.istio.io/v1", new ObjectMeta("gw", "ns", null, null, null),
        new GatewaySpec(INGRESS, List.of(
            new Server(new GatewayPort(80, "http", "HTTP"), List.of("a.example.com"), null),
            new Server(new GatewayPort(8080, "alt", "HTTP"), List.of("b.example.com"), null),
            new Server(new GatewayPort(443, "https", "HTTPS"), List.of("c.example.com"), null),
            new Server(new GatewayPort(80, "grpc", "GRPC"), List.of("d.example.com"), null),
            new Server(new GatewayPort(80, "h2", "HTTP2"), List.of("*.h2.example.com"), null),
            new Server(new GatewayPort(80, "web", "GRPC-WEB"), List.of("e.example.com"), null))));

    VirtualHosts hosts = VirtualHosts.compile(List.of(new ParsedResource(gateway, null, 0)), INGRESS,
        new VirtualHosts.ServedPorts(80, 8080));

    assertThat(hosts.gatewaysFor("a.example.com")).containsExactly("ns/gw");
    assertThat(hosts.gatewaysFor("b.example.com")).containsExactly("ns/gw");
    assertThat(hosts.gatewaysFor("c.example.com")).isEmpty();
    assertThat(hosts.gatewaysFor("d.example.com")).as("GRPC joins the port's HTTP servers").containsExactly("ns/gw");
    assertThat(hosts.gatewaysFor("x.h2.example.com")).containsExactly("ns/gw");
    assertThat(hosts.gatewaysFor("e.example.com")).isEmpty();
    assertThat(hosts.servers()).extracting(GatewayPortRoutes.GatewayServer::hosts).containsExactly(
        List.of("a.example.com"), List.of("b.example.com"), List.of("d.example.com"), List.of("*.h2.example.com"));
    assertThat(hosts.http2Server("d.example.com:80")).isTrue();
    assertThat(hosts.http2Server("x.h2.example.com")).isTrue();
    assertThat(hosts.http2Server("a.example.com")).isFalse();
    assertThat(hosts.ignored()).containsExactly(
        "Gateway ns/gw spec.servers[2] has protocol HTTPS and the gateway has no HTTPS port; it is left out"
            + " (start it with --https-port)",
        "Gateway ns/gw spec.servers[5] has protocol GRPC-WEB; it is left out (the gateway serves HTTP, HTTP2, GRPC "
            + "and HTTPS only)");
  }

  @Test
  void noHttp2ServerMeansNoHostIsSentOverHttp2ByItsServer() {
    VirtualHosts hosts = VirtualHosts.compile(List.of(gateway("shop", "gw", INGRESS, "a.example.com", "*")), INGRESS);
    assertThat(hosts.http2Server("a.example.com")).isFalse();
    assertThat(hosts.http2Server("other.example.com")).isFalse();
  }

  @Test
  void walkThroughGatewayAcceptsBothDomainsAndNothingElse() {
    VirtualHosts hosts = VirtualHosts.compile(List.of(gateway("traffic-management", "microservice-gateway", INGRESS,
        "user.traffic-management.example.com", "microservice.traffic-management.example.com")), INGRESS);

    assertThat(hosts.gatewaysFor("user.traffic-management.example.com:80"))
        .containsExactly("traffic-management/microservice-gateway");
    assertThat(hosts.gatewaysFor("microservice.traffic-management.example.com"))
        .containsExactly("traffic-management/microservice-gateway");
    assertThat(hosts.gatewaysFor("unknown.traffic-management.example.com")).isEmpty();
    assertThat(hosts.gatewaysFor(null)).isEmpty();
  }

  @Test
  void hostOfStripsPortsAndKeepsIpv6Brackets() {
    assertThat(VirtualHosts.hostOf("Example.COM:443")).isEqualTo("example.com");
    assertThat(VirtualHosts.hostOf("[::1]:8080")).isEqualTo("[::1]");
    assertThat(VirtualHosts.hostOf("10.0.0.1")).isEqualTo("10.0.0.1");
  }

  /** As the router reads a request's host (a single label keeps its dot, as in the rules). */
  @Test
  void hostOfDropsTheFinalDotOfADottedName() {
    assertThat(VirtualHosts.hostOf("User.Example.com.:8080")).isEqualTo("user.example.com");
    assertThat(VirtualHosts.hostOf("reviews.")).isEqualTo("reviews.");
  }
}
