package io.inboard.core.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Workload;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request to explain, as {@code inboardctl explain} and {@code POST /v1/explain} describe it:
 * {@code {"method":"GET","url":"http://user/","headers":{"mode":"dev"},
 * "from":"traffic-management/frontend,version=v1","gateway":null,"gatewayPort":null,"samples":0,
 * "varyHeader":null}}, and {@code "sni"} when it is given.
 *
 * @param headers lower-case names to values (a JSON value may be a string or a list of strings)
 * @param from the calling workload inside the mesh, or {@code null}
 * @param gateway {@code ns/name} of a Gateway: the request arrives at the gateway workload that
 *     Gateway selects, and is decided through the route table that workload merges on its port from
 *     every Gateway selecting it; or {@code null}. When set, {@code from} is ignored (a request at a
 *     gateway comes from outside the mesh)
 * @param samples 0 for one explained decision; N for counts over N decisions
 * @param varyHeader with samples: a header given a distinct value per sample ({@code user-<i>})
 * @param gatewayPort with {@code gateway}: the gateway port the request arrives on; {@code null}:
 *     the URL's port if the Gateway has a server there, else its first HTTP server's port (HTTPS
 *     server's for an {@code https://} URL)
 * @param sni with {@code gateway} and an {@code https://} URL: the SNI the client sends, which picks
 *     the HTTPS server; {@code null}: the URL's host; empty: none
 */
public record ExplainRequest(
    String method,
    String url,
    Map<String, List<String>> headers,
    Workload from,
    String gateway,
    int samples,
    String varyHeader,
    Integer gatewayPort,
    String sni) {
  /** Refuses more samples than this, to keep one request cheap. */
  public static final int MAX_SAMPLES = 1_000_000;

  public ExplainRequest {
    if (method == null || method.isBlank()) {
      method = "GET";
    }
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("url is required, e.g. \"url\": \"http://user/list\"");
    }
    Map<String, List<String>> lower = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((k, v) -> lower.computeIfAbsent(k.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(v));
    }
    lower.replaceAll((k, v) -> List.copyOf(v));
    headers = java.util.Collections.unmodifiableMap(lower);
    if (samples < 0 || samples > MAX_SAMPLES) {
      throw new IllegalArgumentException("samples must be between 0 and " + MAX_SAMPLES + ", got " + samples);
    }
    if (varyHeader != null && samples == 0) {
      throw new IllegalArgumentException("varyHeader needs samples > 0: it gives each sample its own value");
    }
    if (gatewayPort != null && gateway == null) {
      throw new IllegalArgumentException("gatewayPort needs gateway: it is the port of the gateway the request arrives at");
    }
    if (gatewayPort != null && (gatewayPort < 1 || gatewayPort > 65_535)) {
      throw new IllegalArgumentException("gatewayPort must be a port number from 1 to 65535, got " + gatewayPort);
    }
    if (sni != null && (gateway == null || !url.regionMatches(true, 0, "https:", 0, 6))) {
      throw new IllegalArgumentException("sni needs gateway and an https:// URL: it is the name a TLS client sends "
          + "the gateway's HTTPS port");
    }
    if (gateway != null && gateway.indexOf('/') <= 0) {
      throw new IllegalArgumentException("gateway '" + gateway + "' must be NAMESPACE/NAME, e.g. traffic-management/microservice-gateway");
    }
  }

  /** Without a gateway port: the default one when {@code gateway} is set. */
  public ExplainRequest(
      String method, String url, Map<String, List<String>> headers, Workload from, String gateway, int samples,
      String varyHeader) {
    this(method, url, headers, from, gateway, samples, varyHeader, null, null);
  }

  /** Without an SNI: the URL's host for an {@code https://} URL at a gateway. */
  public ExplainRequest(String method, String url, Map<String, List<String>> headers, Workload from, String gateway,
      int samples, String varyHeader, Integer gatewayPort) {
    this(method, url, headers, from, gateway, samples, varyHeader, gatewayPort, null);
  }

  /**
   * Parses {@code NAMESPACE/SERVICE[,key=value...]}, e.g.
   * {@code traffic-management/frontend,version=v1}.
   *
   * @throws IllegalArgumentException saying what is wrong and the expected form
   */
  public static Workload parseWorkload(String text) {
    String[] parts = text.split(",");
    int slash = parts[0].indexOf('/');
    if (slash <= 0 || slash == parts[0].length() - 1) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a workload: give NAMESPACE/SERVICE[,key=value...], e.g. traffic-management/frontend,version=v1");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "label '" + parts[i] + "' in '" + text + "' must be key=value, e.g. version=v1");
      }
      labels.put(parts[i].substring(0, eq).trim(), parts[i].substring(eq + 1).trim());
    }
    return new Workload(parts[0].substring(0, slash).trim(), parts[0].substring(slash + 1).trim(), labels);
  }

  /** The inverse of {@link #parseWorkload}. */
  public static String formatWorkload(Workload w) {
    StringBuilder b = new StringBuilder(w.namespace()).append('/').append(w.service());
    new java.util.TreeMap<>(w.labels()).forEach((k, v) -> b.append(',').append(k).append('=').append(v));
    return b.toString();
  }

  /**
   * Reads the JSON form.
   *
   * @throws IllegalArgumentException naming the field that is wrong and how to fix it
   */
  public static ExplainRequest fromJson(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("the explain request must be a JSON object with at least \"url\"");
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String f = names.next();
      if (!List.of("method", "url", "headers", "from", "gateway", "gatewayPort", "sni", "samples", "varyHeader")
          .contains(f)) {
        throw new IllegalArgumentException("unknown field '" + f
            + "'; the fields are method, url, headers, from, gateway, gatewayPort, sni, samples, varyHeader");
      }
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    JsonNode h = json.get("headers");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) {
        throw new IllegalArgumentException("headers must be an object of name to value, e.g. {\"mode\": \"dev\"}");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        List<String> values = new ArrayList<>();
        if (e.getValue().isArray()) {
          e.getValue().forEach(v -> values.add(v.asText()));
        } else if (e.getValue().isValueNode() && !e.getValue().isNull()) {
          values.add(e.getValue().asText());
        } else {
          throw new IllegalArgumentException("headers." + e.getKey() + " must be a string or a list of strings");
        }
        headers.put(e.getKey(), values);
      }
    }
    JsonNode samples = json.get("samples");
    if (samples != null && !samples.isNull() && !samples.canConvertToInt()) {
      throw new IllegalArgumentException("samples must be a whole number, got " + samples);
    }
    JsonNode gatewayPort = json.get("gatewayPort");
    if (gatewayPort != null && !gatewayPort.isNull() && !(gatewayPort.isIntegralNumber() && gatewayPort.canConvertToInt())) {
      throw new IllegalArgumentException("gatewayPort must be a port number, got " + gatewayPort);
    }
    return new ExplainRequest(
        text(json, "method"),
        text(json, "url"),
        headers,
        text(json, "from") == null ? null : parseWorkload(text(json, "from")),
        text(json, "gateway"),
        samples == null || samples.isNull() ? 0 : samples.asInt(),
        text(json, "varyHeader"),
        gatewayPort == null || gatewayPort.isNull() ? null : gatewayPort.asInt(),
        text(json, "sni"));
  }

  private static String text(JsonNode json, String field) {
    JsonNode n = json.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string, got " + n);
    }
    return n.asText();
  }

  /** The JSON form, as {@link #fromJson} reads it. */
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("method", method);
    o.put("url", url);
    ObjectNode h = o.putObject("headers");
    headers.forEach((k, v) -> {
      if (v.size() == 1) {
        h.put(k, v.get(0));
      } else {
        ArrayNode a = h.putArray(k);
        v.forEach(a::add);
      }
    });
    if (from == null) {
      o.putNull("from");
    } else {
      o.put("from", formatWorkload(from));
    }
    o.put("gateway", gateway);
    if (gatewayPort == null) {
      o.putNull("gatewayPort");
    } else {
      o.put("gatewayPort", gatewayPort.intValue());
    }
    if (sni != null) {
      o.put("sni", sni);
    }
    o.put("samples", samples);
    o.put("varyHeader", varyHeader);
    return o;
  }
}
