package io.inboard.core.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.core.parse.ParsedResource;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;

/**
 * The order in which Istio lists resources of one kind when it merges them (the routes of several
 * VirtualServices for one host on a gateway, the servers of several Gateways on one port): oldest
 * {@code metadata.creationTimestamp} first, then by name, then by namespace. Inboard's config server
 * stamps no creation time, so resources without one (or with one that is not RFC 3339) count as
 * created at the same instant, before any stamped one, as Istio treats a zero timestamp: their
 * order is then by name and namespace.
 */
public final class CreationOrder {
  /** Oldest first, then name, then namespace. */
  public static final Comparator<ParsedResource> OLDEST_FIRST =
      Comparator.comparing(CreationOrder::created)
          .thenComparing((ParsedResource p) -> p.resource().metadata().name())
          .thenComparing(p -> p.resource().metadata().namespace());

  private CreationOrder() {}

  /** The resource's {@code metadata.creationTimestamp}, or {@link Instant#MIN} when it has none. */
  static Instant created(ParsedResource parsed) {
    JsonNode source = parsed.source();
    JsonNode stamp = source == null ? null : source.path("metadata").get("creationTimestamp");
    if (stamp == null || !stamp.isTextual()) {
      return Instant.MIN;
    }
    try {
      return Instant.parse(stamp.textValue());
    } catch (DateTimeParseException e) {
      return Instant.MIN;
    }
  }
}
