package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.HTTPMatchRequest;
import io.inboard.core.model.HTTPRoute;
import io.inboard.core.model.StringMatch;
import io.inboard.core.model.VirtualService;
import io.inboard.core.parse.ParsedResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Istio's merge of a delegating rule with its delegate's rules, condition by condition. */
class DelegationTest {
  private static HTTPMatchRequest block(StringMatch uri, Map<String, StringMatch> headers) {
    return new HTTPMatchRequest(null, uri, null, null, null, headers, null, null, false, null, null, null, 0);
  }

  @Test
  void aUriNarrowsOnlyWithinTheRootsPrefixOrExactValue() {
    StringMatch api = StringMatch.prefix("/api");
    assertThat(Delegation.stringConflict("uri", api, StringMatch.prefix("/api/users"))).isNull();
    assertThat(Delegation.stringConflict("uri", api, StringMatch.exact("/api/x"))).isNull();
    assertThat(Delegation.stringConflict("uri", api, StringMatch.prefix("/ap")))
        .isEqualTo("uri prefix \"/ap\" is not within the delegating rule's prefix \"/api\"");
    assertThat(Delegation.stringConflict("uri", api, StringMatch.regex("/api/.*")))
        .as("a regex never narrows, as in Istio").isNotNull();
    assertThat(Delegation.stringConflict("uri", StringMatch.exact("/a"), StringMatch.exact("/a"))).isNull();
    assertThat(Delegation.stringConflict("uri", StringMatch.exact("/a"), StringMatch.prefix("/a"))).isNotNull();
    assertThat(Delegation.stringConflict("uri", StringMatch.regex(".*"), StringMatch.exact("/a"))).isNotNull();
    assertThat(Delegation.stringConflict("uri", null, StringMatch.regex(".*"))).isNull();
    assertThat(Delegation.stringConflict("uri", api, null)).isNull();
  }

  @Test
  void blocksJoinTheirConditionsTheDelegatesWinning() {
    HTTPMatchRequest root = block(StringMatch.prefix("/api"), Map.of("x-team", StringMatch.exact("a")));
    HTTPMatchRequest leaf = block(null, Map.of("x-beta", StringMatch.exact("yes")));
    HTTPMatchRequest merged = Delegation.merge(root, leaf);
    assertThat(merged.uri()).isEqualTo(StringMatch.prefix("/api"));
    assertThat(merged.headers()).containsOnlyKeys("x-team", "x-beta");

    HTTPMatchRequest otherTeam = block(null, Map.of("x-team", StringMatch.exact("b")));
    assertThat(Delegation.conflict(root, otherTeam))
        .isEqualTo("headers.x-team exact \"b\" is not within the delegating rule's exact \"a\"");
  }

  @Test
  void eachDelegateBlockMustNarrowOneOfTheRootsBlocks() {
    List<HTTPMatchRequest> root = List.of(block(StringMatch.prefix("/a"), null), block(StringMatch.prefix("/b"), null));
    Delegation.MergedMatch both = Delegation.mergeMatches(root, List.of(block(null, Map.of("x", StringMatch.present()))));
    assertThat(both.conflict()).isNull();
    assertThat(both.blocks()).extracting(HTTPMatchRequest::uri)
        .containsExactly(StringMatch.prefix("/a"), StringMatch.prefix("/b"));

    Delegation.MergedMatch underB = Delegation.mergeMatches(root, List.of(block(StringMatch.prefix("/b/c"), null)));
    assertThat(underB.blocks()).extracting(HTTPMatchRequest::uri).containsExactly(StringMatch.prefix("/b/c"));

    Delegation.MergedMatch outside = Delegation.mergeMatches(root,
        List.of(block(StringMatch.prefix("/b/c"), null), block(StringMatch.prefix("/c"), null)));
    assertThat(outside.conflict()).startsWith("its match[1] narrows none of the delegating rule's match blocks");

    assertThat(Delegation.mergeMatches(List.of(), root).blocks()).isEqualTo(root);
    assertThat(Delegation.mergeMatches(root, List.of()).blocks()).isEqualTo(root);
  }

  private static final String ROOT = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: root, namespace: shop}
      spec:
        hosts: [shop.example.com]
        gateways: [edge]
        http:
        - name: api
          match: [{uri: {prefix: /api}}]
          timeout: 5s
          retries: {attempts: 4}
          delegate: {name: api-routes, namespace: team}
        - name: gone
          delegate: {name: not-there}
        - name: has-hosts
          delegate: {name: other, namespace: team}
        - route: [{destination: {host: web}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: api-routes, namespace: team}
      spec:
        http:
        - name: fast
          match: [{uri: {prefix: /api/fast}}]
          timeout: 1s
          route: [{destination: {host: api}}]
        - name: elsewhere
          match: [{uri: {prefix: /admin}}]
          route: [{destination: {host: admin}}]
        - route: [{destination: {host: api}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: other, namespace: team}
      spec:
        hosts: [other]
        http: [{route: [{destination: {host: other}}]}]
      """;

  @Test
  void theRootsRulesTakeTheDelegatesRulesInPlaceAndTheFindingsSayWhatWasLeftOut() {
    Delegation.Result result = Delegation.expand(Fixtures.parse(ROOT).resources());
    List<VirtualService> routed = result.routed().stream().map(ParsedResource::resource)
        .filter(VirtualService.class::isInstance).map(VirtualService.class::cast).toList();
    assertThat(routed).extracting(VirtualService::key).containsExactly("shop/root", "team/other");
    List<HTTPRoute> rules = routed.get(0).spec().http();
    assertThat(rules).extracting(HTTPRoute::name).containsExactly("api-fast", "api", null);
    assertThat(rules.get(0).timeout()).as("its own").isEqualTo(Duration.ofSeconds(1));
    assertThat(rules.get(1).timeout()).as("the root's").isEqualTo(Duration.ofSeconds(5));
    assertThat(rules.get(0).retries().attempts()).isEqualTo(4);
    assertThat(rules.get(1).match()).extracting(HTTPMatchRequest::uri).containsExactly(StringMatch.prefix("/api"));
    assertThat(rules).allMatch(r -> r.delegate() == null);
    assertThat(result.origin(rules.get(0)))
        .isEqualTo("from rule 0 of delegate team/api-routes, in place of rule 0 \"api\"");
    assertThat(result.origin(rules.get(2))).as("the root's own rule").isNull();
    assertThat(result.findings()).extracting(Delegation.Finding::rule, Delegation.Finding::message).containsExactly(
        org.assertj.core.groups.Tuple.tuple(0, "rule 1 (elsewhere) of delegate VirtualService team/api-routes is left"
            + " out: its match[0] narrows none of the delegating rule's match blocks (uri prefix \"/admin\" is not"
            + " within the delegating rule's prefix \"/api\")"),
        org.assertj.core.groups.Tuple.tuple(1, "delegate VirtualService shop/not-there is not defined; this rule is"
            + " left out until it is"),
        org.assertj.core.groups.Tuple.tuple(2, "delegate VirtualService team/other has hosts, so it is not a"
            + " delegate; this rule is left out (remove its hosts and gateways to make it one)"));
  }

  @Test
  void withoutDelegationTheResourcesAreRoutedAsGiven() {
    List<ParsedResource> plain = Fixtures.parse("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: shop}
        spec:
          hosts: [user]
          http: [{route: [{destination: {host: user}}]}]
        """).resources();
    assertThat(Delegation.expand(plain).routed()).isSameAs(plain);
  }
}
