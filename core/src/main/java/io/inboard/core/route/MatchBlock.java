package io.inboard.core.route;

import io.inboard.core.mesh.Workload;
import io.inboard.core.model.HTTPMatchRequest;
import io.inboard.core.model.StringMatch;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compiled {@code match} block: every condition must hold. Evaluation returns a condition code
 * instead of a message, so deciding allocates nothing; only explain turns the code into words.
 */
final class MatchBlock {
  static final int MATCHED = -1;
  private static final int GATEWAYS = 0;
  private static final int SOURCE_NAMESPACE = 1;
  private static final int SOURCE_LABELS = 2;
  private static final int PORT = 3;
  private static final int URI = 4;
  private static final int SCHEME = 5;
  private static final int METHOD = 6;
  private static final int AUTHORITY = 7;
  private static final int HEADER = 100;
  private static final int QUERY = 10_000;
  private static final int WITHOUT_HEADER = 20_000;

  final ValueMatcher uri;
  private final ValueMatcher scheme;
  private final ValueMatcher method;
  private final ValueMatcher authority;
  private final String[] headerNames;
  private final ValueMatcher[] headers;
  private final String[] queryNames;
  private final ValueMatcher[] queries;
  private final String[] withoutNames;
  private final ValueMatcher[] withouts;
  private final String[] labelKeys;
  private final String[] labelValues;
  private final String sourceNamespace;
  /** Resolved gateway names ({@code ns/name} or {@code mesh}); empty: the service's own. */
  final Set<String> gateways;
  private final int port;

  MatchBlock(HTTPMatchRequest m, Set<String> resolvedGateways) {
    uri = ValueMatcher.of(m.uri(), m.ignoreUriCase());
    scheme = ValueMatcher.of(m.scheme(), false);
    method = ValueMatcher.of(m.method(), false);
    authority = ValueMatcher.of(m.authority(), false);
    headerNames = keys(m.headers());
    headers = values(m.headers(), headerNames);
    queryNames = keys(m.queryParams());
    queries = values(m.queryParams(), queryNames);
    withoutNames = keys(m.withoutHeaders());
    withouts = values(m.withoutHeaders(), withoutNames);
    labelKeys = m.sourceLabels().keySet().stream().sorted().toArray(String[]::new);
    labelValues = new String[labelKeys.length];
    for (int i = 0; i < labelKeys.length; i++) {
      labelValues[i] = m.sourceLabels().get(labelKeys[i]);
    }
    sourceNamespace = m.sourceNamespace();
    gateways = resolvedGateways;
    port = m.port();
  }

  private static String[] keys(Map<String, StringMatch> map) {
    return map.keySet().stream().sorted().toArray(String[]::new);
  }

  private static ValueMatcher[] values(Map<String, StringMatch> map, String[] keys) {
    ValueMatcher[] out = new ValueMatcher[keys.length];
    for (int i = 0; i < keys.length; i++) {
      out[i] = ValueMatcher.of(map.get(keys[i]), false);
    }
    return out;
  }

  /**
   * The name of the one header this block tests when that is its only condition (the common
   * "header X matches" rule), else {@code null}; lets the router test such rules in a tight loop.
   */
  String singleHeaderName() {
    boolean single = headers.length == 1 && gateways.isEmpty() && sourceNamespace == null
        && labelKeys.length == 0 && port == 0 && uri == null && scheme == null && method == null
        && authority == null && queries.length == 0 && withouts.length == 0;
    return single ? headerNames[0] : null;
  }

  /**
   * Whether Istio counts this block as a catch-all route when it builds a gateway's route table:
   * its uri matches every path (absent, prefix {@code /} or regex {@code .*}) and it tests no
   * header, query parameter, method, scheme or authority (Envoy tests those three as headers).
   * Conditions that Inboard keeps and Istio settles when it builds the routes (source, port) make a
   * block no catch-all here.
   */
  boolean catchAll() {
    boolean anyPath = uri == null
        || uri.kind == ValueMatcher.Kind.PREFIX && uri.value.equals("/")
        || uri.kind == ValueMatcher.Kind.REGEX && uri.value.equals(".*");
    return anyPath && scheme == null && method == null && authority == null && headers.length == 0
        && queries.length == 0 && withouts.length == 0 && labelKeys.length == 0 && sourceNamespace == null
        && port == 0;
  }

  ValueMatcher singleHeaderMatcher() {
    return headers[0];
  }

  void collectHeaderNames(Set<String> into) {
    into.addAll(List.of(headerNames));
    into.addAll(List.of(withoutNames));
  }

