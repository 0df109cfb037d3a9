package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A redirect the mesh answers an OkHttp call with is followed exactly as OkHttp follows the same
 * redirect from a real server on 127.0.0.1: the same final status, body (the method, body and
 * {@code Authorization} the follow-up reached the server with) and {@code priorResponse()} chain;
 * each follow-up routed by the real router again.
 */
class OkHttpRedirectsTest {
  private static final MediaType TEXT = MediaType.get("text/plain");

  private AnsweringMesh mesh;
  private OkHttpClient client;

  @BeforeEach
  void start() throws Exception {
    mesh = new AnsweringMesh();
    client = new OkHttpClient.Builder().addInterceptor(new InboardInterceptor(RedirectFixture.calls(mesh))).build();
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  /** What the application sees of a call: status, body, and the codes of its prior responses. */
  private record Outcome(int status, String body, List<Integer> priors) {}

  private static Outcome call(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      List<Integer> priors = new ArrayList<>();
      for (Response prior = response.priorResponse(); prior != null; prior = prior.priorResponse()) {
        priors.add(prior.code());
      }
      return new Outcome(response.code(), response.body().string(), priors);
    }
  }

  private static Request.Builder request(String url) {
    return new Request.Builder().url(url).header("Authorization", "Bearer t");
  }

  @Test
  void everyRedirectStatusIsFollowedAsFromAServerForGetAndPost() throws Exception {
    for (int i = 0; i < RedirectFixture.CODES.size(); i++) {
      int code = RedirectFixture.CODES.get(i);
      String path = RedirectFixture.MESH_PATHS.get(i);
      for (String method : List.of("GET", "POST", "PUT", "PROPFIND")) {
        RequestBody body = method.equals("GET") ? null : RequestBody.create("hello", TEXT);
        Outcome mesh = call(client, request("http://user" + path).method(method, body).build());
        Outcome server = call(client, request(RedirectFixture.server(this.mesh, code, "/new")).method(method, body).build());
        assertThat(mesh).as(code + " " + method).isEqualTo(server);
        assertThat(mesh.priors()).as(code + " " + method).containsExactly(code);
        assertThat(mesh.status()).isEqualTo(200);
      }
    }
    // Spot checks of what both did: a 303's POST became a GET without body, a 307's kept both.
    assertThat(call(client, request("http://user/see-other").post(RequestBody.create("hello", TEXT)).build()).body())
        .isEqualTo("GET /new body= authorization=Bearer t");
    assertThat(call(client, request("http://user/temporary").post(RequestBody.create("hello", TEXT)).build()).body())
        .isEqualTo("POST /new body=hello authorization=Bearer t");
  }

  @Test
  void eachHopIsRoutedAndRecordedAgain() throws Exception {
    Outcome twice = call(client, request("http://user/twice").build());

    assertThat(twice).isEqualTo(new Outcome(200, "GET /new body= authorization=Bearer t", List.of(301, 301)));
    assertThat(mesh.recorded).containsExactly("301 REDIRECT 0", "301 REDIRECT 0", "200 ROUTE 0");
    assertThat(mesh.hits).as("only the last hop reached a server").hasValue(1);
  }

  @Test
  void authorizationIsDroppedForAnotherHostAsForAServersRedirect() throws Exception {
    Outcome mesh = call(client, request("http://user/elsewhere").build());
    Outcome server = call(client, request(
        RedirectFixture.server(this.mesh, 301, "http://localhost:" + this.mesh.port + "/new")).build());

    assertThat(mesh).isEqualTo(server);
    assertThat(mesh.body()).isEqualTo("GET /new body= authorization=-");
  }

  @Test
  void aFollowUpLeavingTheMeshMeetsTheServersOwnRedirectAndTheChainHoldsBoth() throws Exception {
    Outcome mesh = call(client, request("http://user/out").build());
    // From another host, as the mesh's redirect leaves user for 127.0.0.1: Authorization is dropped.
    Outcome server = call(client, request(RedirectFixture.server(this.mesh, 301,
        RedirectFixture.server(this.mesh, 301, "/new")).replaceFirst("127.0.0.1", "localhost")).build());

    assertThat(mesh).isEqualTo(server);
    assertThat(mesh.priors()).containsExactly(301, 301);
    assertThat(mesh.body()).isEqualTo("GET /new body= authorization=-");
  }

  @Test
  void aFollowUpTheMeshAnswersWithAnAbortEndsThere() throws Exception {
    Outcome teapot = call(client, request("http://user/teapot").build());

    assertThat(teapot.status()).isEqualTo(418);
    assertThat(teapot.priors()).containsExactly(301);
    assertThat(mesh.hits).hasValue(0);
  }

  @Test
  void aClientThatDoesNotFollowGetsTheRedirect() throws Exception {
    OkHttpClient notFollowing = client.newBuilder().followRedirects(false).build();
    Outcome mesh = call(notFollowing, request("http://user/old").build());
    Outcome server = call(notFollowing, request(RedirectFixture.server(this.mesh, 301, "http://user/new")).build());

    assertThat(mesh.status()).isEqualTo(server.status()).isEqualTo(301);
    assertThat(mesh.priors()).isEqualTo(server.priors()).isEmpty();

    OkHttpClient notToHttps = client.newBuilder().followSslRedirects(false).build();
    Outcome secure = call(notToHttps, request("http://user/secure").build());
    Outcome serverSecure = call(notToHttps, request(RedirectFixture.server(this.mesh, 301, "https://user/new")).build());
    assertThat(secure.status()).isEqualTo(serverSecure.status()).isEqualTo(301);
    assertThat(secure.priors()).isEqualTo(serverSecure.priors()).isEmpty();
  }

  @Test
  void aOneShotBodyIsNotSentTwiceSoThe307IsGiven() throws Exception {
    Outcome mesh = call(client, request("http://user/temporary").post(new OneShot()).build());
    Outcome server = call(client, request(RedirectFixture.server(this.mesh, 307, "/new")).post(new OneShot()).build());

    assertThat(mesh.status()).isEqualTo(server.status()).isEqualTo(307);
    assertThat(mesh.priors()).isEqualTo(server.priors()).isEmpty();
  }

  @Test
  void aRedirectLoopEndsWithOkHttpsOwnProtocolException() {
    Throwable mesh = catchThrowable(() -> call(client, request("http://user/loop").build()));
    Throwable server = catchThrowable(() -> call(client, request("http://127.0.0.1:" + this.mesh.port + "/server/loop").build()));

    assertThat(mesh).isInstanceOf(ProtocolException.class).hasMessage("Too many follow-up requests: 21");
    assertThat(server).isInstanceOf(ProtocolException.class).hasMessage(mesh.getMessage());
    assertThat(this.mesh.recorded).hasSize(21).containsOnly("301 REDIRECT 0");
  }

  private static final class OneShot extends RequestBody {
    @Override
    public MediaType contentType() {
      return TEXT;
    }

    @Override
    public boolean isOneShot() {
      return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.writeUtf8("hello");
    }
  }
}
