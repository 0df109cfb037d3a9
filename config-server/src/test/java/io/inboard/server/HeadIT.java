package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HEAD is answered like GET without a body (RFC 9110 9.3.2: general-purpose servers MUST support it). */
class HeadIT {
  @TempDir static Path dataDir;
  static ServerProcess server;
  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dataDir);
    assertThat(new Http(server.url()).apply(Scenarios.text("10-canary.yaml")).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<byte[]> send(String method, String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/healthz", "/readyz", "/v1/virtualservices",
      "/v1/namespaces/traffic-management/virtualservices/user-virtual-service",
      "/v1/namespaces/traffic-management/instances", "/v1/snapshot?since=-1"})
  void headIsAnsweredLikeGetWithoutTheBody(String path) throws Exception {
    HttpResponse<byte[]> get = send("GET", path);
    HttpResponse<byte[]> head = send("HEAD", path);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(head.statusCode()).as("HEAD %s (Allow: %s)", path, head.headers().firstValue("Allow").orElse(""))
        .isEqualTo(get.statusCode());
    assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
    assertThat(head.headers().firstValue("Content-Length"))
        .isEqualTo(get.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(get.body().length));
    assertThat(head.body()).isEmpty();
    // The connection carries on: the body was left out, not cut off.
    assertThat(send("GET", "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void headIsRefusedWhereGetIsAndAllowListsHeadWithGet() throws Exception {
    HttpResponse<byte[]> head = send("HEAD", "/v1/apply");
    assertThat(head.statusCode()).isEqualTo(405);
    assertThat(head.headers().firstValue("Allow")).hasValue("POST");
    assertThat(head.body()).isEmpty();

    HttpResponse<byte[]> post = send("POST", "/v1/snapshot");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

    HttpResponse<byte[]> patch = send("PATCH", "/v1/namespaces/traffic-management/virtualservices/user-virtual-service");
    assertThat(patch.statusCode()).isEqualTo(405);
    assertThat(patch.headers().firstValue("Allow")).hasValue("GET, HEAD, PUT, DELETE");
  }
}
