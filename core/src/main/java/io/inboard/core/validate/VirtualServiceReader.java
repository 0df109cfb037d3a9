package io.inboard.core.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.core.model.CorsPolicy;
import io.inboard.core.model.Delegate;
import io.inboard.core.model.Destination;
import io.inboard.core.model.HTTPDirectResponse;
import io.inboard.core.model.GrpcStatus;
import io.inboard.core.model.HTTPFaultInjection;
import io.inboard.core.model.HTTPMatchRequest;
import io.inboard.core.model.HTTPMirrorPolicy;
import io.inboard.core.model.HTTPRedirect;
import io.inboard.core.model.HTTPRetry;
import io.inboard.core.model.HTTPRewrite;
import io.inboard.core.model.HTTPRoute;
import io.inboard.core.model.HTTPRouteDestination;
import io.inboard.core.model.Headers;
import io.inboard.core.model.Percent;
import io.inboard.core.model.StringMatch;
import io.inboard.core.model.VirtualServiceSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads and validates a VirtualService {@code spec}; returns {@code null} when it has errors. */
final class VirtualServiceReader {
  static final String MESH = "mesh";

  private static final Schema SPEC =
      Schema.of("hosts", "gateways", "http", "exportTo").unsupported("tls", "tcp");
  private static final Schema RULE =
      Schema.of("name", "match", "route", "redirect", "directResponse", "delegate", "rewrite",
          "timeout", "retries", "fault", "mirror", "mirrorPercentage", "mirrorPercent", "mirrors",
          "headers", "corsPolicy");
  private static final Schema DELEGATE = Schema.of("name", "namespace");
  private static final Schema MATCH =
      Schema.of("name", "uri", "scheme", "method", "authority", "headers", "port", "sourceLabels",
              "gateways", "queryParams", "ignoreUriCase", "withoutHeaders", "sourceNamespace")
          .unsupported("statPrefix");
  private static final Schema ROUTE_DESTINATION = Schema.of("destination", "weight", "headers");
  private static final Schema REDIRECT =
      Schema.of("uri", "authority", "port", "derivePort", "scheme", "redirectCode");
  private static final Schema DIRECT_RESPONSE = Schema.of("status", "body");
  private static final Schema BODY = Schema.of("string", "bytes");
  private static final Schema REWRITE = Schema.of("uri", "authority", "uriRegexRewrite");
  private static final Schema REGEX_REWRITE = Schema.of("match", "rewrite");
  private static final Schema RETRIES =
      Schema.of("attempts", "perTryTimeout", "retryOn", "backoff", "retryIgnorePreviousHosts",
          "retryRemoteLocalities");
  private static final Schema FAULT = Schema.of("delay", "abort");
  private static final Schema DELAY =
      Schema.of("fixedDelay", "percentage", "percent").unsupported("exponentialDelay");
  private static final Schema ABORT =
      Schema.of("httpStatus", "grpcStatus", "percentage").unsupported("http2Error");

  /** Envoy's retry conditions, which Istio passes through; a status code is accepted too. */
  static final Set<String> RETRY_ON =
      Set.of("5xx", "gateway-error", "reset", "reset-before-request", "connect-failure",
          "envoy-ratelimited", "retriable-4xx", "refused-stream", "retriable-status-codes",
          "retriable-headers", "http3-post-connect-failure", "cancelled", "deadline-exceeded",
          "internal", "resource-exhausted", "unavailable");


  private VirtualServiceReader() {}

