package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inboard.core.explain.DecisionJson;
import io.inboard.core.mesh.Instance;
import io.inboard.core.model.CorsPolicy;
import io.inboard.core.model.StringMatch;
import io.inboard.core.snapshot.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorsTest {
  private static final Instance SHOP = new Instance("shop-1", "shop", "web", "127.0.0.1", 9, Map.of());

  private static Cors cors(List<StringMatch> origins) {
    return Cors.of(new CorsPolicy(origins, null, null, null, null, null, null));
  }

  private static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: shop, namespace: web}
      spec:
        hosts: [shop]
        http:
        - name: old
          match: [{uri: {prefix: /old}}]
          redirect: {uri: /new}
          corsPolicy: {allowOrigins: [{exact: https://app.example.com}]}
        - name: api
          route: [{destination: {host: shop}}]
          corsPolicy:
            allowOrigins: [{exact: https://app.example.com}]
            allowMethods: [GET, POST]
            allowHeaders: [content-type, x-token]
            exposeHeaders: [x-request-id]
            maxAge: 1h
            allowCredentials: true
            unmatchedPreflights: IGNORE
      """;

  private static Decision explain(DescribedRequest request) {
    Snapshot snapshot = Fixtures.snapshotOf(RULES, List.of(SHOP));
    return new Router(snapshot).explain(request.from(new io.inboard.core.mesh.Workload("web", "ui", Map.of())));
  }

  @Test
  void originsMatchExactPrefixAndWholeValueRegexCaseSensitively() {
    Cors c = cors(List.of(StringMatch.exact("https://app.example.com"), StringMatch.prefix("http://localhost:"),
        StringMatch.regex("https://[a-z]+\\.example\\.org")));
    assertThat(c.allowsOrigin("https://app.example.com")).isTrue();
    assertThat(c.allowsOrigin("https://APP.example.com")).isFalse();
    assertThat(c.allowsOrigin("http://localhost:3000")).isTrue();
    assertThat(c.allowsOrigin("https://shop.example.org")).isTrue();
    assertThat(c.allowsOrigin("https://shop.example.org.evil.com")).isFalse();
    assertThat(c.allowsOrigin("https://evil.com")).isFalse();
    assertThat(c.allowsOrigin(null)).isFalse();
    assertThat(c.allowsOrigin("")).isFalse();
  }

  @Test
  void aMatcherAcceptingStarAllowsEveryOriginAsInEnvoy() {
    assertThat(cors(List.of(StringMatch.exact("*"))).allowsOrigin("https://anything.example")).isTrue();
    assertThat(cors(List.of(StringMatch.regex(".*"))).allowsOrigin("https://anything.example")).isTrue();
    assertThat(cors(List.of()).allowsOrigin("https://anything.example")).isFalse();
  }

  @Test
  void aPreflightIsOptionsWithOriginAndRequestMethod() {
    assertThat(Cors.isPreflight("OPTIONS", "https://a", "PUT")).isTrue();
    assertThat(Cors.isPreflight("OPTIONS", "https://a", null)).isFalse();
    assertThat(Cors.isPreflight("OPTIONS", "https://a", "")).isFalse();
    assertThat(Cors.isPreflight("OPTIONS", null, "PUT")).isFalse();
    assertThat(Cors.isPreflight("GET", "https://a", "PUT")).isFalse();
  }

  @Test
  void headerValuesAreJoinedOnceAndMaxAgeIsInSeconds() {
    Cors c = Cors.of(new CorsPolicy(List.of(StringMatch.exact("a")), List.of("GET", "POST"),
        List.of("content-type", "x-token"), List.of("x-request-id"), Duration.ofMinutes(10), true,
        CorsPolicy.UnmatchedPreflights.IGNORE));
    assertThat(c.allowMethods()).isEqualTo("GET,POST");
    assertThat(c.allowHeaders()).isEqualTo("content-type,x-token");
    assertThat(c.exposeHeaders()).isEqualTo("x-request-id");
    assertThat(c.maxAge()).isEqualTo("600");
    assertThat(c.allowCredentials()).isTrue();
    assertThat(c.forwardsUnmatchedPreflights()).isFalse();
    Cors defaults = cors(List.of());
    assertThat(defaults.allowMethods()).isNull();
    assertThat(defaults.maxAge()).isNull();
    assertThat(defaults.allowCredentials()).isFalse();
    assertThat(defaults.forwardsUnmatchedPreflights()).isTrue();
    assertThat(Cors.of(null)).isNull();
  }

  @Test
  void aRoutedDecisionCarriesThePolicyAndARedirectDoesNot() {
    Decision routed = explain(DescribedRequest.of("GET", "http://shop/api").withHeader("Origin", "https://app.example.com"));
    assertThat(routed.outcome()).isEqualTo(Decision.Outcome.ROUTE);
    assertThat(routed.actions().cors()).isNotNull();
    assertThat(routed.actions().cors().allowMethods()).isEqualTo("GET,POST");
    Decision redirect = explain(DescribedRequest.of("GET", "http://shop/old"));
    assertThat(redirect.outcome()).isEqualTo(Decision.Outcome.REDIRECT);
    assertThat(redirect.actions().cors()).isNull();
    Snapshot noCors = Fixtures.snapshotOf(RULES.replaceAll("(?s)  corsPolicy:\n.*", ""), List.of(SHOP));
    Decision plain = new Router(noCors).route(DescribedRequest.of("GET", "http://shop.web/api"));
    assertThat(plain.outcome()).isEqualTo(Decision.Outcome.ROUTE);
    assertThat(plain.actions().cors()).isNull();
  }

  @Test
  void explainSaysWhatTheGatewayDoesWithTheRequest() {
    assertThat(explain(DescribedRequest.of("GET", "http://shop/api").withHeader("Origin", "https://app.example.com"))
        .trace()).contains("corsPolicy: origin https://app.example.com allowed: the answer gets "
            + "Access-Control-Allow-Origin");
    assertThat(explain(DescribedRequest.of("GET", "http://shop/api").withHeader("Origin", "https://evil.com"))
        .trace()).contains("corsPolicy: origin https://evil.com not allowed: the answer gets no CORS headers");
    assertThat(explain(DescribedRequest.of("OPTIONS", "http://shop/api").withHeader("Origin", "https://evil.com")
        .withHeader("Access-Control-Request-Method", "POST")).trace())
        .contains("corsPolicy: preflight from not allowed origin https://evil.com answered by the gateway "
            + "without Access-Control-Allow-Origin (unmatchedPreflights IGNORE)");
    assertThat(explain(DescribedRequest.of("GET", "http://shop/api")).trace())
        .contains("corsPolicy: no Origin header, no CORS headers");
  }

  @Test
  void theDecisionJsonShowsThePolicyInIstiosNames() throws Exception {
    Decision d = explain(DescribedRequest.of("GET", "http://shop/api"));
    JsonNode cors = DecisionJson.toJson(d, new ObjectMapper()).get("actions").get("cors");
    assertThat(cors.toString()).isEqualTo(new ObjectMapper().readTree("""
        {"allowOrigins":[{"exact":"https://app.example.com"}],"allowMethods":"GET,POST",
         "allowHeaders":"content-type,x-token","exposeHeaders":"x-request-id","maxAge":"3600",
         "allowCredentials":true,"unmatchedPreflights":"IGNORE"}""").toString());
    Decision redirect = explain(DescribedRequest.of("GET", "http://shop/old"));
    assertThat(DecisionJson.toJson(redirect, new ObjectMapper()).get("actions").has("cors")).isFalse();
  }
}
