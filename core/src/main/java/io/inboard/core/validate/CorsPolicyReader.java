package io.inboard.core.validate;

import io.inboard.core.model.CorsPolicy;
import io.inboard.core.model.StringMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads an {@code http} rule's {@code corsPolicy}, checked as Istio checks it. */
final class CorsPolicyReader {
  private static final Schema CORS =
      Schema.of("allowOrigins", "allowOrigin", "allowMethods", "allowHeaders", "exposeHeaders",
          "maxAge", "allowCredentials", "unmatchedPreflights");
  /** The methods Istio accepts in {@code allowMethods} (Go's, upper case). */
  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE");
  private static final Set<String> METHOD_SET = Set.copyOf(METHODS);

  private CorsPolicyReader() {}

  /** The policy, or {@code null} when absent or not a mapping (reported). */
  static CorsPolicy read(Field f) {
    if (!f.object(CORS)) {
      return null;
    }
    List<StringMatch> origins = origins(f);
    List<String> methods = methods(f.get("allowMethods"));
    List<String> allowHeaders = headerNames(f.get("allowHeaders"));
    List<String> exposeHeaders = headerNames(f.get("exposeHeaders"));
    Duration maxAge = maxAge(f.get("maxAge"));
    Boolean credentials = f.get("allowCredentials").bool();
    CorsPolicy.UnmatchedPreflights unmatched = unmatchedPreflights(f.get("unmatchedPreflights"));
    return new CorsPolicy(origins, methods, allowHeaders, exposeHeaders, maxAge, credentials, unmatched);
  }

  /**
   * {@code allowOrigins}, else the deprecated {@code allowOrigin} as exact matches; as Istio
   * translates it, the deprecated list is not read when the new one is given.
   */
  private static List<StringMatch> origins(Field f) {
    Field origins = f.get("allowOrigins");
    Field old = f.get("allowOrigin");
    List<StringMatch> out = new ArrayList<>();
    if (old.present()) {
      if (origins.present()) {
        old.warning("allowOrigin is deprecated and ignored when allowOrigins is given (as in Istio);"
            + " remove it");
      } else {
        List<String> exact = new ArrayList<>();
        for (Field item : old.items()) {
          String origin = item.string();
          if (origin == null) {
            continue;
          }
          if (origin.isEmpty()) {
            item.error("an empty origin matches no request; give an origin such as "
                + "https://app.example.com, or * for any");
            continue;
          }
          exact.add(origin);
          out.add(StringMatch.exact(origin));
        }
        if (!exact.isEmpty()) {
          old.warning("allowOrigin is deprecated; write allowOrigins: [" + exactList(exact) + "]");
        }
      }
    }
    for (Field item : origins.items()) {
      StringMatch m = StringMatches.read(item, false);
      if (m == null) {
        continue;
      }
      if (m instanceof StringMatch.Exact e && e.value().isEmpty()
          || m instanceof StringMatch.Prefix p && p.value().isEmpty()) {
        item.error("an empty origin is not a valid match (as in Istio); give an origin such as "
            + "{exact: https://app.example.com}, or {exact: \"*\"} for any");
        continue;
      }
      out.add(m);
    }
    if (!origins.present() && !old.present()) {
      f.warning("has no allowOrigins, so no origin is allowed: no answer gets CORS headers; add "
          + "e.g. allowOrigins: [{exact: https://app.example.com}]");
    }
    return out;
  }

  private static String exactList(List<String> origins) {
    List<String> parts = new ArrayList<>();
    for (String o : origins) {
      parts.add("{exact: " + (o.equals("*") ? "\"*\"" : o) + "}");
    }
    return String.join(", ", parts);
  }

  private static List<String> methods(Field f) {
    List<String> out = new ArrayList<>();
    for (Field item : f.items()) {
      String method = item.string();
      if (method == null) {
        continue;
      }
      if (METHOD_SET.contains(method)) {
        out.add(method);
      } else if (METHOD_SET.contains(method.toUpperCase(Locale.ROOT))) {
        item.error("'" + method + "' must be upper case, as Istio requires: "
            + method.toUpperCase(Locale.ROOT));
      } else {
        item.error("'" + Names.abbreviate(method) + "' is not an HTTP method Istio accepts here; list"
            + " each of " + String.join(", ", METHODS) + " as its own item");
      }
    }
    return out;
  }

  /**
   * Header names for {@code allowHeaders} or {@code exposeHeaders}. An item holding a
   * comma-separated list is read as its names: Envoy joins the items with commas anyway.
   */
  private static List<String> headerNames(Field f) {
    List<String> out = new ArrayList<>();
    for (Field item : f.items()) {
      String value = item.string();
      if (value == null) {
        continue;
      }
      for (String raw : value.split(",", -1)) {
        String name = raw.trim();
        String problem = HeaderNames.nameProblem(name);
        if (problem != null) {
          item.error(problem);
        } else {
          out.add(name);
        }
      }
    }
    return out;
  }

  /**
   * As Istio: at least 1ms and, since {@code Access-Control-Max-Age} counts seconds, no fraction
   * of a second; so at least 1s.
   */
  private static Duration maxAge(Field f) {
    Duration d = f.duration(Duration.ofSeconds(1));
    if (d != null && d.toNanosPart() != 0) {
      f.error("'" + Names.abbreviate(f.json().textValue()) + "' is finer than a second; maxAge is "
          + "sent in whole seconds (as Istio requires), e.g. " + Durations.format(Duration.ofSeconds(d.getSeconds())));
      return null;
    }
    return d;
  }

  private static CorsPolicy.UnmatchedPreflights unmatchedPreflights(Field f) {
    String value = f.string();
    if (value == null) {
      return CorsPolicy.UnmatchedPreflights.UNSPECIFIED;
    }
    for (CorsPolicy.UnmatchedPreflights v : CorsPolicy.UnmatchedPreflights.values()) {
      if (v.name().equals(value)) {
        return v;
      }
    }
    f.error("'" + Names.abbreviate(value) + "' is not a value of unmatchedPreflights; use FORWARD (the"
        + " default: the destination answers preflights from origins not allowed) or IGNORE (the"
        + " gateway answers them itself, without CORS headers)");
    return CorsPolicy.UnmatchedPreflights.UNSPECIFIED;
  }
}
