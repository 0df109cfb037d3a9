package io.inboard.core.model;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code match} block of an HTTP rule: every condition it has must hold (AND). Absent string
 * conditions are {@code null}; absent maps and lists are empty.
 *
 * @param headers header conditions, keyed by lower-cased header name
 * @param withoutHeaders headers that must NOT match, keyed by lower-cased header name
 * @param queryParams query parameter conditions, keyed by name as written (case-sensitive)
 * @param sourceNamespace the caller's namespace, or {@code null}
 * @param gateways the gateways this block applies to (empty: the rule's own gateways)
 * @param port the port the request was sent to, or 0 when not given
 */
public record HTTPMatchRequest(
    String name,
    StringMatch uri,
    StringMatch scheme,
    StringMatch method,
    StringMatch authority,
    Map<String, StringMatch> headers,
    Map<String, StringMatch> queryParams,
    Map<String, StringMatch> withoutHeaders,
    boolean ignoreUriCase,
    Map<String, String> sourceLabels,
    String sourceNamespace,
    List<String> gateways,
    int port) {

  public HTTPMatchRequest {
    headers = lowerCaseKeys(headers);
    queryParams = queryParams == null ? Map.of() : Map.copyOf(queryParams);
    withoutHeaders = lowerCaseKeys(withoutHeaders);
    sourceLabels = sourceLabels == null ? Map.of() : Map.copyOf(sourceLabels);
    gateways = gateways == null ? List.of() : List.copyOf(gateways);
  }

  /** True when the block has no condition at all, so it matches every request. */
  public boolean isCatchAll() {
    return uri == null
        && scheme == null
        && method == null
        && authority == null
        && headers.isEmpty()
        && queryParams.isEmpty()
        && withoutHeaders.isEmpty()
        && sourceLabels.isEmpty()
        && sourceNamespace == null
        && gateways.isEmpty()
        && port == 0;
  }

  // Header names are case-insensitive on the wire; lower-casing once here keeps the router simple.
  private static Map<String, StringMatch> lowerCaseKeys(Map<String, StringMatch> in) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    Map<String, StringMatch> out = new HashMap<>();
    in.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return Map.copyOf(out);
  }
}