  /** @param namespace the resource's namespace, or {@code null} when its metadata is not valid */
  static VirtualServiceSpec read(Field spec, String namespace) {
    if (!spec.object(SPEC)) {
      return null;
    }
    List<String> gateways = gatewayNames(spec.get("gateways"));
    boolean meshBound = gateways.isEmpty() || gateways.contains(MESH);
    Field hostsField = spec.get("hosts");
    // As in Istio, a VirtualService without hosts is a delegate: its rules serve only through
    // another VirtualService's rule that delegates to it, which gives them its hosts and gateways.
    boolean delegate = !hostsField.present() || (hostsField.json().isArray() && hostsField.json().isEmpty());
    List<String> hosts = delegate ? List.of() : hosts(hostsField, meshBound);
    if (delegate && spec.has("gateways")) {
      spec.get("gateways").error("a VirtualService without hosts is a delegate, which takes its gateways from"
          + " the VirtualService delegating to it; remove gateways, or give hosts to make it a VirtualService"
          + " of its own");
    }

    Field http = spec.get("http");
    List<HTTPRoute> rules = new ArrayList<>();
    if (!http.present() || (http.json().isArray() && http.json().isEmpty())) {
      if (spec.has("tcp") || spec.has("tls")) {
        spec.warning("has no http rules: Inboard routes HTTP only, so this VirtualService does "
            + "nothing");
      } else {
        http.error("needs at least one rule, e.g. http: [{route: [{destination: {host: user}}]}]");
      }
    }
    for (Field item : http.items()) {
      HTTPRoute rule = rule(item);
      if (rule != null && rule.delegate() != null && delegate) {
        item.get("delegate").error("a delegate VirtualService (one without hosts) cannot delegate again: Istio"
            + " supports one level of delegation; give this rule a route, redirect or directResponse");
        continue;
      }
      if (rule != null) {
        rules.add(rule);
      }
    }
    List<String> exportTo = ExportToReader.read(spec.get("exportTo"), namespace, null);
    return new VirtualServiceSpec(hosts, gateways, rules, exportTo);
  }

  private static List<String> hosts(Field f, boolean meshBound) {
    List<String> hosts = new ArrayList<>();
    if (!f.present() || (f.json().isArray() && f.json().isEmpty())) {
      f.error("needs at least one host, e.g. hosts: [user] or hosts: [api.example.com]");
      return hosts;
    }
    Set<String> seen = new HashSet<>();
    for (Field item : f.items()) {
      String host = item.string();
      if (host == null) {
        continue;
      }
      host = host.toLowerCase(Locale.ROOT);
      if (host.equals("*")) {
        if (meshBound) {
          item.error("'*' matches every host, which is not allowed for the mesh; list the hosts, "
              + "or bind this VirtualService to gateways only (gateways without 'mesh')");
          continue;
        }
      } else {
        String problem = Hosts.problem(host, true);
        if (problem != null) {
          item.error(problem);
          continue;
        }
        host = Hosts.withoutTrailingDot(host);
      }
      if (!seen.add(host)) {
        item.error("duplicate host '" + host + "'; list each host once");
        continue;
      }
      hosts.add(host);
    }
    return hosts;
  }

  /** Gateway references: {@code mesh}, a name in this namespace, or {@code namespace/name}. */
  static List<String> gatewayNames(Field f) {
    List<String> out = new ArrayList<>();
    for (Field item : f.items()) {
      String name = item.string();
      if (name == null) {
        continue;
      }
      String problem = gatewayNameProblem(name);
      if (problem != null) {
        item.error(problem);
        continue;
      }
      out.add(name);
    }
    return out;
  }

  private static String gatewayNameProblem(String name) {
    if (name.equals(MESH)) {
      return null;
    }
    int slash = name.indexOf('/');
    if (slash >= 0) {
      String ns = name.substring(0, slash);
      String gw = name.substring(slash + 1);
      if (ns.isEmpty() || gw.isEmpty() || gw.contains("/")) {
        return "'" + name + "' is not a gateway reference; write namespace/name, e.g. "
            + "istio-system/ingress";
      }
      String nsProblem = Names.dns1123LabelProblem(ns, "a namespace");
      if (nsProblem != null) {
        return nsProblem;
      }
      return Names.dns1123LabelProblem(gw, "a gateway name");
    }
    if (name.contains(".")) {
      String[] parts = name.split("\\.");
      return "'" + name + "' is the legacy FQDN form of a gateway name; write it as namespace/name"
          + (parts.length > 1 ? ", e.g. '" + parts[1] + "/" + parts[0] + "'" : "");
    }
    return Names.dns1123LabelProblem(name, "a gateway name");
  }

