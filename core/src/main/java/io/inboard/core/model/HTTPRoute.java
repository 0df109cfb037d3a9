package io.inboard.core.model;

import java.time.Duration;
import java.util.List;

/**
 * One rule of a VirtualService's {@code http} list. Exactly one action is set: {@code route}
 * (non-empty), {@code redirect} or {@code directResponse}; the others are empty/{@code null}.
 *
 * @param name the rule's name, or {@code null}
 * @param match the match blocks (OR); empty means the rule matches every request
 * @param timeout {@code null} when not given
 * @param mirror {@code null} when not mirroring
 * @param mirrorPercentage {@code null} when {@code mirror} is set without a percentage (mirror all)
 * @param mirrors the {@code mirrors} list, each rolled on its own; empty when none (never together
 *     with {@code mirror})
 * @param corsPolicy {@code null} when the rule has none
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
    CorsPolicy corsPolicy) {

  public HTTPRoute {
    match = match == null ? List.of() : List.copyOf(match);
    route = route == null ? List.of() : List.copyOf(route);
    mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
    headers = headers == null ? Headers.NONE : headers;
  }

  /** True when this rule matches every request (no match blocks, or one without conditions). */
  public boolean isCatchAll() {
    return match.isEmpty() || match.stream().anyMatch(HTTPMatchRequest::isCatchAll);
  }
}
