package io.inboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/** Errors that Jetty itself answers (a request it cannot parse) in the server's JSON error format. */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) throws IOException {
    ObjectNode body = Exchange.JSON.createObjectNode();
    body.put("error", message == null || message.isEmpty() ? "HTTP " + code : message);
    body.putArray("details");
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Exchange.JSON_TYPE);
    response.write(true, ByteBuffer.wrap(Exchange.JSON.writeValueAsBytes(body)), callback);
  }
}
