package io.inboard.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.explain.ExplainRequest;
import io.inboard.core.explain.Explainer;
import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.route.Decision;
import io.inboard.core.route.PathNormalization;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.util.Fields;

/**
 * The admin port's {@code /explain}: the decision for a described request as it would arrive at
 * this gateway, taken the way the proxy takes it. An {@code http://} URL meets the HTTP port's one
 * route table, after a server's {@code httpsRedirect}; an {@code https://} URL meets the HTTPS
 * server its SNI ({@code sni=}, else the URL's host) selects and that server's own route table, as
 * a connection's ClientHello selects it; when the host would select another server, {@code http2}
 * says that an HTTP/2 request there is answered 421. The path is normalized first, as the proxy
 * normalizes it. {@code upstreamProtocol} says which HTTP version the instance would be spoken to in
 * ({@code http2=true}: the client speaks HTTP/2).
 */
final class GatewayExplain {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What {@code /explain} answers: a status of the admin endpoint itself, and a body. */
  record Answer(int status, String contentType, String body) {
    static Answer json(ObjectNode body) throws JsonProcessingException {
      return new Answer(200, "application/json", JSON.writeValueAsString(body) + "\n");
    }

    static Answer badRequest(String why) {
      return new Answer(400, "text/plain; charset=utf-8", "cannot explain: " + why + "\n");
    }
  }

  private final Supplier<GatewayRoutes> routes;
  /** The HTTPS servers in force, or {@code null} when the gateway has no HTTPS port. */
  private final Supplier<TlsServers> https;
  private final Map<String, String> labels;

  GatewayExplain(Supplier<GatewayRoutes> routes, Supplier<TlsServers> https, Map<String, String> labels) {
    this.routes = routes;
    this.https = https;
    this.labels = labels;
  }