  private static HTTPRoute rule(Field f) {
    if (!f.object(RULE)) {
      if (f.present()) {
        return null;
      }
      f.error("is empty; a rule needs a route, redirect or directResponse");
      return null;
    }
    String name = f.get("name").string();
    List<HTTPMatchRequest> matches = new ArrayList<>();
    for (Field m : f.get("match").items()) {
      HTTPMatchRequest match = match(m);
      if (match != null) {
        matches.add(match);
      }
    }
    List<HTTPRouteDestination> route = route(f.get("route"));
    HTTPRedirect redirect = redirect(f.get("redirect"));
    HTTPDirectResponse directResponse = directResponse(f.get("directResponse"));
    Delegate delegate = delegate(f.get("delegate"));
    actions(f);

    HTTPRewrite rewrite = rewrite(f.get("rewrite"));
    Duration timeout = f.get("timeout").istioDuration();
    HTTPRetry retries = retries(f.get("retries"));
    HTTPFaultInjection fault = fault(f.get("fault"));
    Destination mirror = MirrorsReader.mirror(f);
    Percent mirrorPercentage = MirrorsReader.mirrorPercentage(f);
    List<HTTPMirrorPolicy> mirrors = MirrorsReader.mirrors(f);
    Headers headers = f.has("headers") ? HeaderOperationsReader.read(f.get("headers")) : Headers.NONE;
    authorityConflict(f, rewrite, headers);
    CorsPolicy cors = CorsPolicyReader.read(f.get("corsPolicy"));

    return new HTTPRoute(name, matches, route, redirect, directResponse, rewrite, timeout, retries,
        fault, mirror, mirrorPercentage, mirrors, headers, cors, delegate);
  }

  /** {@code delegate: {name, namespace}}; {@code null} when absent or invalid. */
  private static Delegate delegate(Field f) {
    if (!f.object(DELEGATE)) {
      return null;
    }
    Field nameField = f.get("name");
    String name = nameField.string();
    if (!nameField.present()) {
      nameField.error("is required: the name of the VirtualService without hosts whose rules take this rule's"
          + " place, e.g. delegate: {name: user-routes, namespace: user-team}");
      return null;
    }
    if (name == null) {
      return null;
    }
    String problem = Names.dns1123LabelProblem(name, "a VirtualService name");
    if (problem != null) {
      nameField.error(problem);
      return null;
    }
    Field nsField = f.get("namespace");
    String namespace = nsField.string();
    if (namespace != null) {
      problem = Names.dns1123LabelProblem(namespace, "a namespace");
      if (problem != null) {
        nsField.error(problem);
        return null;
      }
    } else if (nsField.present()) {
      return null;
    }
    return new Delegate(name, namespace);
  }

  /** Exactly one action per rule, and no modifiers that a redirect would silently drop. */
  private static void actions(Field f) {
    List<String> present = new ArrayList<>();
    for (String action : List.of("route", "redirect", "directResponse", "delegate")) {
      if (f.has(action)) {
        present.add(action);
      }
    }
    if (present.isEmpty()) {
      f.error("has no action; give it a route, redirect, directResponse or delegate");
    } else if (present.size() > 1) {
      f.error("has " + String.join(" and ", present) + "; a rule takes exactly one of route, "
          + "redirect, directResponse or delegate");
    }
    if (f.has("redirect")) {
      if (f.has("fault")) {
        f.get("fault").error("a redirect is answered at once, so fault cannot apply; remove fault or"
            + " the redirect");
      }
      if (f.has("rewrite")) {
        f.get("rewrite").error("rewrite and redirect exclude each other; to send the client "
            + "elsewhere put the new uri in redirect.uri, otherwise use route with rewrite");
      }
    }
    if (f.has("corsPolicy") && (f.has("redirect") || f.has("directResponse"))) {
      // Envoy's CORS filter acts on routes to a destination only.
      String action = f.has("redirect") ? "redirect" : "directResponse";
      f.get("corsPolicy").warning("has no effect with " + action + ", which is answered without "
          + "CORS headers (as Envoy does); remove it, or move it to a rule with a route");
    }
    if (f.has("directResponse") && f.has("rewrite")) {
      f.get("rewrite").warning("has no effect with directResponse, which answers without "
          + "forwarding; remove it");
    }
  }

