package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.vs;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.Delegate;
import io.inboard.core.model.Destination;
import io.inboard.core.model.HTTPFaultInjection;
import io.inboard.core.model.HTTPMatchRequest;
import io.inboard.core.model.HTTPMirrorPolicy;
import io.inboard.core.model.HTTPRedirect;
import io.inboard.core.model.HTTPRewrite;
import io.inboard.core.model.HTTPRoute;
import io.inboard.core.model.Percent;
import io.inboard.core.model.StringMatch;
import io.inboard.core.model.VirtualService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualServiceValidationTest {

  private static final String ROUTE = """
      route:
      - destination: {host: reviews}
      """;

  private static String rule(String body) {
    return "hosts: [reviews]\nhttp:\n- " + body.strip().replace("\n", "\n  ") + "\n";
  }

  @Test
  void readsEveryFieldIntoTheModel() {
    VirtualService vs = valid(vs("""
        hosts: [Reviews, reviews.example.com]
        gateways: [edge, mesh]
        http:
        - name: canary
          match:
          - name: by-header
            uri: {prefix: /api}
            method: {exact: GET}
            headers:
              X-User: {regex: "a.*"}
              x-present: {}
            queryParams:
              debug: {exact: "1"}
            withoutHeaders:
              X-Skip: {exact: "yes"}
            ignoreUriCase: true
            sourceLabels: {app: frontend}
            sourceNamespace: web
            gateways: [shop/edge]
            port: 8080
          route:
          - destination: {host: reviews, subset: v1, port: {number: 9080}}
            weight: 90
            headers:
              request:
                set: {x-version: v1}
          - destination: {host: reviews, subset: v2}
            weight: 10
          rewrite: {uri: /, authority: backend}
          timeout: 1.5s
          retries: {attempts: 3, perTryTimeout: 250ms, retryOn: "5xx,connect-failure,503"}
          fault:
            delay: {fixedDelay: 2s, percentage: {value: 12.5}}
            abort: {httpStatus: 503, percentage: {value: 1}}
          mirror: {host: shadow}
          mirrorPercentage: {value: 50}
          headers:
            request: {add: {x-a: "1"}, remove: [x-b]}
            response: {set: {x-c: "2"}}
        """));

    assertThat(vs.spec().hosts()).containsExactly("reviews", "reviews.example.com");
    assertThat(vs.spec().gateways()).containsExactly("edge", "mesh");
    HTTPRoute rule = vs.spec().http().get(0);
    assertThat(rule.name()).isEqualTo("canary");
    HTTPMatchRequest m = rule.match().get(0);
    assertThat(m.uri()).isEqualTo(StringMatch.prefix("/api"));
    assertThat(m.method()).isEqualTo(StringMatch.exact("GET"));
    assertThat(m.headers()).containsEntry("x-user", StringMatch.regex("a.*"))
        .containsEntry("x-present", StringMatch.present());
    assertThat(m.queryParams()).containsEntry("debug", StringMatch.exact("1"));
    assertThat(m.withoutHeaders()).containsOnlyKeys("x-skip");
    assertThat(m.ignoreUriCase()).isTrue();
    assertThat(m.sourceLabels()).containsEntry("app", "frontend");
    assertThat(m.sourceNamespace()).isEqualTo("web");
    assertThat(m.gateways()).containsExactly("shop/edge");
    assertThat(m.port()).isEqualTo(8080);
    assertThat(rule.route()).hasSize(2);
    assertThat(rule.route().get(0).destination()).isEqualTo(new Destination("reviews", "v1", 9080));
    assertThat(rule.route().get(0).weight()).isEqualTo(90);
    assertThat(rule.route().get(0).headers().request().set()).containsEntry("x-version", "v1");
    assertThat(rule.rewrite().uri()).isEqualTo("/");
    assertThat(rule.rewrite().authority()).isEqualTo("backend");
    assertThat(rule.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(rule.retries().attempts()).isEqualTo(3);
    assertThat(rule.retries().perTryTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(rule.retries().retryOn()).containsExactly("5xx", "connect-failure", "503");
    assertThat(rule.fault().delay().fixedDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(rule.fault().delay().percentage()).isEqualTo(new Percent(12.5));
    assertThat(rule.fault().abort().httpStatus()).isEqualTo(503);
    assertThat(rule.mirror()).isEqualTo(new Destination("shadow", null, 0));
    assertThat(rule.mirrorPercentage().fraction()).isEqualTo(0.5);
    assertThat(rule.headers().request().add()).containsEntry("x-a", "1");
    assertThat(rule.headers().request().remove()).containsExactly("x-b");
    assertThat(rule.headers().response().set()).containsEntry("x-c", "2");
  }

  @Test
  void absentWeightIsNullAndSingleDestinationNeedsNone() {
    VirtualService vs = valid(vs(rule(ROUTE)));
    assertThat(vs.spec().http().get(0).route().get(0).weight()).isNull();
    assertThat(vs.spec().http().get(0).isCatchAll()).isTrue();
  }

  @Test
  void unknownFieldIsAnErrorThatSuggestsTheNearestName() {
    assertThat(errors(vs(rule("""
        route:
        - destination: {host: reviews}
          wieght: 100
        """)))).containsExactly("spec.http[0].route[0].wieght: unknown field; did you mean weight?");
  }

  @Test
  void unknownFieldFarFromAnyNameListsTheKnownOnes() {
    assertThat(errors(vs(rule(ROUTE + "colour: blue"))))
        .singleElement().asString()
        .startsWith("spec.http[0].colour: unknown field; known fields here are name, match, route");
  }

  @Test
  void fieldsIstioHasButInboardDoesNotAreWarningsNamingTheField() {
    String yaml = vs("""
        hosts: [reviews]
        tcp: [{route: [{destination: {host: reviews}}]}]
        http:
        - route:
          - destination: {host: reviews}
          match:
          - statPrefix: x
        """);
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactlyInAnyOrder(
        "spec.tcp: tcp is not supported by Inboard yet; ignored",
        "spec.http[0].match[0].statPrefix: statPrefix is not supported by Inboard yet; ignored");
  }

  @Test
  void starHostIsRefusedForTheMeshButAllowedOnGatewaysOnly() {
    assertThat(errors(vs("hosts: [\"*\"]\nhttp: [{route: [{destination: {host: reviews}}]}]")))
        .singleElement().asString().startsWith("spec.hosts[0]: '*' matches every host");
    assertThat(errors(vs("hosts: [\"*\"]\ngateways: [edge, mesh]\n"
        + "http: [{route: [{destination: {host: reviews}}]}]"))).hasSize(1);
    VirtualService onGateway = valid(vs("hosts: [\"*\"]\ngateways: [edge]\n"
        + "http: [{route: [{destination: {host: reviews}}]}]"));
    assertThat(onGateway.spec().hosts()).containsExactly("*");
  }

  @Test
  void invalidAndDuplicateHostsAreErrors() {
    List<String> errors = errors(vs("""
        hosts:
        - http://reviews.example.com/x
        - reviews:8080
        - bad_host
        - a..b
        - "*foo.example.com"
        - reviews
        - Reviews
        - "*.example.com"
        http: [{route: [{destination: {host: reviews}}]}]
        """));
    assertThat(errors).containsExactly(
        "spec.hosts[0]: 'http://reviews.example.com/x' is a URL; a host is only the DNS name, e.g. "
            + "'reviews.example.com'",
        "spec.hosts[1]: 'reviews:8080' contains a port; a host is a DNS name (ports go in "
            + "destination.port or match.port)",
        "spec.hosts[2]: 'bad_host' is not a valid host: label 'bad_host' must be 1-63 lower-case "
            + "letters, digits or '-', not starting or ending with '-'",
        "spec.hosts[3]: 'a..b' has an empty label (two dots in a row)",
        "spec.hosts[4]: '*foo.example.com' is not a valid wildcard host: '*' must be the whole first"
            + " label, as in '*.example.com'",
        "spec.hosts[6]: duplicate host 'reviews'; list each host once");
  }

  @Test
  void withoutHostsAVirtualServiceIsADelegate() {
    // As in Istio: no hosts makes a delegate, which takes its hosts and gateways from the
    // VirtualService delegating to it; analyze warns when nothing does (AnalyzerTest).
    String delegate = vs("http: [{route: [{destination: {host: reviews}}]}]");
    assertThat(errors(delegate)).isEmpty();
    assertThat(errors(vs("gateways: [edge]\nhttp: [{route: [{destination: {host: reviews}}]}]")))
        .containsExactly("spec.gateways: a VirtualService without hosts is a delegate, which takes its gateways"
            + " from the VirtualService delegating to it; remove gateways, or give hosts to make it a"
            + " VirtualService of its own");
    assertThat(errors(vs("http: [{delegate: {name: deeper}}]"))).containsExactly(
        "spec.http[0].delegate: a delegate VirtualService (one without hosts) cannot delegate again: Istio"
            + " supports one level of delegation; give this rule a route, redirect or directResponse");
  }

  @Test
  void negativeWeightIsAnError() {
    assertThat(errors(vs(rule("""
        route:
        - destination: {host: reviews, subset: v1}
          weight: 110
        - destination: {host: reviews, subset: v2}
          weight: -10
        """)))).containsExactly("spec.http[0].route[1].weight: weight -10 is negative; weights are "
            + "relative shares of 0 or more (e.g. 90 and 10)");
  }

  @Test
  void allZeroOrMissingWeightsOnSeveralDestinationsAreAnError() {
    String expected = "spec.http[0].route: all weights are 0 or missing, so no destination would "
        + "get traffic; give weights, e.g. 90 and 10 (they are relative)";
    assertThat(errors(vs(rule("""
        route:
        - destination: {host: reviews, subset: v1}
          weight: 0
        - destination: {host: reviews, subset: v2}
          weight: 0
        """)))).containsExactly(expected);
    assertThat(errors(vs(rule("""
        route:
        - destination: {host: reviews, subset: v1}
        - destination: {host: reviews, subset: v2}
        """)))).containsExactly(expected);
  }

  @Test
  void weightsAreRelativeAndAMissingOneIsWarnedAbout() {
    String yaml = vs(rule("""
        route:
        - destination: {host: reviews, subset: v1}
          weight: 3
        - destination: {host: reviews, subset: v2}
          weight: 1
        - destination: {host: reviews, subset: v3}
        """));
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("spec.http[0].route[2]: has no weight, so it gets no"
        + " traffic while other destinations have weights; give it a weight, or remove it");
  }

  @Test
  void weightMustBeAWholeNumber() {
    assertThat(errors(vs(rule("""
        route:
        - destination: {host: reviews}
          weight: "90"
        """)))).containsExactly("spec.http[0].route[0].weight: must be a number, not a string; "
            + "remove the quotes: 90");
  }

  @Test
  void invalidRegexIsReportedWithItsPosition() {
    assertThat(errors(vs(rule("""
        match:
        - uri: {regex: "/api/(v1|v2"}
          headers:
            x-user: {regex: "a**"}
        """ + ROUTE)))).containsExactly(
        "spec.http[0].match[0].uri.regex: invalid RE2 regex '/api/(v1|v2' at position 5: missing "
            + "closing ) ('(v1|v2') (see https://github.com/google/re2/wiki/Syntax)",
        "spec.http[0].match[0].headers.x-user.regex: invalid RE2 regex 'a**' at position 1: invalid"
            + " nested repetition operator ('**') (see https://github.com/google/re2/wiki/Syntax)");
  }

  @Test
  void nestedRepetitionBeyondAThousandCopiesIsAnError() {
    // RE2/J would build all 1,000,000 copies (and a billion for one more level: out of memory);
    // Go's regexp, and so Istio, refuses a repetition nested past 1000 copies.
    assertThat(errors(vs(rule("match: [{uri: {regex: '(a{1000}){1000}'}}]\n" + ROUTE))))
        .containsExactly("spec.http[0].match[0].uri.regex: invalid RE2 regex '(a{1000}){1000}' at "
            + "position 9: the repetition makes more than 1000 copies (nested repetitions multiply: "
            + "(a{100}){20} is 2000); use * or + for an unbounded count");
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        assertThat(errors(vs(rule("""
            match:
            - headers: {x-user: {regex: '((a{1000}){1000}){1000}'}}
              queryParams: {q: {regex: '(?:(?:x{10,}){10}y){11}'}}
              authority: {regex: 'a{1001}'}
            """ + ROUTE)))).extracting(e -> e.substring(0, e.indexOf(':'))).containsExactlyInAnyOrder(
                "spec.http[0].match[0].headers.x-user.regex",
                "spec.http[0].match[0].queryParams.q.regex",
                "spec.http[0].match[0].authority.regex"));
    // Up to 1000 copies along any nesting is fine; * + ? and {0} do not count.
    assertThat(errors(vs(rule("match: [{uri: {regex: '((a{10}){10}b{10}){10}(c{1000})*[{]{2}'}}]\n"
        + ROUTE)))).isEmpty();
  }

  @Test
  void emptyOrOverlongRegexIsAnError() {
    assertThat(errors(vs(rule("match: [{uri: {regex: ''}}]\n" + ROUTE))))
        .singleElement().asString().startsWith("spec.http[0].match[0].uri.regex: regex must not be"
            + " empty");
    assertThat(errors(vs(rule("match: [{uri: {regex: '" + "a".repeat(1024) + "'}}]\n" + ROUTE))))
        .isEmpty();
    assertThat(errors(vs(rule("match: [{uri: {regex: '" + "é".repeat(513) + "'}}]\n" + ROUTE))))
        .singleElement().asString().endsWith("is too long (1026 bytes, at most 1024)");
  }

  @Test
  void routeTimeoutBelowOneMillisecondIsAnErrorAsInIstio() {
    // Istio validates http.timeout with ValidateDuration whenever it is set: 0s too.
    assertThat(errors(vs(rule(ROUTE + "timeout: 0s")))).containsExactly(
        "spec.http[0].timeout: '0s' is too short; use at least 1ms");
    assertThat(errors(vs(rule(ROUTE + "timeout: 10us")))).containsExactly(
        "spec.http[0].timeout: '10us' is too short; use at least 1ms");
    assertThat(errors(vs(rule(ROUTE + "timeout: 1ms")))).isEmpty();
  }

  @Test
  void durationsFinerThanAMillisecondAreAnErrorAsInIstio() {
    assertThat(errors(vs(rule(ROUTE + "timeout: 1500us")))).containsExactly(
        "spec.http[0].timeout: '1500us' is finer than a millisecond; durations are whole "
            + "milliseconds, e.g. 1ms");
    assertThat(errors(vs(rule(ROUTE + "retries: {attempts: 2, perTryTimeout: 1500us}"))))
        .containsExactly("spec.http[0].retries.perTryTimeout: '1500us' is finer than a "
            + "millisecond; durations are whole milliseconds, e.g. 1ms");
    assertThat(errors(vs(rule(ROUTE + "fault: {delay: {fixedDelay: 1.0005s, percentage: "
        + "{value: 1}}}")))).singleElement().asString().startsWith("spec.http[0].fault.delay"
            + ".fixedDelay: '1.0005s' is finer than a millisecond");
    assertThat(errors(vs(rule(ROUTE + "timeout: 1.5s\nretries: {attempts: 2, perTryTimeout: "
        + "1500000us}")))).isEmpty();
  }

  @Test
  void hostHeaderCannotBeRemovedFromRequestsNorTouchedOnResponses() {
    // As Istio's ValidateHTTPHeaderOperationName; a request's Host may still be set or added.
    assertThat(errors(vs(rule(ROUTE + "headers: {request: {remove: [host]}}")))).containsExactly(
        "spec.http[0].headers.request.remove[0]: 'host' cannot be removed: every request carries "
            + "a Host header (to change it, set it, or use rewrite.authority)");
    assertThat(errors(vs(rule(ROUTE + "headers: {response: {set: {Host: x}, add: {HOST: y}, "
        + "remove: [host]}}")))).containsExactlyInAnyOrder(
        "spec.http[0].headers.response.set.Host: 'Host' is a request header; it cannot be set on a"
            + " response",
        "spec.http[0].headers.response.add.HOST: 'HOST' is a request header; it cannot be added on"
            + " a response",
        "spec.http[0].headers.response.remove[0]: 'host' is a request header; it cannot be removed"
            + " on a response");
    assertThat(errors(vs(rule("""
        route:
        - destination: {host: reviews}
          headers: {request: {remove: [Host]}}
        """)))).singleElement().asString().startsWith("spec.http[0].route[0].headers.request"
            + ".remove[0]: 'Host' cannot be removed");
    assertThat(errors(vs(rule(ROUTE + "headers: {request: {add: {Host: x.example.com}}}"))))
        .isEmpty();
  }

  @Test
  void fqdnWithTrailingDotIsAcceptedAsInIstioAndMeansTheNameWithoutIt() {
    String yaml = vs("""
        hosts: [reviews.shop.svc.cluster.local., reviews.]
        http:
        - route:
          - destination: {host: ratings.shop.svc.cluster.local.}
        """);
    assertThat(errors(yaml)).isEmpty();
    VirtualService vs = (VirtualService) valid(yaml);
    assertThat(vs.spec().hosts()).containsExactly("reviews.shop.svc.cluster.local", "reviews.");
    assertThat(vs.spec().http().get(0).route().get(0).destination().host())
        .isEqualTo("ratings.shop.svc.cluster.local");
    assertThat(errors(vs("hosts: [reviews.shop.svc.cluster.local, reviews.shop.svc.cluster.local.]"
        + "\nhttp:\n- " + ROUTE.strip().replace("\n", "\n  ")))).singleElement().asString()
        .contains("duplicate host 'reviews.shop.svc.cluster.local'");
  }

  @Test
  void perlOnlyRegexSyntaxIsExplained() {
    assertThat(errors(vs(rule("match: [{uri: {regex: \"/a(?!b)\"}}]\n" + ROUTE))))
        .singleElement().asString().contains("RE2 has no look-ahead");
  }

  @Test
  void aRuleNeedsExactlyOneAction() {
    assertThat(errors(vs(rule("name: nothing")))).containsExactly(
        "spec.http[0]: has no action; give it a route, redirect, directResponse or delegate");
    assertThat(errors(vs(rule(ROUTE + "directResponse: {status: 503}")))).containsExactly(
        "spec.http[0]: has route and directResponse; a rule takes exactly one of route, redirect, "
            + "directResponse or delegate");
    assertThat(errors(vs(rule("redirect: {uri: /new}\ndirectResponse: {status: 200}"))))
        .containsExactly("spec.http[0]: has redirect and directResponse; a rule takes exactly one "
            + "of route, redirect, directResponse or delegate");
    assertThat(errors(vs(rule("route: []")))).contains(
        "spec.http[0].route: is empty; list at least one destination");
  }

  @Test
  void faultOrRewriteWithRedirectIsAnError() {
    assertThat(errors(vs(rule("""
        redirect: {uri: /new}
        fault: {abort: {httpStatus: 500, percentage: {value: 10}}}
        rewrite: {uri: /other}
        """)))).containsExactly(
        "spec.http[0].fault: a redirect is answered at once, so fault cannot apply; remove fault "
            + "or the redirect",
        "spec.http[0].rewrite: rewrite and redirect exclude each other; to send the client "
            + "elsewhere put the new uri in redirect.uri, otherwise use route with rewrite");
  }

  @Test
  void mirrorWithMirrorsIsAnError() {
    assertThat(errors(vs(rule(ROUTE + """
        mirror: {host: shadow}
        mirrors: [{destination: {host: shadow2}}]
        """)))).containsExactly("spec.http[0].mirrors: mirror and mirrors exclude each other (as in "
        + "Istio); move mirror into mirrors as {destination: {host: ...}, percentage: {value: ...}}, or "
        + "remove mirrors");
  }

  @Test
  void mirrorsAreReadInOrderWithTheirOwnPercentages() {
    String yaml = vs(rule(ROUTE + """
        mirrors:
        - destination: {host: shadow, subset: v2, port: {number: 9080}}
          percentage: {value: 12.5}
        - destination: {host: Audit.Example.COM}
        """));
    VirtualService vs = valid(yaml);
    HTTPRoute rule = vs.spec().http().get(0);

    assertThat(rule.mirror()).isNull();
    assertThat(rule.mirrors()).containsExactly(
        new HTTPMirrorPolicy(new Destination("shadow", "v2", 9080), new Percent(12.5)),
        new HTTPMirrorPolicy(new Destination("audit.example.com", null, 0), null));
    assertThat(warnings(yaml)).isEmpty();
  }

  @Test
  void badMirrorsEntriesAreErrorsNamingTheEntry() {
    assertThat(errors(vs(rule(ROUTE + """
        mirrors:
        -
        - {host: shadow}
        - {destination: {subset: v2}}
        - {destination: {host: shadow}, percentage: {value: 150}}
        - {destination: {host: shadow}, percentage: 50}
        - shadow
        """)))).containsExactly(
        "spec.http[0].mirrors[0]: is empty; give where the copies go, e.g. {destination: {host: user, "
            + "subset: v2}}",
        "spec.http[0].mirrors[1].host: unknown field; known fields here are destination, percentage",
        "spec.http[0].mirrors[1].destination: is required: a mirror names where its copies go, e.g. "
            + "destination: {host: user, subset: v2}",
        "spec.http[0].mirrors[2].destination.host: is required, e.g. host: user (a service in this "
            + "namespace) or its FQDN",
        "spec.http[0].mirrors[3].percentage.value: 150 is not a percentage; use a number from 0 to 100",
        "spec.http[0].mirrors[4].percentage: must be a mapping; write a percentage as {value: 50}",
        "spec.http[0].mirrors[5]: must be a mapping of fields, not the string 'shadow'");
  }

  @Test
  void mirrorsThatIsNotAListIsAnError() {
    assertThat(errors(vs(rule(ROUTE + "mirrors: {destination: {host: shadow}}"))))
        .singleElement().asString()
        .startsWith("spec.http[0].mirrors: must be a list (in YAML, one '- ' entry per item)");
  }

  @Test
  void anEmptyMirrorsListAndAMirrorPercentageBesideMirrorsAreWarned() {
    assertThat(warnings(vs(rule(ROUTE + "mirrors: []")))).containsExactly(
        "spec.http[0].mirrors: is empty, so nothing is mirrored; list a {destination: {host: ...}} or "
            + "remove it");
    String yaml = vs(rule(ROUTE + """
        mirrors: [{destination: {host: shadow}}]
        mirrorPercentage: {value: 10}
        """));
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly(
        "spec.http[0].mirrorPercentage: applies to mirror only, not to mirrors; give each entry of "
            + "mirrors its own percentage: {value: ...} and remove it");
  }

  @Test
  void percentagesOutsideZeroToHundredAreErrors() {
    assertThat(errors(vs(rule(ROUTE + """
        mirror: {host: shadow}
        mirrorPercentage: {value: 100.5}
        fault:
          delay: {fixedDelay: 1s, percentage: {value: -1}}
          abort: {httpStatus: 503, percentage: 50}
        """)))).containsExactly(
        "spec.http[0].fault.delay.percentage.value: -1 is not a percentage; use a number from 0 "
            + "to 100",
        "spec.http[0].fault.abort.percentage: must be a mapping; write a percentage as {value: "
            + "50}",
        "spec.http[0].mirrorPercentage.value: 100.5 is not a percentage; use a number from 0 to "
            + "100");
  }

  @Test
  void deprecatedIntegerPercentsAreReadWithAWarning() {
    String yaml = vs(rule(ROUTE + """
        mirror: {host: shadow}
        mirrorPercent: 25
        fault: {delay: {fixedDelay: 1s, percent: 5}}
        """));
    VirtualService vs = valid(yaml);
    assertThat(vs.spec().http().get(0).mirrorPercentage()).isEqualTo(new Percent(25));
    assertThat(vs.spec().http().get(0).fault().delay().percentage()).isEqualTo(new Percent(5));
    assertThat(warnings(yaml)).hasSize(2);
  }

  @Test
  void invalidDurationsAreErrorsSayingWhatIsWrong() {
    assertThat(errors(vs(rule(ROUTE + """
        timeout: 1x
        retries: {attempts: 2, perTryTimeout: 10}
        fault: {delay: {fixedDelay: "-1s"}}
        """)))).containsExactly(
        "spec.http[0].timeout: '1x' is not a duration ('x' is not a unit (use h, m, s, ms, us or "
            + "ns)); write e.g. 1.5s, 250ms, 1m or 1h",
        "spec.http[0].retries.perTryTimeout: must be a duration such as 1.5s, 250ms, 1m or 1h, not"
            + " the number 10; add a unit, e.g. 10s",
        "spec.http[0].fault.delay.fixedDelay: '-1s' is not a duration (it is negative); write e.g."
            + " 1.5s, 250ms, 1m or 1h");
  }

  @Test
  void invalidHeaderNamesInMatchesAndOperationsAreErrors() {
    assertThat(errors(vs(rule("""
        match:
        - headers:
            "x user": {exact: a}
            ":authority": {exact: b}
          withoutHeaders:
            "x@y": {}
        route:
        - destination: {host: reviews}
          headers:
            request: {set: {"bad header": v}}
        headers:
          response: {remove: ["x(y)"]}
          request: {add: {x-ok: "line\\nbreak"}}
        """)))).containsExactly(
        "spec.http[0].match[0].headers[\"x user\"]: 'x user' is not a valid header name: use "
            + "letters, digits and !#$%&'*+-.^_`|~ only (no spaces, ':' or quotes)",
        "spec.http[0].match[0].headers[\":authority\"]: ':authority' is an HTTP/2 pseudo-header; "
            + "Inboard sees HTTP/1.1 headers only (use 'host', or rewrite.authority)",
        "spec.http[0].match[0].withoutHeaders[\"x@y\"]: 'x@y' is not a valid header name: use "
            + "letters, digits and !#$%&'*+-.^_`|~ only (no spaces, ':' or quotes)",
        "spec.http[0].route[0].headers.request.set[\"bad header\"]: 'bad header' is not a valid "
            + "header name: use letters, digits and !#$%&'*+-.^_`|~ only (no spaces, ':' or quotes)",
        "spec.http[0].headers.request.add.x-ok: header value must not contain line breaks or NUL "
            + "characters",
        "spec.http[0].headers.response.remove[0]: 'x(y)' is not a valid header name: use letters,"
            + " digits and !#$%&'*+-.^_`|~ only (no spaces, ':' or quotes)");
  }

  @Test
  void headerListedTwiceInDifferentCaseIsAnError() {
    assertThat(errors(vs(rule("match: [{headers: {X-A: {exact: a}, x-a: {exact: b}}}]\n" + ROUTE))))
        .containsExactly("spec.http[0].match[0].headers.x-a: header 'x-a' is listed twice (header "
            + "names are case-insensitive); keep one");
  }

  @Test
  void redirectCodeMustBe3xxAndDirectResponseStatus200To599() {
    assertThat(errors(vs(rule("redirect: {uri: /x, redirectCode: 200}")))).containsExactly(
        "spec.http[0].redirect.redirectCode: 200 is not a redirect status; use a 3xx code such as "
            + "301, 302, 307 or 308");
    assertThat(errors(vs(rule("directResponse: {status: 600}")))).containsExactly(
        "spec.http[0].directResponse.status: 600 is not a response status; use 200-599");
    assertThat(errors(vs(rule("directResponse: {body: {string: x}}")))).containsExactly(
        "spec.http[0].directResponse.status: is required, e.g. status: 503");
  }

  @Test
  void redirectAndDirectResponseAreReadWithDefaults() {
    VirtualService vs = valid(vs("""
        hosts: [reviews]
        http:
        - match: [{uri: {exact: /old}}]
          redirect: {uri: /new, authority: other.example.com, scheme: https, port: 8443}
        - match: [{uri: {exact: /moved}}]
          redirect: {uri: /new, redirectCode: 308}
        - directResponse: {status: 418, body: {string: teapot}}
        """));
    assertThat(vs.spec().http().get(0).redirect().redirectCode()).isEqualTo(301);
    assertThat(vs.spec().http().get(0).redirect().port()).isEqualTo(8443);
    assertThat(vs.spec().http().get(1).redirect().redirectCode()).isEqualTo(308);
    assertThat(vs.spec().http().get(2).directResponse().status()).isEqualTo(418);
    assertThat(vs.spec().http().get(2).directResponse().body()).isEqualTo("teapot");
  }

  @Test
  void zeroRedirectCodeAndZeroMatchPortAreUnset() {
    // Istio checks redirectCode and match port only when they are not 0 (proto3's "unset"), then
    // redirects with 301 and matches any port.
    VirtualService vs = valid(vs("""
        hosts: [reviews]
        http:
        - match: [{uri: {prefix: /old}, port: 0}]
          redirect: {uri: /new, redirectCode: 0}
        - route: [{destination: {host: reviews}}]
        """));
    assertThat(vs.spec().http().get(0).redirect().redirectCode()).isEqualTo(301);
    assertThat(vs.spec().http().get(0).match().get(0).port()).isZero();
    assertThat(errors(vs(rule("match: [{port: 70000}]\n" + ROUTE)))).containsExactly(
        "spec.http[0].match[0].port: 70000 is out of range; use 1..65535");
  }

  @Test
  void redirectSchemeAndEmptyRedirectAreErrors() {
    assertThat(errors(vs(rule("redirect: {scheme: ftp}")))).containsExactly(
        "spec.http[0].redirect.scheme: 'ftp' is not a redirect scheme; use http or https");
    assertThat(errors(vs(rule("redirect: {redirectCode: 302}")))).containsExactly(
        "spec.http[0].redirect: redirects nowhere; give at least one of uri, authority, scheme or "
            + "port");
  }

  @Test
  void rewriteMustRewriteSomethingAndNotTheAuthorityTwice() {
    assertThat(errors(vs(rule(ROUTE + "rewrite: {}")))).containsExactly(
        "spec.http[0].rewrite: rewrites nothing; give uri, uriRegexRewrite or authority");
    assertThat(errors(vs(rule(ROUTE + """
        rewrite: {authority: a.example.com}
        headers: {request: {set: {Host: b.example.com}}}
        """)))).containsExactly("spec.http[0].headers.request.set.Host: the authority is already "
            + "rewritten by rewrite.authority; set it in one place only");
  }

  @Test
  void redirectDerivePortIsReadAndChecked() {
    assertThat(((VirtualService) valid(vs(rule("redirect: {derivePort: FROM_REQUEST_PORT}")))).spec().http().get(0)
        .redirect().derivePort()).isEqualTo(HTTPRedirect.DerivePort.FROM_REQUEST_PORT);
    assertThat(((VirtualService) valid(vs(rule("redirect: {scheme: https, derivePort: 0}")))).spec().http().get(0)
        .redirect().derivePort()).isEqualTo(HTTPRedirect.DerivePort.FROM_PROTOCOL_DEFAULT);
    assertThat(((VirtualService) valid(vs(rule("redirect: {uri: /x, port: 0}")))).spec().http().get(0)
        .redirect().port()).isZero();
    assertThat(errors(vs(rule("redirect: {port: 8443, derivePort: FROM_REQUEST_PORT}")))).containsExactly(
        "spec.http[0].redirect: has port and derivePort; give only one of them (port names the location's "
            + "port, derivePort takes it from the request or the scheme)");
    assertThat(errors(vs(rule("redirect: {derivePort: FROM_CLIENT}")))).containsExactly(
        "spec.http[0].redirect.derivePort: 'FROM_CLIENT' is not a port selection; use FROM_PROTOCOL_DEFAULT "
            + "(the scheme's default port) or FROM_REQUEST_PORT (the port the request was sent to)");
  }

  @Test
  void directResponseBodyBytesAreBase64OfText() {
    // "unavailable\n" in base64, standard and URL-safe without padding.
    assertThat(((VirtualService) valid(vs(rule("directResponse: {status: 503, body: {bytes: dW5hdmFpbGFibGUK}}"))))
        .spec().http().get(0).directResponse().body()).isEqualTo("unavailable\n");
    assertThat(((VirtualService) valid(vs(rule("directResponse: {status: 200, body: {bytes: Pz8-}}"))))
        .spec().http().get(0).directResponse().body()).isEqualTo("??>");
    assertThat(((VirtualService) valid(vs(rule("directResponse: {status: 200, body: {bytes: aGk}}"))))
        .spec().http().get(0).directResponse().body()).isEqualTo("hi");
    assertThat(errors(vs(rule("directResponse: {status: 200, body: {bytes: 'not base64!'}}"))))
        .singleElement().asString()
        .startsWith("spec.http[0].directResponse.body.bytes: is not base64 (");
    assertThat(errors(vs(rule("directResponse: {status: 200, body: {bytes: /w==}}")))).containsExactly(
        "spec.http[0].directResponse.body.bytes: decodes to 1 byte that is not UTF-8 text; Inboard "
            + "answers with text bodies only, so give a text body (in body.string or as base64 of its UTF-8 "
            + "bytes)");
    assertThat(errors(vs(rule("directResponse: {status: 200, body: {string: a, bytes: YQ==}}"))))
        .containsExactly("spec.http[0].directResponse.body: has string and bytes; give only one of them");
  }

  @Test
  void uriRegexRewriteIsReadAndChecked() {
    HTTPRoute rule = ((VirtualService) valid(vs(rule(ROUTE + """
        rewrite: {uriRegexRewrite: {match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1'}}
        """)))).spec().http().get(0);
    assertThat(rule.rewrite().uriRegexRewrite())
        .isEqualTo(new HTTPRewrite.RegexRewrite("^/service/([^/]+)(/.*)$", "\\2/instance/\\1"));
    assertThat(rule.rewrite().uri()).isNull();

    assertThat(errors(vs(rule(ROUTE + "rewrite: {uri: /a, uriRegexRewrite: {match: a, rewrite: b}}"))))
        .containsExactly("spec.http[0].rewrite: has uri and uriRegexRewrite; give only one of them (uri "
            + "replaces the matched prefix, uriRegexRewrite rewrites the path by a regex)");
    assertThat(errors(vs(rule(ROUTE + "rewrite: {uriRegexRewrite: {match: '^/a'}}")))).containsExactly(
        "spec.http[0].rewrite.uriRegexRewrite.rewrite: is required: what each match is replaced by, "
            + "with \\1 to \\9 for the match's groups, e.g. '\\2/instance/\\1'");
    assertThat(errors(vs(rule(ROUTE + "rewrite: {uriRegexRewrite: {rewrite: /b}}")))).containsExactly(
        "spec.http[0].rewrite.uriRegexRewrite.match: is required: the RE2 regex whose matches in the "
            + "path are replaced, e.g. '^/service/([^/]+)(/.*)$'");
    assertThat(errors(vs(rule(ROUTE + "rewrite: {uriRegexRewrite: {match: '(a', rewrite: /b}}"))))
        .singleElement().asString()
        .startsWith("spec.http[0].rewrite.uriRegexRewrite.match: invalid RE2 regex '(a'");
    assertThat(errors(vs(rule(ROUTE + "rewrite: {uriRegexRewrite: {match: '^/(a)/(b)', rewrite: '/\\3'}}"))))
        .containsExactly("spec.http[0].rewrite.uriRegexRewrite.rewrite: '/\\3' uses \\3 but the match has "
            + "2 groups; use \\0 for the whole match or \\1 to \\2 for a parenthesized group");
    assertThat(errors(vs(rule(ROUTE + "rewrite: {uriRegexRewrite: {match: '^/a', rewrite: '/\\n'}}"))))
        .containsExactly("spec.http[0].rewrite.uriRegexRewrite.rewrite: '/\\n' has \\n, which is not a "
            + "group reference; write \\0 to \\9 for a group and \\\\ for a backslash");
    assertThat(errors(vs(rule(ROUTE + "rewrite: {uriRegexRewrite: {match: '^/a', rewrite: '/b\\'}}"))))
        .containsExactly("spec.http[0].rewrite.uriRegexRewrite.rewrite: '/b\\' ends with a lone "
            + "backslash; write \\\\ for a backslash");
    assertThat(errors(vs(rule(ROUTE + "rewrite: {uriRegexRewrite: {match: a, rewrite: b, extra: 1}}"))))
        .singleElement().asString().contains("uriRegexRewrite.extra");
  }

  @Test
  void retriesAreChecked() {
    assertThat(errors(vs(rule(ROUTE + "retries: {attempts: 0, retryOn: 5xx}")))).containsExactly(
        "spec.http[0].retries.attempts: attempts is 0, which disables retries, but perTryTimeout, "
            + "retryOn or backoff is set; give attempts (e.g. 3) or remove the others");
    assertThat(errors(vs(rule(ROUTE + "retries: {backoff: 100ms}")))).containsExactly(
        "spec.http[0].retries.attempts: attempts is missing, which disables retries, but perTryTimeout, "
            + "retryOn or backoff is set; give attempts (e.g. 3) or remove the others");
    assertThat(((VirtualService) valid(vs(rule(ROUTE + "retries: {attempts: 3, backoff: 100ms}"))))
        .spec().http().get(0).retries().backoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(errors(vs(rule(ROUTE + "retries: {attempts: 3, backoff: soon}")))).singleElement().asString()
        .startsWith("spec.http[0].retries.backoff: ");
    assertThat(((VirtualService) valid(vs(rule(ROUTE + "retries: {attempts: 3}")))).spec().http().get(0)
        .retries().retryIgnorePreviousHosts()).isTrue();
    assertThat(((VirtualService) valid(vs(rule(ROUTE + "retries: {attempts: 3, retryIgnorePreviousHosts: false}"))))
        .spec().http().get(0).retries().retryIgnorePreviousHosts()).isFalse();
    assertThat(errors(vs(rule(ROUTE + "retries: {attempts: 3, retryIgnorePreviousHosts: maybe}"))))
        .singleElement().asString().startsWith("spec.http[0].retries.retryIgnorePreviousHosts: ");
    assertThat(errors(vs(rule(ROUTE + "retries: {attempts: 2, retryOn: \"5xx,sometimes\"}"))))
        .containsExactly("spec.http[0].retries.retryOn: 'sometimes' is not a retry condition; use "
            + "e.g. 5xx, gateway-error, connect-failure, reset, retriable-4xx, refused-stream or a "
            + "status code like 503, separated by commas");
    assertThat(errors(vs(rule(ROUTE + "retries: {attempts: -1}")))).containsExactly(
        "spec.http[0].retries.attempts: -1 is too small; use 0 or more");
  }

  @Test
  void faultNeedsADelayOrAnAbortWithTheirRequiredParts() {
    assertThat(errors(vs(rule(ROUTE + "fault: {}")))).containsExactly(
        "spec.http[0].fault: needs a delay, an abort, or both");
    assertThat(errors(vs(rule(ROUTE + "fault: {delay: {percentage: {value: 1}}, abort: {}}"))))
        .containsExactly(
            "spec.http[0].fault.delay.fixedDelay: is required, e.g. fixedDelay: 5s",
            "spec.http[0].fault.abort.httpStatus: is required, e.g. httpStatus: 503 (or grpcStatus: UNAVAILABLE "
                + "for gRPC)");
    assertThat(errors(vs(rule(ROUTE + "fault: {abort: {httpStatus: 99}}")))).containsExactly(
        "spec.http[0].fault.abort.httpStatus: 99 is not an HTTP status to abort with; use 200-599");
  }

  @Test
  void aGrpcStatusAbortIsReadByNameOrCodeWithTheHttpStatusEnvoyMapsItTo() {
    HTTPFaultInjection.Abort byName = ((VirtualService) valid(vs(rule(ROUTE
        + "fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 50}}}")))).spec().http().get(0).fault().abort();
    assertThat(byName.grpcStatus()).isEqualTo(14);
    assertThat(byName.httpStatus()).isEqualTo(503);
    assertThat(byName.percentage().value()).isEqualTo(50.0);
    HTTPFaultInjection.Abort byCode = ((VirtualService) valid(vs(rule(ROUTE
        + "fault: {abort: {grpcStatus: \"8\", percentage: {value: 100}}}")))).spec().http().get(0).fault().abort();
    assertThat(byCode.grpcStatus()).isEqualTo(8);
    assertThat(byCode.httpStatus()).isEqualTo(429);
    assertThat(errors(vs(rule(ROUTE + "fault: {abort: {grpcStatus: deadline-exceeded}}")))).isEmpty();
  }

  @Test
  void aBadGrpcStatusIsAnErrorNamingItsPath() {
    assertThat(errors(vs(rule(ROUTE + "fault: {abort: {grpcStatus: UNAVAILBLE, percentage: {value: 100}}}"))))
        .containsExactly("spec.http[0].fault.abort.grpcStatus: 'UNAVAILBLE' is not a gRPC status; use one of OK, "
            + "CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, "
            + "RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, "
            + "DATA_LOSS, UNAUTHENTICATED (e.g. grpcStatus: UNAVAILABLE), or its code 0-16");
    assertThat(errors(vs(rule(ROUTE + "fault: {abort: {grpcStatus: 17}}")))).singleElement().asString()
        .startsWith("spec.http[0].fault.abort.grpcStatus: '17' is not a gRPC status");
    assertThat(errors(vs(rule(ROUTE + "fault: {abort: {httpStatus: 503, grpcStatus: UNAVAILABLE}}"))))
        .containsExactly("spec.http[0].fault.abort.grpcStatus: give httpStatus or grpcStatus, not both "
            + "(Istio's abort is one of them)");
  }

  @Test
  void stringMatchTakesExactlyOneKind() {
    assertThat(errors(vs(rule("""
        match:
        - uri: {exact: /a, prefix: /b}
          method: {}
          authority: example.com
          scheme: {suffix: s}
        """ + ROUTE)))).containsExactly(
        "spec.http[0].match[0].uri: has exact and prefix; give only one of exact, prefix or regex",
        "spec.http[0].match[0].scheme.suffix: unknown field; known fields here are exact, prefix, "
            + "regex",
        "spec.http[0].match[0].method: is empty; give one of exact, prefix or regex",
        "spec.http[0].match[0].authority: must be a mapping; write the match as {exact: "
            + "example.com} (or prefix, regex)");
  }

  @Test
  void matchConditionsAreChecked() {
    assertThat(errors(vs(rule("""
        match:
        - port: 70000
          sourceNamespace: Web_NS
          sourceLabels: {"bad key!": x}
          ignoreUriCase: "yes"
          gateways: [istio-system.edge.svc.cluster.local]
        """ + ROUTE)))).containsExactly(
        "spec.http[0].match[0].ignoreUriCase: must be true or false, not the string 'yes'",
        "spec.http[0].match[0].sourceLabels[\"bad key!\"]: 'bad key!' is not a valid label key: use"
            + " at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or "
            + "digit (optionally after a 'prefix/')",
        "spec.http[0].match[0].sourceNamespace: 'Web_NS' is not a valid namespace: use lower-case "
            + "letters, digits and '-', starting and ending with a letter or digit",
        "spec.http[0].match[0].gateways[0]: 'istio-system.edge.svc.cluster.local' is the legacy "
            + "FQDN form of a gateway name; write it as namespace/name, e.g. 'edge/istio-system'",
        "spec.http[0].match[0].port: 70000 is out of range; use 1..65535");
  }

  @Test
  void emptyMatchBlockMatchesEverything() {
    VirtualService vs = valid(vs(rule("match: [{}]\n" + ROUTE)));
    assertThat(vs.spec().http().get(0).match()).hasSize(1);
    assertThat(vs.spec().http().get(0).isCatchAll()).isTrue();
  }

  @Test
  void destinationIsChecked() {
    assertThat(errors(vs(rule("""
        route:
        - destination: {subset: V1, port: {number: 0}}
        - destination: {host: "*", subset: v2}
        - destination: {host: "*.example.com"}
        - weight: 1
        """)))).containsExactly(
        "spec.http[0].route[0].destination.host: is required, e.g. host: user (a service in this "
            + "namespace) or its FQDN",
        "spec.http[0].route[0].destination.subset: 'V1' is not a valid subset name: use lower-case"
            + " letters, digits and '-', starting and ending with a letter or digit; write it as 'v1'",
        "spec.http[0].route[0].destination.port.number: 0 is out of range; use 1..65535",
        "spec.http[0].route[1].destination.host: '*' is not a destination; name the service to "
            + "send to",
        "spec.http[0].route[2].destination.host: '*.example.com' is a wildcard; a destination must "
            + "name one service",
        "spec.http[0].route[3].destination: is required, e.g. destination: {host: user, subset: "
            + "v1}");
  }

  @Test
  void httpRulesAreRequiredUnlessOnlyTcpIsGiven() {
    assertThat(errors(vs("hosts: [reviews]"))).containsExactly("spec.http: needs at least one "
        + "rule, e.g. http: [{route: [{destination: {host: user}}]}]");
    String tcpOnly = vs("hosts: [reviews]\ntcp: [{route: [{destination: {host: reviews}}]}]");
    assertThat(errors(tcpOnly)).isEmpty();
    assertThat(warnings(tcpOnly)).contains("spec: has no http rules: Inboard routes HTTP only, so "
        + "this VirtualService does nothing");
  }

  @Test
  void delegateIsReadWithItsNamespace() {
    VirtualService vs = valid(vs(rule("""
        match: [{uri: {prefix: /users}}]
        timeout: 2s
        delegate: {name: user-routes, namespace: user-team}
        """)));
    HTTPRoute rule = vs.spec().http().get(0);
    assertThat(rule.delegate()).isEqualTo(new Delegate("user-routes", "user-team"));
    assertThat(rule.delegate().key("shop")).isEqualTo("user-team/user-routes");
    assertThat(rule.route()).isEmpty();
    Delegate sameNamespace = ((VirtualService) valid(vs(rule("delegate: {name: child}")))).spec().http().get(0).delegate();
    assertThat(sameNamespace.key("shop")).isEqualTo("shop/child");
  }

  @Test
  void aDelegateNeedsAValidNameAndIsTheRulesOnlyAction() {
    assertThat(errors(vs(rule("delegate: {namespace: team}")))).containsExactly(
        "spec.http[0].delegate.name: is required: the name of the VirtualService without hosts whose rules take"
            + " this rule's place, e.g. delegate: {name: user-routes, namespace: user-team}");
    assertThat(errors(vs(rule("delegate: {name: User_Routes, namespace: team}")))).containsExactly(
        "spec.http[0].delegate.name: 'User_Routes' is not a valid VirtualService name: use lower-case letters,"
            + " digits and '-', starting and ending with a letter or digit");
    assertThat(errors(vs(rule("delegate: {name: child, namespce: team}"))))
        .singleElement().asString().startsWith("spec.http[0].delegate.namespce: unknown field");
    assertThat(errors(vs(rule(ROUTE + "delegate: {name: child}")))).containsExactly(
        "spec.http[0]: has route and delegate; a rule takes exactly one of route, redirect, directResponse or"
            + " delegate");
  }
  @Test
  void emptyYamlValuesCountAsAbsent() {
    assertThat(errors(vs(rule(ROUTE + "timeout:\nretries:\nname:")))).isEmpty();
    assertThat(errors(vs(rule("redirect:")))).containsExactly(
        "spec.http[0].redirect: is empty; give at least one of uri, authority, scheme or port",
        "spec.http[0]: has no action; give it a route, redirect, directResponse or delegate");
    // A quoted empty string is a value, not an absence.
    assertThat(errors(vs(rule(ROUTE + "rewrite: {authority: ''}")))).containsExactly(
        "spec.http[0].rewrite.authority: must not be empty; remove it to keep the authority");
  }

  @Test
  void everyProblemOfADocumentIsReportedAtOnce() {
    List<String> errors = errors(vs("""
        hosts: [reviews, reviews]
        http:
        - route:
          - destination: {host: reviews}
            weight: -1
          - destination: {host: reviews}
          timeout: soon
        - redirect: {uri: /x}
          rewrite: {uri: /y}
        """));
    assertThat(errors).hasSize(4);
  }
}
