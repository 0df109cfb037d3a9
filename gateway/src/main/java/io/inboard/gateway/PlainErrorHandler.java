package io.inboard.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself (a URI it refuses, a malformed request line or header) in the
 * gateway's own format: a one-line text body and the same text in {@code x-inboard-reason},
 * instead of Jetty's HTML page.
 */
final class PlainErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    if (code == HttpStatus.BAD_REQUEST_400) {
      // Jetty does not keep a connection that sent a request it refused: say so, so that the
      // client does not send its next request on it.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    LocalAnswer.reason(response, callback, code, reason(code, message));
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    String text = reason(status, reason).replaceAll("[\\r\\n]+", " ");
    fields.put(LocalAnswer.REASON_HEADER, text);
    fields.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    return ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static String reason(int code, String message) {
    String status = HttpStatus.getMessage(code);
    if (message == null || message.isBlank() || message.equals(status)) {
      return "request refused by the gateway: " + code + " " + status;
    }
    return "request refused by the gateway: " + message;
  }
}