  private static HTTPMatchRequest match(Field f) {
    if (!f.present()) {
      // "- {}" or a bare "-": a block without conditions, which matches everything.
      return new HTTPMatchRequest(null, null, null, null, null, null, null, null, false, null,
          null, null, 0);
    }
    if (!f.object(MATCH)) {
      return null;
    }
    String name = f.get("name").string();
    StringMatch uri = StringMatches.read(f.get("uri"), false);
    StringMatch scheme = StringMatches.read(f.get("scheme"), false);
    StringMatch method = StringMatches.read(f.get("method"), false);
    StringMatch authority = StringMatches.read(f.get("authority"), false);
    Map<String, StringMatch> headers = headerMatches(f.get("headers"));
    Map<String, StringMatch> withoutHeaders = headerMatches(f.get("withoutHeaders"));
    Map<String, StringMatch> queryParams = new LinkedHashMap<>();
    f.get("queryParams").entries().forEach((param, value) -> {
      if (param.isEmpty()) {
        value.error("query parameter name must not be empty");
        return;
      }
      StringMatch m = StringMatches.read(value, true);
      if (m != null) {
        queryParams.put(param, m);
      }
    });
    Boolean ignoreUriCase = f.get("ignoreUriCase").bool();
    Map<String, String> sourceLabels = Labels.read(f.get("sourceLabels"));
    Field nsField = f.get("sourceNamespace");
    String sourceNamespace = nsField.string();
    if (sourceNamespace != null) {
      String problem = Names.dns1123LabelProblem(sourceNamespace, "a namespace");
      if (problem != null) {
        nsField.error(problem);
        sourceNamespace = null;
      }
    }
    List<String> gateways = gatewayNames(f.get("gateways"));
    // 0 is proto3's "unset": Istio checks the port only when it is not 0, and then matches any.
    Field portField = f.get("port");
    Integer port = isZero(portField) ? null : portField.integer(1, 65535);
    return new HTTPMatchRequest(name, uri, scheme, method, authority, headers, queryParams,
        withoutHeaders, Boolean.TRUE.equals(ignoreUriCase), sourceLabels, sourceNamespace,
        gateways, port == null ? 0 : port);
  }

  private static Map<String, StringMatch> headerMatches(Field f) {
    Map<String, StringMatch> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    f.entries().forEach((header, value) -> {
      String problem = HeaderNames.nameProblem(header);
      if (problem != null) {
        value.error(problem);
        return;
      }
      if (!seen.add(header.toLowerCase(Locale.ROOT))) {
        value.error("header '" + header + "' is listed twice (header names are case-insensitive);"
            + " keep one");
        return;
      }
      StringMatch m = StringMatches.read(value, true);
      if (m != null) {
        out.put(header, m);
      }
    });
    return out;
  }