  /**
   * {@link #MATCHED}, or the code of the first condition that does not hold.
   *
   * @param context {@code mesh} or the gateway's {@code ns/name}
   * @param inherited the service's gateways, used when this block names none
   */
  int firstFailure(RequestView r, String context, Set<String> inherited) {
    if (!(gateways.isEmpty() ? inherited : gateways).contains(context)) {
      return GATEWAYS;
    }
    if (sourceNamespace != null) {
      Workload w = r.source();
      if (w == null || !sourceNamespace.equals(w.namespace())) {
        return SOURCE_NAMESPACE;
      }
    }
    if (labelKeys.length > 0) {
      Workload w = r.source();
      if (w == null) {
        return SOURCE_LABELS;
      }
      Map<String, String> labels = w.labels();
      for (int i = 0; i < labelKeys.length; i++) {
        if (!labelValues[i].equals(labels.get(labelKeys[i]))) {
          return SOURCE_LABELS;
        }
      }
    }
    if (port != 0 && port != Authority.port(r.authority(), r.scheme())) {
      return PORT;
    }
    if (uri != null && !uri.matches(r.path())) {
      return URI;
    }
    if (scheme != null && !scheme.matches(r.scheme())) {
      return SCHEME;
    }
    if (method != null && !method.matches(r.method())) {
      return METHOD;
    }
    if (authority != null && !authority.matches(r.authority())) {
      return AUTHORITY;
    }
    for (int i = 0; i < headers.length; i++) {
      if (!headers[i].matches(r.header(headerNames[i]))) {
        return HEADER + i;
      }
    }
    for (int i = 0; i < queries.length; i++) {
      if (!queries[i].matches(QueryString.first(r.query(), queryNames[i]))) {
        return QUERY + i;
      }
    }
    for (int i = 0; i < withouts.length; i++) {
      if (withouts[i].matches(withoutValue(i, r))) {
        return WITHOUT_HEADER + i;
      }
    }
    return MATCHED;
  }

  /**
   * The value withoutHeaders[i] tests. Istio sends withoutHeaders to Envoy inverted and, except
   * for the present form {@code {}}, with {@code treat_missing_header_as_empty}: an absent header
   * is tested as "" before inverting, so {@code {exact: ""}} or {@code {regex: ".*"}} excludes
   * requests without the header. The present form tests absence itself: absent passes.
   */
  private String withoutValue(int i, RequestView r) {
    String value = r.header(withoutNames[i]);
    return value == null && withouts[i].kind != ValueMatcher.Kind.PRESENT ? "" : value;
  }

  /** Words for a failure code, e.g. {@code headers[mode] exact "dev" did not match (absent)}. */
  String describe(int code, RequestView r, String context, Set<String> inherited) {
    switch (code) {
      case GATEWAYS:
        return "gateways " + (gateways.isEmpty() ? inherited : gateways) + " do not include " + context;
      case SOURCE_NAMESPACE:
        return "sourceNamespace \"" + sourceNamespace + "\" did not match "
            + (r.source() == null ? "(no calling workload)" : "\"" + r.source().namespace() + "\"");
      case SOURCE_LABELS:
        return "sourceLabels " + labelsText() + " did not match "
            + (r.source() == null ? "(no calling workload)" : r.source().labels().toString());
      case PORT:
        return "port " + port + " did not match " + Authority.port(r.authority(), r.scheme());
      case URI:
        return "uri " + uri.description + " did not match " + quoted(r.path());
      case SCHEME:
        return "scheme " + scheme.description + " did not match " + quoted(r.scheme());
      case METHOD:
        return "method " + method.description + " did not match " + quoted(r.method());
      case AUTHORITY:
        return "authority " + authority.description + " did not match " + quoted(r.authority());
      default:
        break;
    }
    if (code >= WITHOUT_HEADER) {
      int i = code - WITHOUT_HEADER;
      String actual = r.header(withoutNames[i]);
      return "withoutHeaders[" + withoutNames[i] + "] " + withouts[i].description + " matched "
          + (actual == null ? "(absent, tested as \"\")" : quoted(actual));
    }
    if (code >= QUERY) {
      int i = code - QUERY;
      return "queryParams[" + queryNames[i] + "] " + queries[i].description + " did not match "
          + quoted(QueryString.first(r.query(), queryNames[i]));
    }
    int i = code - HEADER;
    return "headers[" + headerNames[i] + "] " + headers[i].description + " did not match "
        + quoted(r.header(headerNames[i]));
  }

  private String labelsText() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < labelKeys.length; i++) {
      b.append(i == 0 ? "" : ", ").append(labelKeys[i]).append('=').append(labelValues[i]);
    }
    return b.append('}').toString();
  }

  private static String quoted(String value) {
    return value == null ? "(absent)" : "\"" + value + "\"";
  }
}
