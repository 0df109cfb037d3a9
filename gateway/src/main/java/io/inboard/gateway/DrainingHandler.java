package io.inboard.gateway;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Lets the gateway drain on stop as Envoy does: the listening sockets close at once (Jetty's
 * graceful stop shuts the connectors), so no new connection is accepted, but a request arriving on
 * a connection that is already open is still served, its answer carrying {@code Connection: close}
 * so that the client takes a new connection (to another gateway) for the next one. The stop waits
 * for every such request, up to the server's stop timeout. Jetty's {@link GracefulHandler} would
 * answer them 503.
 */
final class DrainingHandler extends GracefulHandler {
  DrainingHandler(Handler handler) {
    super(handler);
  }

  /** Called for a request arriving while the gateway stops; it is counted in flight like any other. */
  @Override
  protected void handleShutdownRejection(Request request, Response response, Callback callback) {
    // Set as the answer is committed, so that it survives a handler resetting the response (an
    // upstream failure answered by the gateway) and covers answers Jetty writes itself.
    request.addHttpStreamWrapper(stream -> new HttpStream.Wrapper(stream) {
      @Override
      public void prepareResponse(HttpFields.Mutable headers) {
        headers.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        super.prepareResponse(headers);
      }
    });
    Handler next = getHandler();
    try {
      if (next == null || !next.handle(request, response, callback)) {
        Response.writeError(request, response, callback, 404);
      }
    } catch (Throwable failure) {
      Response.writeError(request, response, callback, failure);
    }
  }
}