  private static List<HTTPRouteDestination> route(Field f) {
    List<HTTPRouteDestination> out = new ArrayList<>();
    if (f.present() && f.json().isArray() && f.json().isEmpty()) {
      f.error("is empty; list at least one destination");
      return out;
    }
    List<Field> items = f.items();
    long total = 0;
    boolean weightsValid = true;
    for (Field item : items) {
      if (!item.object(ROUTE_DESTINATION)) {
        if (!item.present()) {
          item.error("is empty; give a destination, e.g. destination: {host: user}");
        }
        weightsValid = false;
        continue;
      }
      Destination destination = null;
      if (!item.has("destination")) {
        item.get("destination").error("is required, e.g. destination: {host: user, subset: v1}");
      } else {
        destination = Destinations.read(item.get("destination"));
      }
      Field weightField = item.get("weight");
      Integer weight = null;
      if (weightField.present()) {
        JsonNode w = weightField.json();
        if (w.isIntegralNumber() && w.canConvertToLong() && w.longValue() < 0) {
          weightField.error("weight " + w.longValue() + " is negative; weights are relative shares"
              + " of 0 or more (e.g. 90 and 10)");
          weightsValid = false;
        } else {
          Long value = weightField.longValue(0, Integer.MAX_VALUE);
          if (value == null) {
            weightsValid = false;
          } else {
            weight = (int) (long) value;
            total += value;
          }
        }
      }
      Headers headers =
          item.has("headers") ? HeaderOperationsReader.read(item.get("headers")) : Headers.NONE;
      if (destination != null) {
        out.add(new HTTPRouteDestination(destination, weight, headers));
      }
    }
    if (items.size() > 1 && weightsValid) {
      if (total == 0) {
        f.error("all weights are 0 or missing, so no destination would get traffic; give weights,"
            + " e.g. 90 and 10 (they are relative)");
      } else if (total > Integer.MAX_VALUE) {
        f.error("weights add up to " + total + ", too large; use smaller relative weights such as "
            + "percentages");
      } else {
        for (Field item : items) {
          if (item.present() && !item.has("weight")) {
            item.warning("has no weight, so it gets no traffic while other destinations have "
                + "weights; give it a weight, or remove it");
          }
        }
      }
    }
    return out;
  }

