package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A redirect the mesh answers an {@code HttpClient} call with is followed exactly as the client
 * follows the same redirect from a real server on 127.0.0.1 ({@code send} and {@code sendAsync}):
 * the same final status, body (the method and body the follow-up reached the server with) and
 * {@code previousResponse()} chain, each follow-up routed by the real router again; and a routed
 * call's injected delay keeps {@code sendAsync}'s caller waiting no longer than {@code send}'s.
 */
class JdkRedirectsTest {
  private AnsweringMesh mesh;
  private MeshCalls calls;

  @BeforeEach
  void start() throws Exception {
    mesh = new AnsweringMesh();
    calls = RedirectFixture.calls(mesh);
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  private WovenJdkClient client(HttpClient.Redirect policy) {
    return new WovenJdkClient(calls, HttpClient.newBuilder().followRedirects(policy).build());
  }

  /** What the application sees of a call: status, body, and the statuses of its previous responses. */
  private record Outcome(int status, String body, List<Integer> previous) {
    static Outcome of(HttpResponse<String> response) {
      List<Integer> previous = new ArrayList<>();
      for (Optional<HttpResponse<String>> p = response.previousResponse(); p.isPresent(); p = p.get().previousResponse()) {
        previous.add(p.get().statusCode());
        assertThat(p.get().body()).as("a previous response has no body").isNull();
      }
      return new Outcome(response.statusCode(), response.body(), previous);
    }
  }

  private static HttpRequest request(String url, String method) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
    return method.equals("GET") ? builder.GET().build()
        : builder.method(method, HttpRequest.BodyPublishers.ofString("hello")).build();
  }

