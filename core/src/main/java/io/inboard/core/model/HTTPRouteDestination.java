package io.inboard.core.model;

/**
 * One weighted destination of a rule's {@code route}.
 *
 * @param weight the relative weight as written, or {@code null} when absent (a single destination
 *     then takes all traffic)
 * @param headers destination-level header operations, applied after the rule's
 */
public record HTTPRouteDestination(Destination destination, Integer weight, Headers headers) {
  public HTTPRouteDestination {
    headers = headers == null ? Headers.NONE : headers;
  }
}
