package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.vs;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.CorsPolicy;
import io.inboard.core.model.StringMatch;
import io.inboard.core.model.VirtualService;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CorsPolicyValidationTest {

  /** A VirtualService whose one routed rule has {@code corsPolicy: <cors>}. */
  private static String withCors(String cors) {
    return vs("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
          corsPolicy:
        """ + cors.strip().indent(4));
  }

  private static CorsPolicy read(String cors) {
    return policyOf(withCors(cors));
  }

  private static CorsPolicy policyOf(String yaml) {
    VirtualService vs = valid(yaml);
    return vs.spec().http().get(0).corsPolicy();
  }

  @Test
  void readsEveryFieldIntoTheModel() {
    CorsPolicy p = read("""
        allowOrigins:
        - exact: https://app.example.com
        - prefix: https://dev-
        - regex: "https://[a-z]+\\\\.example\\\\.org"
        allowMethods: [GET, POST]
        allowHeaders: [content-type, "x-a, x-b"]
        exposeHeaders: [x-request-id]
        maxAge: 24h
        allowCredentials: true
        unmatchedPreflights: IGNORE
        """);
    assertThat(p.allowOrigins()).containsExactly(StringMatch.exact("https://app.example.com"),
        StringMatch.prefix("https://dev-"), StringMatch.regex("https://[a-z]+\\.example\\.org"));
    assertThat(p.allowMethods()).containsExactly("GET", "POST");
    assertThat(p.allowHeaders()).containsExactly("content-type", "x-a", "x-b");
    assertThat(p.exposeHeaders()).containsExactly("x-request-id");
    assertThat(p.maxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(p.allowCredentials()).isTrue();
    assertThat(p.unmatchedPreflights()).isEqualTo(CorsPolicy.UnmatchedPreflights.IGNORE);
  }

  @Test
  void absentFieldsTakeIstiosDefaults() {
    CorsPolicy p = read("allowOrigins: [{exact: https://app.example.com}]");
    assertThat(p.allowMethods()).isEmpty();
    assertThat(p.maxAge()).isNull();
    assertThat(p.allowCredentials()).isNull();
    assertThat(p.unmatchedPreflights()).isEqualTo(CorsPolicy.UnmatchedPreflights.UNSPECIFIED);
    assertThat(read("allowOrigins: [{exact: a}]\nunmatchedPreflights: FORWARD").unmatchedPreflights())
        .isEqualTo(CorsPolicy.UnmatchedPreflights.FORWARD);
    assertThat(warnings(withCors("allowOrigins: [{exact: a}]"))).isEmpty();
  }

  @Test
  void deprecatedAllowOriginIsReadAsExactMatchesWithAWarning() {
    String yaml = withCors("allowOrigin: [\"*\", https://app.example.com]");
    assertThat(policyOf(yaml).allowOrigins())
        .containsExactly(StringMatch.exact("*"), StringMatch.exact("https://app.example.com"));
    assertThat(warnings(yaml)).containsExactly("spec.http[0].corsPolicy.allowOrigin: allowOrigin is "
        + "deprecated; write allowOrigins: [{exact: \"*\"}, {exact: https://app.example.com}]");
  }

  @Test
  void deprecatedAllowOriginIsIgnoredBesideAllowOrigins() {
    String yaml = withCors("allowOrigin: [https://old.example.com]\nallowOrigins: [{exact: https://new.example.com}]");
    assertThat(policyOf(yaml).allowOrigins())
        .containsExactly(StringMatch.exact("https://new.example.com"));
    assertThat(warnings(yaml)).singleElement().asString()
        .startsWith("spec.http[0].corsPolicy.allowOrigin: allowOrigin is deprecated and ignored when "
            + "allowOrigins is given");
  }

  @Test
  void badOriginsAreErrorsWithTheirPath() {
    assertThat(errors(withCors("allowOrigins: [{regex: \"https://(a|b\"}]"))).singleElement().asString()
        .startsWith("spec.http[0].corsPolicy.allowOrigins[0].regex: invalid RE2 regex 'https://(a|b' at "
            + "position 8: missing closing )");
    assertThat(errors(withCors("allowOrigins: [{regex: \"(a{100}){20}\"}]"))).singleElement().asString()
        .contains("allowOrigins[0].regex").contains("more than 1000 copies");
    assertThat(errors(withCors("allowOrigins: [{regex: \"(?=x)y\"}]"))).singleElement().asString()
        .contains("no look-ahead");
    assertThat(errors(withCors("allowOrigins: [{exact: \"\"}]"))).containsExactly(
        "spec.http[0].corsPolicy.allowOrigins[0]: an empty origin is not a valid match (as in Istio);"
            + " give an origin such as {exact: https://app.example.com}, or {exact: \"*\"} for any");
    assertThat(errors(withCors("allowOrigins: [https://app.example.com]"))).containsExactly(
        "spec.http[0].corsPolicy.allowOrigins[0]: must be a mapping; write the match as "
            + "{exact: https://app.example.com} (or prefix, regex)");
    assertThat(errors(withCors("allowOrigins: [{exact: a, prefix: b}]"))).singleElement().asString()
        .endsWith("has exact and prefix; give only one of exact, prefix or regex");
  }

  @Test
  void badMaxAgesAreErrors() {
    assertThat(errors(withCors("allowOrigins: [{exact: a}]\nmaxAge: -1s"))).containsExactly(
        "spec.http[0].corsPolicy.maxAge: '-1s' is not a duration (it is negative); write e.g. 1.5s, "
            + "250ms, 1m or 1h");
    assertThat(errors(withCors("allowOrigins: [{exact: a}]\nmaxAge: 1.5s"))).containsExactly(
        "spec.http[0].corsPolicy.maxAge: '1.5s' is finer than a second; maxAge is sent in whole "
            + "seconds (as Istio requires), e.g. 1s");
    assertThat(errors(withCors("allowOrigins: [{exact: a}]\nmaxAge: 0s"))).containsExactly(
        "spec.http[0].corsPolicy.maxAge: '0s' is too short; use at least 1s");
    assertThat(errors(withCors("allowOrigins: [{exact: a}]\nmaxAge: 600"))).singleElement().asString()
        .endsWith("add a unit, e.g. 600s");
  }

  @Test
  void unknownUnmatchedPreflightsValueIsAnErrorNamingTheTwoValues() {
    assertThat(errors(withCors("allowOrigins: [{exact: a}]\nunmatchedPreflights: DROP"))).containsExactly(
        "spec.http[0].corsPolicy.unmatchedPreflights: 'DROP' is not a value of unmatchedPreflights; "
            + "use FORWARD (the default: the destination answers preflights from origins not allowed)"
            + " or IGNORE (the gateway answers them itself, without CORS headers)");
    assertThat(errors(withCors("allowOrigins: [{exact: a}]\nunmatchedPreflights: ignore"))).hasSize(1);
  }

  @Test
  void methodsAndHeaderNamesAreCheckedAsIstioChecksThem() {
    assertThat(errors(withCors("allowOrigins: [{exact: a}]\nallowMethods: [get, FETCH, \"GET,POST\"]")))
        .containsExactly(
            "spec.http[0].corsPolicy.allowMethods[0]: 'get' must be upper case, as Istio requires: GET",
            "spec.http[0].corsPolicy.allowMethods[1]: 'FETCH' is not an HTTP method Istio accepts here;"
                + " list each of GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE as its own item",
            "spec.http[0].corsPolicy.allowMethods[2]: 'GET,POST' is not an HTTP method Istio accepts here;"
                + " list each of GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE as its own item");
    assertThat(errors(withCors("allowOrigins: [{exact: a}]\nallowHeaders: [\"x a\"]\nexposeHeaders: [\"x,\"]")))
        .containsExactly(
            "spec.http[0].corsPolicy.allowHeaders[0]: 'x a' is not a valid header name: use letters, "
                + "digits and !#$%&'*+-.^_`|~ only (no spaces, ':' or quotes)",
            "spec.http[0].corsPolicy.exposeHeaders[0]: header name must not be empty");
  }

  @Test
  void typosAndWrongTypesAreErrors() {
    assertThat(errors(withCors("allowOrigns: [{exact: a}]"))).contains(
        "spec.http[0].corsPolicy.allowOrigns: unknown field; did you mean allowOrigins?");
    assertThat(errors(withCors("allowOrigins: [{exact: a}]\nallowCredentials: \"yes\""))).containsExactly(
        "spec.http[0].corsPolicy.allowCredentials: must be true or false, not the string 'yes'");
    assertThat(errors(withCors("allowOrigins: {exact: a}"))).singleElement().asString()
        .startsWith("spec.http[0].corsPolicy.allowOrigins: must be a list");
  }

  @Test
  void aPolicyWithoutOriginsIsAWarningThatItAllowsNone() {
    String yaml = withCors("allowMethods: [GET]");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("spec.http[0].corsPolicy: has no allowOrigins, so no "
        + "origin is allowed: no answer gets CORS headers; add e.g. allowOrigins: "
        + "[{exact: https://app.example.com}]");
  }

  @Test
  void aPolicyOnARedirectOrDirectResponseIsAWarningThatItDoesNothing() {
    String yaml = vs("""
        hosts: [reviews]
        http:
        - redirect: {uri: /new}
          corsPolicy: {allowOrigins: [{exact: a}]}
        - directResponse: {status: 204}
          corsPolicy: {allowOrigins: [{exact: a}]}
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "spec.http[0].corsPolicy: has no effect with redirect, which is answered without CORS headers"
            + " (as Envoy does); remove it, or move it to a rule with a route",
        "spec.http[1].corsPolicy: has no effect with directResponse, which is answered without CORS "
            + "headers (as Envoy does); remove it, or move it to a rule with a route");
  }
}
