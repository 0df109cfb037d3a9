package io.inboard.core.controlplane;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** {@link ConfigServerTransport} over the JDK's {@link HttpClient}. */
public final class JdkHttpTransport implements ConfigServerTransport {
  private final HttpClient http;

  public JdkHttpTransport(HttpClient http) {
    this.http = http;
  }

  @Override
  public Answer exchange(String method, URI uri, List<String> headers, byte[] body, Duration timeout)
      throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      request.header(headers.get(i), headers.get(i + 1));
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), response.headers().firstValue("Content-Encoding").orElse(null),
          response.body() == null ? new byte[0] : response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