  /**
   * {@code url=http(s)://HOST/PATH[&sni=NAME][&method=GET][&header=name:value]...[&samples=N[&varyHeader=NAME]]}.
   */
  Answer explain(Fields query) {
    String url = query.getValue("url");
    if (url == null || url.isBlank()) {
      return new Answer(400, "text/plain; charset=utf-8", "give the request to explain as url=http://HOST/PATH "
          + "(or https://HOST/PATH for the HTTPS port), e.g. "
          + "/explain?url=http://user.traffic-management.example.com/&header=mode:dev\n");
    }
    try {
      URI uri = URI.create(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String authority = uri.getRawAuthority();
      if (authority == null || !scheme.equals("http") && !scheme.equals("https")) {
        return Answer.badRequest("url '" + url + "' must be absolute with an http or https scheme and a host, e.g. "
            + "http://user.example.com/list");
      }
      String pathQuery = PathNormalization.normalize(uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      ObjectNode arrival = JSON.createObjectNode();
      GatewayRoutes table;
      if (scheme.equals("https")) {
        TlsServers.Served server = httpsServer(query, authority, arrival);
        if (server == null) {
          return Answer.badRequest(arrival.path("refused").asText());
        }
        table = server.routes();
      } else if (query.get("sni") != null) {
        return Answer.badRequest("sni is the name a TLS client sends the HTTPS port; give an https:// url with it, "
            + "or leave it out for the HTTP port");
      } else {
        table = routes.get();
      }
      if (table.hosts().gatewaysFor(authority).isEmpty()) {
        ObjectNode unknown = JSON.createObjectNode();
        unknown.put("status", 404);
        unknown.put("reason", table.hosts().unknownHost(authority, labels));
        unknown.setAll(arrival);
        return Answer.json(unknown);
      }
      if (table.hosts().redirectsToHttps(authority)) {
        // As the proxy answers before any route: the server's tls.httpsRedirect.
        ObjectNode redirect = JSON.createObjectNode();
        redirect.put("status", 301);
        redirect.put("location", "https://" + authority + pathQuery);
        redirect.put("reason", "the HTTP server serving host '" + VirtualHosts.hostOf(authority)
            + "' sets tls.httpsRedirect: clients are sent to HTTPS before any route; explain url=https://"
            + authority + pathQuery + " for what happens there");
        return Answer.json(redirect);
      }
      return Answer.json(decide(table, query, scheme + "://" + authority + pathQuery, authority, arrival));
    } catch (IllegalArgumentException | JsonProcessingException e) {
      return Answer.badRequest(e.getMessage());
    }
  }

  /**
   * The HTTPS server a client with the request's SNI reaches, with {@code sni} and
   * {@code httpsServer} written into {@code arrival}; {@code null} with {@code refused} written
   * there instead when none does.
   */
  private TlsServers.Served httpsServer(Fields query, String authority, ObjectNode arrival) {
    if (https == null) {
      arrival.put("refused", "the url is https:// but this gateway has no HTTPS port, so its Gateways' HTTPS servers "
          + "are not served; start it with --https-port N, or explain the request on the HTTP port with url=http://...");
      return null;
    }
    String sni = sni(query, authority);
    TlsServers servers = https.get();
    TlsServers.Served server = servers.forSni(sni);
    if (server == null) {
      List<String> accepted = new ArrayList<>();
      servers.served().forEach(s -> accepted.add(s.server().where() + " " + s.server().hosts()));
      arrival.put("refused", (sni == null ? "a client sending no SNI" : "a client sending the SNI '" + sni + "'")
          + " reaches no HTTPS server of this gateway, so its TLS handshake fails; "
          + (accepted.isEmpty() ? "no HTTPS server is in force" : "the servers in force are " + String.join(", ", accepted))
          + (servers.problems().isEmpty() ? "" : " (left out for their certificates: " + String.join("; ",
              servers.problems()) + ")")
          + ". Add the host to the hosts of an HTTPS server selecting this gateway, or give the SNI the client sends "
          + "as sni=NAME");
      return null;
    }
    arrival.put("sni", sni);
    arrival.put("httpsServer", server.server().where());
    String misdirected = servers.misdirected(sni, server, VirtualHosts.hostOf(authority));
    if (misdirected != null) {
      // What the proxy answers an HTTP/2 request on such a connection (HTTP/1.1 gets the decision below).
      arrival.put("http2", "421 " + misdirected);
    }
    return server;
  }

  /**
   * The SNI a client of the URL sends: {@code sni=} when given (empty: none), else the URL's host,
   * except an IP address, for which clients send none (RFC 6066).
   */
  private static String sni(Fields query, String authority) {
    Fields.Field given = query.get("sni");
    String name = given != null ? given.getValue() : VirtualHosts.hostOf(authority);
    if (name == null || name.isEmpty() || given == null && isIpLiteral(name)) {
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  private static boolean isIpLiteral(String host) {
    return host.startsWith("[") || host.matches("[0-9.]+");
  }

  /** Decided through {@code table}, as the proxy decides, with the virtual host and Gateway named. */
  private ObjectNode decide(GatewayRoutes table, Fields query, String url, String authority, ObjectNode arrival) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    List<String> headerValues = query.getValues("header");
    for (String header : headerValues == null ? List.<String>of() : headerValues) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("header '" + header + "' must be name:value, e.g. header=mode:dev");
      }
      headers.computeIfAbsent(header.substring(0, colon).trim(), k -> new ArrayList<>())
          .add(header.substring(colon + 1).trim());
    }
    String samplesText = query.getValue("samples");
    int samples;
    try {
      samples = samplesText == null ? 0 : Integer.parseInt(samplesText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("samples '" + samplesText + "' is not a number; give e.g. samples=100");
    }
    ExplainRequest explain = new ExplainRequest(query.getValue("method"), url, headers, null, null, samples,
        query.getValue("varyHeader"));
    ObjectNode out = Explainer.explain(table.snapshot(), explain, table.port(), table.outliers(), table.breakers(),
        table.slowStart());
    // The Gateway through which the matched rule's VirtualService is bound.
    JsonNode matched = out.path("matched");
    out.put("gateway", matched.isObject() ? table.port().gatewayOf(authority, new Decision.Match(
        matched.path("virtualService").asText(), matched.path("rule").asInt(),
        matched.path("ruleName").isNull() ? null : matched.path("ruleName").asText())) : null);
    out.put("virtualHost", table.port().domainFor(authority));
    JsonNode destination = out.path("destination");
    if (destination.isObject()) {
      out.put("upstreamProtocol", upstreamProtocol(table, destination, headers, "true".equals(query.getValue("http2")),
          authority).reason());
    }
    out.setAll(arrival);
    return out;
  }

  /** What the proxy would speak to the destination's instance for this request ({@link UpstreamProtocol}). */
  private static UpstreamProtocol upstreamProtocol(GatewayRoutes table, JsonNode destination,
      Map<String, List<String>> headers, boolean clientHttp2, String authority) {
    String contentType = null;
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase("content-type") && !header.getValue().isEmpty()) {
        contentType = header.getValue().get(0);
      }
    }
    ConnectionPoolSettings pool = table.snapshot().routeTable().connectionPool(destination.path("host").asText(),
        destination.path("subset").isTextual() ? destination.path("subset").asText() : null,
        destination.path("portLevelSettings").asInt(0));
    return UpstreamProtocol.choose(contentType, clientHttp2, pool, table.hosts().http2Server(authority));
  }
}
