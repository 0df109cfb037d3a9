package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.route.GatewayPortRoutes.GatewayServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server a TLS client's SNI reaches, as Envoy matches {@code server_names}. */
class ServerNamesTest {
  private static final GatewayServer ANY = server("any", "*");
  private static final GatewayServer WIDE = server("wide", "*.example.com");
  private static final GatewayServer NARROW = server("narrow", "*.eu.example.com");
  private static final GatewayServer EXACT = server("exact", "edge/shop.eu.example.com");
  private static final List<GatewayServer> ALL = List.of(ANY, WIDE, NARROW, EXACT);

  private static GatewayServer server(String name, String host) {
    return new GatewayServer("edge/" + name, "edge", List.of(host));
  }

  @Test
  void theExactNameBeatsTheLongestWildcardWhichBeatsTheShorterAndTheAnyHost() {
    assertThat(ServerNames.best(ALL, "shop.eu.example.com")).isSameAs(EXACT);
    assertThat(ServerNames.best(ALL, "Cart.EU.example.com.")).isSameAs(NARROW);
    assertThat(ServerNames.best(ALL, "cart.example.com")).isSameAs(WIDE);
    assertThat(ServerNames.best(ALL, "example.com")).as("a wildcard needs a label in front").isSameAs(ANY);
    assertThat(ServerNames.best(List.of(WIDE, NARROW), "example.org")).isNull();
  }

  @Test
  void noSniReachesOnlyAServerForEveryHost() {
    assertThat(ServerNames.best(ALL, null)).isSameAs(ANY);
    assertThat(ServerNames.best(List.of(WIDE, EXACT), "")).isNull();
  }

  @Test
  void amongServersListingTheSameNameTheFirstWins() {
    GatewayServer again = server("again", "*.example.com");
    assertThat(ServerNames.best(List.of(WIDE, again), "shop.example.com")).isSameAs(WIDE);
    assertThat(ServerNames.best(List.of(again, WIDE), "shop.example.com")).isSameAs(again);
  }
}
