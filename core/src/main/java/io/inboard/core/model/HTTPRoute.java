package io.inboard.core.model;

import java.time.Duration;
import java.util.List;

/**
 * One rule of a VirtualService's {@code http} list. Exactly one action is set: {@code route}
 * (non-empty), {@code redirect}, {@code directResponse} or {@code delegate}; the others are
 * empty/{@code null}. A rule with {@code delegate} never reaches the router: its delegate's rules,
 * merged with it, take its place (see {@code io.inboard.core.route.Delegation}).
 *
 * @param name the rule's name, or {@code null}
 * @param match the match blocks (OR); empty means the rule matches every request
 * @param timeout {@code null} when not given
 * @param mirror {@code null} when not mirroring
 * @param mirrorPercentage {@code null} when {@code mirror} is set without a percentage (mirror all)
 * @param mirrors the {@code mirrors} list, each rolled on its own; empty when none (never together
 *     with {@code mirror})
 * @param corsPolicy {@code null} when the rule has none
 * @param delegate {@code null} unless the rule delegates to another VirtualService
 */
public record HTTPRoute(
    String name,
    List<HTTPMatchRequest> match,
    List<HTTPRouteDestination> route,
    HTTPRedirect redirect,
    HTTPDirectResponse directResponse,
    HTTPRewrite rewrite,
    Duration timeout,
    HTTPRetry retries,
    HTTPFaultInjection fault,
    Destination mirror,
    Percent mirrorPercentage,
    List<HTTPMirrorPolicy> mirrors,
    Headers headers,
    CorsPolicy corsPolicy,
    Delegate delegate) {

  public HTTPRoute {
    match = match == null ? List.of() : List.copyOf(match);
    route = route == null ? List.of() : List.copyOf(route);
    mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
    headers = headers == null ? Headers.NONE : headers;
  }

  /**
   * This rule with another name, match blocks and the given replacements; for merging a delegate's
   * rule, whose own settings win where it has them.
   */
  public HTTPRoute merged(String name, List<HTTPMatchRequest> match, HTTPRoute root) {
    boolean ownMirror = mirror != null || !mirrors.isEmpty();
    return new HTTPRoute(
        name,
        match,
        route,
        redirect,
        directResponse != null ? directResponse : root.directResponse,
        rewrite != null ? rewrite : root.rewrite,
        timeout != null ? timeout : root.timeout,
        retries != null ? retries : root.retries,
        fault != null ? fault : root.fault,
        ownMirror ? mirror : root.mirror,
        ownMirror ? mirrorPercentage : root.mirrorPercentage,
        ownMirror ? mirrors : root.mirrors,
        !headers.equals(Headers.NONE) ? headers : root.headers,
        corsPolicy != null ? corsPolicy : root.corsPolicy,
        null);
  }

  /** True when this rule matches every request (no match blocks, or one without conditions). */
  public boolean isCatchAll() {
    return match.isEmpty() || match.stream().anyMatch(HTTPMatchRequest::isCatchAll);
  }
}
