package io.inboard.agent.it;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Drives a forked test service from the outside, as its clients would. */
final class ServiceCalls {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  private ServiceCalls() {}

  /**
   * One inbound request with {@code headers} that makes {@code n} downstream calls to
   * {@code target} with {@code client} on {@code thread}; one result per call.
   */
  static List<CallResult> call(
      ForkedService service, String client, String thread, int n, String target, Map<String, String> headers)
      throws Exception {
    return call(service, client, thread, n, target, headers, null);
  }

  /** As above; the service's application code sets {@code appHeader} ({@code name:value}) itself. */
  static List<CallResult> call(
      ForkedService service,
      String client,
      String thread,
      int n,
      String target,
      Map<String, String> headers,
      String appHeader)
      throws Exception {
    String query =
        "/call?client=" + client + "&on=" + thread + "&n=" + n + "&target="
            + URLEncoder.encode(target, StandardCharsets.UTF_8)
            + (appHeader == null ? "" : "&header=" + URLEncoder.encode(appHeader, StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(service.url(query))).timeout(Duration.ofSeconds(120));
    headers.forEach(request::header);
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "service " + service + " answered " + response.statusCode() + ": " + response.body()
              + "\nits output:\n" + service.output());
    }
    List<CallResult> results = response.body().lines().map(CallResult::parse).toList();
    if (results.size() != n) {
      throw new AssertionError("expected " + n + " results, got " + results.size() + ": " + response.body());
    }
    return results;
  }

  /** A port free on the loopback now, for a forked service's admin endpoint. */
  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  /** The Prometheus text of the admin endpoint on {@code adminPort}. */
  static String metrics(int adminPort) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
        .timeout(Duration.ofSeconds(30))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  static List<CallResult> call(ForkedService service, String client, String thread, int n, Map<String, String> headers)
      throws Exception {
    return call(service, client, thread, n, "http://user/echo", headers);
  }
}
