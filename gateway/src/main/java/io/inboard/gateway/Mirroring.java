package io.inboard.gateway;

import io.inboard.core.route.Decision;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/**
 * Sends a rule's {@code mirror}: a fire-and-forget copy of the request to another destination,
 * whose answer is ignored. As in Envoy the copy's {@code Host} gets a {@code -shadow} suffix.
 * Only requests without a body are mirrored: the body is streamed once, to the real destination.
 */
final class Mirroring {
  private Mirroring() {}

  static void send(HttpClient client, Request request, Exchange exchange) {
    Decision.Mirror mirror = exchange.decision.actions().mirror();
    if (mirror == null || mirror.instance() == null || Exchange.hasBody(request)) {
      return;
    }
    String rewritten = exchange.decision.actions().rewrittenPath();
    HttpURI target = HttpURI.build()
        .scheme("http")
        .host(mirror.instance().address())
        .port(mirror.instance().port())
        .path(rewritten != null ? rewritten : exchange.view.path())
        .query(request.getHttpURI().getQuery());
    // The copy is of the request as forwarded (Envoy shadows it after the route's rewrites and
    // header operations): the rewritten authority, if any, gets the suffix.
    Decision.Actions actions = exchange.decision.actions();
    String host = actions.rewrittenAuthority() != null ? actions.rewrittenAuthority() : exchange.view.authority();
    String shadowHost = host == null ? mirror.instance().address() : Decision.Mirror.shadowAuthority(host);
    client.newRequest(target.toURI())
        .method(request.getMethod())
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
