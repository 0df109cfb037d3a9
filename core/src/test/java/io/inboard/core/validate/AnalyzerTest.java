package io.inboard.core.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.diag.Diagnostic;
import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ResourceParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalyzerTest {

  private static final String DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: shop}
      spec:
        host: user
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      ---
      """;

  private static final String GATEWAY = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: istio-system}
      spec:
        selector: {istio: ingressgateway}
        servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
      ---
      """;

  private static final Instance USER_V1 =
      new Instance("user-v1", "user", "shop", "127.0.0.1", 8081, Map.of("version", "v1"));

  private static String vs(String spec) {
    return "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
        + "metadata: {name: user, namespace: shop}\nspec:\n  "
        + spec.strip().replace("\n", "\n  ") + "\n";
  }

  private static List<String> analyze(String yaml, List<Instance> instances) {
    ParseResult parsed = ResourceParser.parse(yaml);
    assertThat(parsed.hasErrors()).as(parsed.diagnostics().toString()).isFalse();
    List<Diagnostic> found = Analyzer.analyze(parsed.resources(), instances);
    assertThat(found).allMatch(d -> !d.isError());
    return found.stream().map(Diagnostic::toString).toList();
  }

  @Test
  void consistentResourcesGiveNoWarnings() {
    assertThat(analyze(DR + GATEWAY + vs("""
        hosts: [user]
        gateways: [istio-system/edge, mesh]
        http:
        - route:
          - {destination: {host: user, subset: v1}, weight: 90}
          - {destination: {host: user.shop.svc.cluster.local, subset: v2}, weight: 10}
        """), null)).isEmpty();
  }

  @Test
  void subsetReferencedButNotDefined() {
    assertThat(analyze(DR + vs("""
        hosts: [user]
        http:
        - route: [{destination: {host: user, subset: v3}}]
          mirror: {host: orders, subset: canary}
        """), null)).containsExactly(
        "WARNING VirtualService shop/user spec.http[0].route[0].destination.subset: subset 'v3' is "
            + "not defined: DestinationRule shop/user has no subset of that name; define it "
            + "(requests to it would get 503)",
        "WARNING VirtualService shop/user spec.http[0].mirror.subset: subset 'canary' is not "
            + "defined: no DestinationRule has host orders.shop.svc.cluster.local; define it "
            + "(no copies would be sent to it)");
  }

  @Test
  void subsetOfAMirrorsEntryReferencedButNotDefined() {
    assertThat(analyze(DR + vs("""
        hosts: [user]
        http:
        - route: [{destination: {host: user, subset: v1}}]
          mirrors:
          - destination: {host: user, subset: v2}
          - destination: {host: user, subset: shadow}
        """), null)).containsExactly(
        "WARNING VirtualService shop/user spec.http[0].mirrors[1].destination.subset: subset 'shadow' "
            + "is not defined: DestinationRule shop/user has no subset of that name; define it "
            + "(no copies would be sent to it)");
  }

  @Test
  void shortHostsResolveAgainstTheirOwnNamespace() {
    String otherNamespaceRule = DR.replace("namespace: shop", "namespace: other");
    assertThat(analyze(otherNamespaceRule + vs("""
        hosts: [user]
        http: [{route: [{destination: {host: user, subset: v1}}]}]
        """), null)).singleElement().asString()
        .contains("no DestinationRule has host user.shop.svc.cluster.local");
  }

  @Test
  void delegationThatRoutesLessThanItSays() {
    String delegating = vs("""
        hosts: [user]
        http:
        - match: [{uri: {prefix: /api}}]
          delegate: {name: api-routes}
        - delegate: {name: missing}
        - route: [{destination: {host: user, subset: v1}}]
        """);
    String delegate = """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api-routes, namespace: shop}
        spec:
          http:
          - match: [{uri: {prefix: /admin}}]
            route: [{destination: {host: user, subset: v3}}]
          - route: [{destination: {host: user, subset: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: orphan, namespace: shop}
        spec:
          http: [{route: [{destination: {host: user}}]}]
        """;
    assertThat(analyze(DR + delegating + delegate, null)).containsExactly(
        "WARNING VirtualService shop/api-routes spec.http[0].route[0].destination.subset: subset 'v3' is not"
            + " defined: DestinationRule shop/user has no subset of that name; define it (requests to it would get"
            + " 503)",
        "WARNING VirtualService shop/user spec.http[0].delegate: rule 0 of delegate VirtualService"
            + " shop/api-routes is left out: its match[0] narrows none of the delegating rule's match blocks (uri"
            + " prefix \"/admin\" is not within the delegating rule's prefix \"/api\"), as Istio does",
        "WARNING VirtualService shop/user spec.http[1].delegate: delegate VirtualService shop/missing is not"
            + " defined; this rule is left out until it is, as Istio does",
        "WARNING VirtualService shop/orphan spec.hosts: is empty, so this VirtualService serves only as a"
            + " delegate, and no rule delegates to it: it routes nothing; give it hosts, or delegate to it from a"
            + " rule (delegate: {name: orphan, namespace: shop})");
  }

  @Test
  void aDelegatesShortHostsResolveInTheDelegatingNamespace() {
    // user-routes lives in "team" but serves shop/user's rule: "user" is user.shop, whose rule has v1.
    String delegating = vs("""
        hosts: [user]
        http: [{delegate: {name: user-routes, namespace: team}}]
        """);
    String delegate = """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user-routes, namespace: team}
        spec:
          http: [{route: [{destination: {host: user, subset: v1}}]}]
        """;
    assertThat(analyze(DR + delegating + delegate, null)).isEmpty();
  }

  @Test
  void aDelegateNotExportedToTheDelegatingNamespaceIsWarned() {
    String delegating = vs("""
        hosts: [user]
        http:
        - delegate: {name: user-routes, namespace: team}
        - route: [{destination: {host: user, subset: v1}}]
        """);
    String delegate = """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user-routes, namespace: team}
        spec:
          exportTo: ["."]
          http: [{route: [{destination: {host: user.shop.svc.cluster.local, subset: v2}}]}]
        """;
    assertThat(analyze(DR + delegating + delegate, null)).containsExactly(
        "WARNING VirtualService shop/user spec.http[0].delegate: delegate VirtualService team/user-routes is not"
            + " exported to namespace shop (its exportTo is [.]); this rule is left out until the delegate's exportTo"
            + " includes shop or '*', as Istio does");
    assertThat(analyze(DR + delegating + delegate.replace("[\".\"]", "[shop]"), null)).isEmpty();
  }

  @Test
  void ruleAfterACatchAllIsUnreachable() {
    assertThat(analyze(vs("""
        hosts: [user]
        http:
        - name: only-mobile
          match: [{headers: {x-mobile: {}}}]
          route: [{destination: {host: user}}]
        - name: everything
          match: [{uri: {prefix: /}}, {}]
          route: [{destination: {host: user}}]
        - name: too-late
          match: [{uri: {prefix: /admin}}]
          route: [{destination: {host: user}}]
        - name: also-too-late
          route: [{destination: {host: user}}]
        """), null)).containsExactly(
        "WARNING VirtualService shop/user spec.http[2]: can never match: rule 1 (everything) "
            + "matches every request first; move this rule above it, or remove it",
        "WARNING VirtualService shop/user spec.http[3]: can never match: rule 1 (everything) "
            + "matches every request first; move this rule above it, or remove it");
  }

  @Test
  void matchOnlyOnTheCallerIsNotACatchAll() {
    assertThat(analyze(vs("""
        hosts: [user]
        http:
        - match: [{sourceLabels: {app: frontend}}]
          route: [{destination: {host: user}}]
        - route: [{destination: {host: user}}]
        """), null)).isEmpty();
  }

  @Test
  void instancesAreOnlyJudgedWhenGiven() {
    String yaml = DR + vs("""
        hosts: [user]
        http:
        - route:
          - {destination: {host: user, subset: v1}, weight: 50}
          - {destination: {host: user, subset: v2}, weight: 50}
        - match: [{uri: {prefix: /orders}}]
          route: [{destination: {host: orders}}]
        - match: [{uri: {prefix: /partner}}]
          route: [{destination: {host: api.partner.example.com}}]
        """);
    assertThat(analyze(yaml, null)).filteredOn(w -> w.contains("instance")).isEmpty();
    assertThat(analyze(yaml, List.of(USER_V1))).filteredOn(w -> w.contains("instance"))
        .containsExactlyInAnyOrder(
            "WARNING VirtualService shop/user spec.http[1].route[0].destination.host: no known "
                + "instance of orders.shop.svc.cluster.local; requests to it would get 503 until "
                + "one registers",
            "WARNING DestinationRule shop/user spec.subsets[1].labels: subset 'v2' selects no "
                + "known instance of user.shop.svc.cluster.local (none has version=v2); requests "
                + "to it would get 503");
  }

  @Test
  void destinationRuleForAHostWithoutInstances() {
    assertThat(analyze(DR, List.of())).containsExactly("WARNING DestinationRule shop/user "
        + "spec.host: no known instance of user.shop.svc.cluster.local; its subsets select "
        + "nothing yet");
  }

  @Test
  void gatewayNamesMustResolveToAGateway() {
    assertThat(analyze(GATEWAY + vs("""
        hosts: [user.example.com]
        gateways: [istio-system/edge, edge, mesh]
        http:
        - match: [{gateways: [shop/ingress]}]
          route: [{destination: {host: user}}]
        """), null)).containsExactly(
        "WARNING VirtualService shop/user spec.gateways[1]: no Gateway shop/edge is defined here; "
            + "this VirtualService is not served there until it is (check the name and namespace)",
        "WARNING VirtualService shop/user spec.http[0].match[0].gateways[0]: no Gateway "
            + "shop/ingress is defined here; this VirtualService is not served there until it is "
            + "(check the name and namespace)");
  }

  @Test
  void gatewayMustServeOneOfTheHosts() {
    String gateway = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: ["*.example.com", "other/api.example.org"]
        ---
        """;
    assertThat(analyze(gateway + vs("""
        hosts: [user, user.example.com]
        gateways: [edge]
        http: [{route: [{destination: {host: user}}]}]
        """), null)).isEmpty();
    assertThat(analyze(gateway + vs("""
        hosts: [user, api.example.org]
        gateways: [edge]
        http: [{route: [{destination: {host: user}}]}]
        """), null)).containsExactly("WARNING VirtualService shop/user spec.gateways[0]: Gateway "
            + "shop/edge serves none of this VirtualService's hosts (it serves *.example.com, "
            + "other/api.example.org); add a host it serves, or a host to its servers");
  }

  @Test
  void fqdnOfAShortName() {
    assertThat(Analyzer.fqdn("user", "shop")).isEqualTo("user.shop.svc.cluster.local");
    assertThat(Analyzer.fqdn("user.other", "shop")).isEqualTo("user.other");
    assertThat(Analyzer.fqdn("*.example.com", "shop")).isEqualTo("*.example.com");
  }
}
