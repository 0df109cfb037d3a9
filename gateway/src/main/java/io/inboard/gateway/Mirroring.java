package io.inboard.gateway;

import io.inboard.core.route.Decision;
import io.inboard.core.route.TlsDestination;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;

/**
 * Sends a rule's mirrors: one fire-and-forget copy of the request per mirror rolled (a single
 * {@code mirror}, or each entry of {@code mirrors}, as Envoy sends one shadow per mirror policy),
 * whose answers are ignored. As in Envoy each copy's {@code Host} gets a {@code -shadow} suffix.
 * Only requests without a body are mirrored: the body is streamed once, to the real destination. A mirror
 * whose DestinationRule has {@code tls} gets its copy over TLS, as the real destination would.
 */
final class Mirroring {
  private Mirroring() {}

  /** @param origination the TLS opened to destinations, or {@code null} when no rule opens any */
  static void send(HttpClient client, Request request, Exchange exchange, UpstreamOrigination origination) {
    List<Decision.Mirror> mirrors = exchange.decision.actions().mirrors();
    if (mirrors.isEmpty() || Exchange.hasBody(request)) {
      return;
    }
    for (Decision.Mirror mirror : mirrors) {
      if (mirror.instance() != null) {
        UpstreamTls tls = origination == null ? null : origination.get(mirror.destination());
        if (tls == null || tls.problem() == null) { // a copy that cannot be sent is dropped, as its answer would be
          send(client, request, exchange, mirror, tls);
        }
      }
    }
  }

  private static void send(HttpClient client, Request request, Exchange exchange, Decision.Mirror mirror,
      UpstreamTls tls) {
    String rewritten = exchange.decision.actions().rewrittenPath();
    HttpURI target = HttpURI.build()
        .scheme(tls == null ? "http" : "https")
        .host(mirror.instance().address())
        .port(mirror.instance().port())
        .path(rewritten != null ? rewritten : exchange.view.path())
        .query(request.getHttpURI().getQuery());
    // The copy is of the request as forwarded (Envoy shadows it after the route's rewrites and
    // header operations): the rewritten authority, if any, gets the suffix.
    Decision.Actions actions = exchange.decision.actions();
    String host = actions.rewrittenAuthority() != null ? actions.rewrittenAuthority() : exchange.view.authority();
    String shadowHost = host == null ? mirror.instance().address() : Decision.Mirror.shadowAuthority(host);
    // HTTP/1.1 by name: the client also speaks HTTP/2, and would offer h2 by ALPN to a TLS mirror.
    org.eclipse.jetty.client.Request copy = client.newRequest(target.toURI()).version(HttpVersion.HTTP_1_1);
    if (tls != null) {
      // The mirror's own DestinationRule tls; its server name is the host the copy is for, without -shadow.
      copy.tag(UpstreamPolicy.originating(null, tls, TlsDestination.serverName(tls.destination.tls(), host)));
    }
    copy.method(request.getMethod())
        .headers(headers -> {
          for (HttpField field : request.getHeaders()) {
            if (field.getHeader() != HttpHeader.HOST && field.getHeader() != HttpHeader.CONNECTION) {
              headers.add(field);
            }
          }
          HeaderOperations.apply(actions.requestHeaders(), headers);
          headers.put(HttpHeader.HOST, shadowHost);
          if (!headers.contains("x-request-id")) {
            headers.put("x-request-id", exchange.requestId());
          }
        })
        .send(result -> { });
  }
}