  private static Outcome sendAsync(WovenJdkClient client, HttpRequest request) throws Exception {
    return Outcome.of(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS));
  }

  private static Outcome send(WovenJdkClient client, HttpRequest request) throws Exception {
    return Outcome.of(client.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void everyRedirectStatusIsFollowedAsFromAServerForGetPostAndPut() throws Exception {
    WovenJdkClient client = client(HttpClient.Redirect.NORMAL);
    for (int i = 0; i < RedirectFixture.CODES.size(); i++) {
      int code = RedirectFixture.CODES.get(i);
      for (String method : List.of("GET", "POST", "PUT")) {
        HttpRequest server = request(RedirectFixture.server(mesh, code, "/new"), method);
        HttpRequest meshCall = request("http://user" + RedirectFixture.MESH_PATHS.get(i), method);
        Outcome expected = sendAsync(client, server);
        assertThat(sendAsync(client, meshCall)).as(code + " " + method + " sendAsync").isEqualTo(expected);
        assertThat(send(client, meshCall)).as(code + " " + method + " send").isEqualTo(expected);
        assertThat(expected.status()).isEqualTo(200);
        assertThat(expected.previous()).containsExactly(code);
      }
    }
    // What both did: a 303's PUT and a 301's POST became a GET without body, a 307's POST kept both.
    assertThat(sendAsync(client, request("http://user/see-other", "PUT")).body())
        .isEqualTo("GET /new body= authorization=-");
    assertThat(sendAsync(client, request("http://user/old", "POST")).body())
        .isEqualTo("GET /new body= authorization=-");
    assertThat(sendAsync(client, request("http://user/temporary", "POST")).body())
        .isEqualTo("POST /new body=hello authorization=-");
  }

  @Test
  void eachHopIsRoutedAndRecordedAgainAndTheResponseTellsItsOwnRequest() throws Exception {
    HttpResponse<String> twice = client(HttpClient.Redirect.NORMAL)
        .sendAsync(request("http://user/twice", "GET"), HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);

    assertThat(Outcome.of(twice)).isEqualTo(new Outcome(200, "GET /new body= authorization=-", List.of(301, 301)));
    assertThat(twice.previousResponse().get().uri()).isEqualTo(URI.create("http://user/old"));
    assertThat(twice.previousResponse().get().previousResponse().get().uri()).isEqualTo(URI.create("http://user/twice"));
    assertThat(mesh.recorded).containsExactly("301 REDIRECT 0", "301 REDIRECT 0", "200 ROUTE 0");
    assertThat(mesh.hits).as("only the last hop reached a server").hasValue(1);
  }

  @Test
  void aFollowUpLeavingTheMeshMeetsTheServersOwnRedirectAndTheChainHoldsBoth() throws Exception {
    WovenJdkClient client = client(HttpClient.Redirect.NORMAL);
    Outcome meshed = sendAsync(client, request("http://user/out", "GET"));
    Outcome server = sendAsync(client, request(
        RedirectFixture.server(mesh, 301, RedirectFixture.server(mesh, 301, "/new")), "GET"));

    assertThat(meshed).isEqualTo(server);
    assertThat(meshed.previous()).containsExactly(301, 301);
  }

  @Test
  void aFollowUpTheMeshAnswersWithAnAbortEndsThereAfterTheRedirect() throws Exception {
    Outcome teapot = sendAsync(client(HttpClient.Redirect.NORMAL), request("http://user/teapot", "GET"));

    assertThat(teapot).isEqualTo(new Outcome(418, "", List.of(301)));
    assertThat(mesh.hits).hasValue(0);
  }

  @Test
  void aClientThatNeverFollowsGetsTheRedirect() throws Exception {
    WovenJdkClient client = client(HttpClient.Redirect.NEVER);
    Outcome meshed = sendAsync(client, request("http://user/old", "GET"));
    Outcome server = sendAsync(client, request(RedirectFixture.server(mesh, 301, "http://user/new"), "GET"));

    assertThat(meshed.status()).isEqualTo(server.status()).isEqualTo(301);
    assertThat(meshed.previous()).isEqualTo(server.previous()).isEmpty();
    assertThat(mesh.recorded).containsExactly("301 REDIRECT 0");
  }

  @Test
  void aRedirectLoopEndsAsTheClientsOwnWithTheRedirectAtItsLimit() throws Exception {
    WovenJdkClient client = client(HttpClient.Redirect.NORMAL);
    Outcome meshed = sendAsync(client, request("http://user/loop", "GET"));
    Outcome server = sendAsync(client, request("http://127.0.0.1:" + mesh.port + "/server/loop", "GET"));

    assertThat(meshed.status()).isEqualTo(server.status()).isEqualTo(301);
    assertThat(meshed.previous()).isEqualTo(server.previous()).hasSize(4);
    assertThat(mesh.recorded).as("the limit's redirect is the fifth").hasSize(5);
  }

  @Test
  void sendAsyncReturnsBeforeAnInjectedDelayAndSendWaitsForIt() throws Exception {
    WovenJdkClient client = client(HttpClient.Redirect.NORMAL);

    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> pending =
        client.sendAsync(request("http://user/slow", "GET"), HttpResponse.BodyHandlers.ofString());
    long returnedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(pending).isNotDone();
    assertThat(mesh.hits).as("nothing sent before the delay is over").hasValue(0);
    HttpResponse<String> response = pending.get(20, TimeUnit.SECONDS);
    long answeredMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(returnedMillis).isLessThan(300);
    assertThat(answeredMillis).isGreaterThanOrEqualTo(400);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("from the upstream\n");
    assertThat(mesh.recorded).containsExactly("200 ROUTE 0");

    start = System.nanoTime();
    assertThat(client.send(request("http://user/slow", "GET"), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(400);
  }

  @Test
  void aDelayedCallTheApplicationCancelsIsNeverSent() throws Exception {
    CompletableFuture<HttpResponse<String>> pending = client(HttpClient.Redirect.NORMAL)
        .sendAsync(request("http://user/slow", "GET"), HttpResponse.BodyHandlers.ofString());
    pending.cancel(true);
    Thread.sleep(700);

    assertThat(mesh.hits).hasValue(0);
    assertThat(mesh.recorded).isEmpty();
  }
}