  private static HTTPRedirect redirect(Field f) {
    if (!f.object(REDIRECT)) {
      if (f.json() != null && f.json().isNull()) {
        f.error("is empty; give at least one of uri, authority, scheme or port");
      }
      return null;
    }
    String uri = f.get("uri").string();
    String authority = f.get("authority").string();
    Field portField = f.get("port");
    // 0 is Envoy's "no port redirect", which is what Istio hands it for port: 0.
    Integer port = isZero(portField) ? null : portField.integer(1, 65535);
    HTTPRedirect.DerivePort derivePort = derivePort(f.get("derivePort"));
    if (port != null && derivePort != null) {
      f.error("has port and derivePort; give only one of them (port names the location's port, "
          + "derivePort takes it from the request or the scheme)");
    }
    Field schemeField = f.get("scheme");
    String scheme = schemeField.string();
    if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
      schemeField.error("'" + scheme + "' is not a redirect scheme; use http or https");
    }
    Field codeField = f.get("redirectCode");
    Integer code = null;
    // 0 is proto3's "unset": Istio checks the code only when it is not 0, and redirects with 301.
    if (codeField.present() && !isZero(codeField)) {
      code = codeField.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
      if (code != null && (code < 300 || code > 399)) {
        codeField.error(code + " is not a redirect status; use a 3xx code such as 301, 302, 307 or "
            + "308");
        code = null;
      }
    }
    if (!f.has("uri") && !f.has("authority") && !f.has("port") && !f.has("scheme")
        && !f.has("derivePort")) {
      f.error("redirects nowhere; give at least one of uri, authority, scheme or port");
    }
    return new HTTPRedirect(uri, authority, port == null ? 0 : port, derivePort, scheme,
        code == null ? HTTPRedirect.DEFAULT_CODE : code);
  }

  /** {@code derivePort} by name (or its proto number, 0 or 1); {@code null} when absent or wrong. */
  private static HTTPRedirect.DerivePort derivePort(Field f) {
    if (!f.present()) {
      return null;
    }
    JsonNode json = f.json();
    if (json.isIntegralNumber() && json.canConvertToInt() && (json.intValue() == 0 || json.intValue() == 1)) {
      return HTTPRedirect.DerivePort.values()[json.intValue()];
    }
    String value = json.isTextual() ? json.textValue() : json.toString();
    for (HTTPRedirect.DerivePort p : HTTPRedirect.DerivePort.values()) {
      if (p.name().equals(value)) {
        return p;
      }
    }
    f.error("'" + value + "' is not a port selection; use FROM_PROTOCOL_DEFAULT (the scheme's "
        + "default port) or FROM_REQUEST_PORT (the port the request was sent to)");
    return null;
  }

  /** Whether the field is the number 0, which Istio reads as an unset proto3 scalar. */
  private static boolean isZero(Field f) {
    return f.present() && f.json().isIntegralNumber() && f.json().canConvertToLong()
        && f.json().longValue() == 0;
  }

  private static HTTPDirectResponse directResponse(Field f) {
    if (!f.object(DIRECT_RESPONSE)) {
      if (f.json() != null && f.json().isNull()) {
        f.error("is empty; give a status, e.g. {status: 503, body: {string: unavailable}}");
      }
      return null;
    }
    Field statusField = f.get("status");
    Integer status = null;
    if (!statusField.present()) {
      statusField.error("is required, e.g. status: 503");
    } else {
      status = statusField.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
      if (status != null && (status < 200 || status > 599)) {
        statusField.error(status + " is not a response status; use 200-599");
        status = null;
      }
    }
    String body = null;
    Field bodyField = f.get("body");
    if (bodyField.object(BODY)) {
      if (bodyField.has("string") && bodyField.has("bytes")) {
        bodyField.error("has string and bytes; give only one of them");
      } else if (bodyField.has("bytes")) {
        body = bodyBytes(bodyField.get("bytes"));
      } else {
        body = bodyField.get("string").string();
      }
    }
    return status == null ? null : new HTTPDirectResponse(status, body);
  }

  /**
   * {@code body.bytes}: base64, as protobuf's JSON mapping reads bytes (standard or URL-safe
   * alphabet, padding optional). The gateway and the agent send text bodies, so the bytes must be
   * UTF-8 text; a binary body is an error rather than a body sent changed.
   */
  private static String bodyBytes(Field f) {
    String text = f.string();
    if (text == null) {
      return null;
    }
    byte[] bytes;
    try {
      String standard = text.replace('-', '+').replace('_', '/');
      bytes = Base64.getDecoder().decode(
          standard.length() % 4 == 0 ? standard : standard + "=".repeat(4 - standard.length() % 4));
    } catch (IllegalArgumentException e) {
      f.error("is not base64 (" + e.getMessage() + "); give the body's bytes in base64, or the text "
          + "itself in body.string");
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      f.error("decodes to " + bytes.length + (bytes.length == 1 ? " byte that is" : " bytes that are")
          + " not UTF-8 text; Inboard answers with "
          + "text bodies only, so give a text body (in body.string or as base64 of its UTF-8 bytes)");
      return null;
    }
  }

  private static HTTPRewrite rewrite(Field f) {
    if (!f.object(REWRITE)) {
      return null;
    }
    String uri = f.get("uri").string();
    Field authorityField = f.get("authority");
    String authority = authorityField.string();
    if (authority != null && authority.isEmpty()) {
      authorityField.error("must not be empty; remove it to keep the authority");
      authority = null;
    }
    if (!f.has("uri") && !f.has("authority") && !f.has("uriRegexRewrite")) {
      f.error("rewrites nothing; give uri, uriRegexRewrite or authority");
    }
    HTTPRewrite.RegexRewrite regexRewrite = null;
    if (f.has("uriRegexRewrite")) {
      if (f.has("uri")) {
        f.error("has uri and uriRegexRewrite; give only one of them (uri replaces the matched "
            + "prefix, uriRegexRewrite rewrites the path by a regex)");
      } else {
        regexRewrite = regexRewrite(f.get("uriRegexRewrite"));
      }
    }
    return uri == null && authority == null && regexRewrite == null
        ? null : new HTTPRewrite(uri, authority, regexRewrite);
  }

  /**
   * {@code uriRegexRewrite}: both parts required (as Istio checks), the match a valid RE2 regex
   * within Istio's limits, and the rewrite naming only groups the match has (Envoy refuses
   * {@code \3} for a regex with two groups when it loads the route).
   */
  private static HTTPRewrite.RegexRewrite regexRewrite(Field f) {
    if (!f.object(REGEX_REWRITE)) {
      return null;
    }
    Field matchField = f.get("match");
    Field rewriteField = f.get("rewrite");
    String match = matchField.string();
    String rewrite = rewriteField.string();
    boolean valid = true;
    if (match == null || match.isEmpty()) {
      matchField.error("is required: the RE2 regex whose matches in the path are replaced, e.g. "
          + "'^/service/([^/]+)(/.*)$'");
      valid = false;
    } else {
      String problem = Regexes.problem(match);
      if (problem != null) {
        matchField.error(problem);
        valid = false;
      }
    }
    if (rewrite == null || rewrite.isEmpty()) {
      rewriteField.error("is required: what each match is replaced by, with \\1 to \\9 for the "
          + "match's groups, e.g. '\\2/instance/\\1'");
      valid = false;
    } else if (valid) {
      String problem = Regexes.substitutionProblem(match, rewrite);
      if (problem != null) {
        rewriteField.error(problem);
        valid = false;
      }
    }
    return valid ? new HTTPRewrite.RegexRewrite(match, rewrite) : null;
  }

  private static HTTPRetry retries(Field f) {
    if (!f.object(RETRIES)) {
      return null;
    }
    Integer attempts = f.get("attempts").integer(0, Integer.MAX_VALUE);
    Duration perTry = f.get("perTryTimeout").istioDuration();
    Field retryOnField = f.get("retryOn");
    String retryOn = retryOnField.string();
    List<String> conditions = new ArrayList<>();
    if (retryOn != null) {
      for (String raw : retryOn.split(",", -1)) {
        String c = raw.trim();
        if (RETRY_ON.contains(c) || isStatusCode(c)) {
          conditions.add(c);
        } else {
          retryOnField.error("'" + c + "' is not a retry condition; use e.g. 5xx, gateway-error, "
              + "connect-failure, reset, retriable-4xx, refused-stream or a status code like 503, "
              + "separated by commas");
        }
      }
    }
    Duration backoff = f.get("backoff").istioDuration();
    Boolean ignorePreviousHosts = f.get("retryIgnorePreviousHosts").bool();
    Boolean remoteLocalities = f.get("retryRemoteLocalities").bool();
    boolean attemptsGiven = f.get("attempts").present();
    if ((!attemptsGiven || (attempts != null && attempts == 0))
        && (f.has("perTryTimeout") || f.has("retryOn") || f.has("backoff"))) {
      f.get("attempts").error((attemptsGiven ? "attempts is 0" : "attempts is missing")
          + ", which disables retries, but perTryTimeout, retryOn or backoff is set; give attempts "
          + "(e.g. 3) or remove the others");
    }
    return new HTTPRetry(attempts == null ? 0 : attempts, perTry, conditions, backoff,
        ignorePreviousHosts == null || ignorePreviousHosts, remoteLocalities != null && remoteLocalities);
  }

  private static boolean isStatusCode(String s) {
    if (!s.matches("\\d{3}")) {
      return false;
    }
    int code = Integer.parseInt(s);
    return code >= 100 && code <= 599;
  }

  private static HTTPFaultInjection fault(Field f) {
    if (!f.object(FAULT)) {
      return null;
    }
    if (!f.has("delay") && !f.has("abort")) {
      f.error("needs a delay, an abort, or both");
      return null;
    }
    HTTPFaultInjection.Delay delay = null;
    Field d = f.get("delay");
    if (d.object(DELAY)) {
      Duration fixed = d.get("fixedDelay").istioDuration();
      if (!d.has("fixedDelay") && !d.has("exponentialDelay")) {
        d.get("fixedDelay").error("is required, e.g. fixedDelay: 5s");
      }
      Percent percentage = faultPercentage(d);
      if (fixed != null) {
        delay = new HTTPFaultInjection.Delay(fixed, percentage);
      }
    }
    HTTPFaultInjection.Abort abort = null;
    Field a = f.get("abort");
    if (a.object(ABORT)) {
      Field statusField = a.get("httpStatus");
      Field grpcField = a.get("grpcStatus");
      Integer status = null;
      int grpc = -1;
      if (statusField.present() && grpcField.present()) {
        grpcField.error("give httpStatus or grpcStatus, not both (Istio's abort is one of them)");
      } else if (statusField.present()) {
        status = statusField.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (status != null && (status < 200 || status > 599)) {
          statusField.error(status + " is not an HTTP status to abort with; use 200-599");
          status = null;
        }
      } else if (grpcField.present()) {
        grpc = grpcStatus(grpcField);
      } else if (!a.has("http2Error")) {
        statusField.error("is required, e.g. httpStatus: 503 (or grpcStatus: UNAVAILABLE for gRPC)");
      }
      Percent percentage = a.get("percentage").percent();
      if (status != null) {
        abort = new HTTPFaultInjection.Abort(status, percentage);
      } else if (grpc >= 0) {
        abort = HTTPFaultInjection.Abort.grpc(grpc, percentage);
      }
    }
    return delay == null && abort == null ? null : new HTTPFaultInjection(delay, abort);
  }

  /**
   * {@code abort.grpcStatus}: a gRPC status name as Istio writes it ({@code UNAVAILABLE}), or its number
   * (0-16); the code, or -1 after an error.
   */
  private static int grpcStatus(Field f) {
    String text = f.json().isIntegralNumber() ? f.json().asText() : f.string();
    if (text == null) {
      return -1;
    }
    int code = GrpcStatus.parse(text);
    if (code < 0) {
      f.error("'" + text + "' is not a gRPC status; use one of " + String.join(", ", GrpcStatus.names())
          + " (e.g. grpcStatus: UNAVAILABLE), or its code 0-16");
    }
    return code;
  }

  /** {@code percentage: {value: N}}, or the deprecated whole-number {@code percent: N}. */
  private static Percent faultPercentage(Field d) {
    Field percent = d.get("percent");
    if (percent.present() && d.has("percentage")) {
      percent.error("give percentage or the deprecated percent, not both");
      return null;
    }
    if (percent.present()) {
      Integer p = percent.integer(0, 100);
      if (p == null) {
        return null;
      }
      percent.warning("percent is deprecated; write percentage: {value: " + p + "}");
      return new Percent(p);
    }
    return d.get("percentage").percent();
  }

  /** The authority may be rewritten in one place only: rewrite.authority or a Host header. */
  private static void authorityConflict(Field f, HTTPRewrite rewrite, Headers headers) {
    if (rewrite == null || rewrite.authority() == null) {
      return;
    }
    for (String op : List.of("set", "add")) {
      Map<String, String> ops = op.equals("set") ? headers.request().set() : headers.request().add();
      for (String name : ops.keySet()) {
        if (name.equalsIgnoreCase("host")) {
          f.get("headers").get("request").get(op).get(name).error("the authority is already "
              + "rewritten by rewrite.authority; set it in one place only");
        }
      }
    }
  }
}
