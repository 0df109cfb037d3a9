package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inboard.bridge.UrlAnswer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A redirect the mesh answers an {@code HttpURLConnection} call with is followed exactly as the JDK
 * follows the same redirect from a real server on 127.0.0.1: the same final status, body (the
 * method and {@code Authorization} the follow-up reached the server with) and final URL; each
 * follow-up routed by the real router again. The routing runs on real connections as the woven
 * {@code plainConnect} runs it; the JDK then connects where it points them.
 */
class UrlConnectionRedirectsTest {
  private AnsweringMesh mesh;
  private UrlConnectionRouting routing;

  @BeforeEach
  void start() throws Exception {
    mesh = new AnsweringMesh();
    routing = new UrlConnectionRouting(RedirectFixture.calls(mesh));
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  /** What the application sees of a call: status, body (or the failure) and the final URL. */
  private record Outcome(int status, String body, String url) {}

  /** A call to {@code url}, set up by {@code setUp}, routed (when {@code routed}) as the woven connect routes it. */
  private Outcome call(String url, boolean routed, Consumer<HttpURLConnection> setUp) throws Exception {
    HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
    connection.setRequestProperty("Authorization", "Bearer t");
    setUp.accept(connection);
    if (routed) {
      wovenConnect(connection);
    }
    int status = connection.getResponseCode();
    if (routed) {
      routing.responded(connection, status); // as the woven getResponseCode reports it
    }
    String body;
    try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
      body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return new Outcome(status, body, connection.getURL().toString());
  }

  /** The woven {@code plainConnect}'s entry: the mesh's answer written, or the URL it points the connection at. */
  private void wovenConnect(HttpURLConnection connection) throws Exception {
    Object routed = routing.connecting(connection, connection.getURL());
    if (routed instanceof IOException failure) {
      throw failure;
    }
    if (routed instanceof UrlAnswer answer) {
      IOException failure = answer.give(connection, connection.getURL());
      if (failure != null) {
        throw failure;
      }
    } else if (routed instanceof URL target) {
      Field url = URLConnection.class.getDeclaredField("url");
      url.setAccessible(true);
      url.set(connection, target);
    }
  }

  private static Consumer<HttpURLConnection> method(String method) {
    return connection -> {
      try {
        connection.setRequestMethod(method);
      } catch (ProtocolException e) {
        throw new AssertionError(e);
      }
    };
  }

  @Test
  void everyRedirectTheJdkFollowsIsFollowedAsFromAServer() throws Exception {
    for (int i = 0; i < RedirectFixture.CODES.size(); i++) {
      int code = RedirectFixture.CODES.get(i);
      for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
        Outcome meshed = call("http://user" + RedirectFixture.MESH_PATHS.get(i), true, method(method));
        Outcome server = call(RedirectFixture.server(mesh, code, "/new"), false, method(method));
        if (code == 308) { // not followed by this client: each gives its own 308
          assertThat(meshed.status()).as(method).isEqualTo(server.status()).isEqualTo(308);
          continue;
        }
        assertThat(meshed).as(code + " " + method).isEqualTo(server);
        assertThat(meshed.status()).as(code + " " + method).isEqualTo(200);
      }
    }
    // What both did: a POST became a GET without the headers set before (but for a 307), a PUT stayed.
    assertThat(call("http://user/old", true, method("POST")).body()).isEqualTo("GET /new body= authorization=-");
    assertThat(call("http://user/temporary", true, method("POST")).body())
        .isEqualTo("POST /new body= authorization=Bearer t");
    assertThat(call("http://user/found", true, method("PUT")).body()).isEqualTo("PUT /new body= authorization=Bearer t");
  }

  @Test
  void eachHopIsRoutedAndRecordedAgain() throws Exception {
    Outcome twice = call("http://user/twice", true, connection -> {});

    assertThat(twice).isEqualTo(new Outcome(200, "GET /new body= authorization=Bearer t",
        "http://127.0.0.1:" + mesh.port + "/new"));
    assertThat(mesh.recorded).containsExactly("301 REDIRECT 0", "301 REDIRECT 0", "200 ROUTE 0");
    assertThat(mesh.hits).as("only the last hop reached a server").hasValue(1);
  }

  @Test
  void anotherDestinationGetsNoAuthorizationAsFromAServersRedirect() throws Exception {
    Outcome meshed = call("http://user/elsewhere", true, connection -> {});
    Outcome server = call(RedirectFixture.server(mesh, 301, "http://localhost:" + mesh.port + "/new"), false,
        connection -> {});

    assertThat(meshed.body()).isEqualTo(server.body()).isEqualTo("GET /new body= authorization=-");
    assertThat(meshed.status()).isEqualTo(server.status()).isEqualTo(200);
  }

  @Test
  void aFollowUpLeavingTheMeshIsConnectedToTheLocationAndMeetsTheServersOwnRedirect() throws Exception {
    Outcome meshed = call("http://user/out", true, connection -> {});
    Outcome server = call(RedirectFixture.server(mesh, 301, RedirectFixture.server(mesh, 301, "/new"))
        .replaceFirst("127.0.0.1", "localhost"), false, connection -> {});

    assertThat(meshed).isEqualTo(server);
    assertThat(meshed.url()).isEqualTo("http://127.0.0.1:" + mesh.port + "/new");
  }

  @Test
  void aConnectionThatDoesNotFollowOrMaySendABodyGetsTheRedirect() throws Exception {
    Outcome meshed = call("http://user/old", true, connection -> connection.setInstanceFollowRedirects(false));
    Outcome server = call(RedirectFixture.server(mesh, 301, "http://user/new"), false,
        connection -> connection.setInstanceFollowRedirects(false));
    assertThat(meshed.status()).isEqualTo(server.status()).isEqualTo(301);

    HttpURLConnection withBody = (HttpURLConnection) new URL("http://user/old").openConnection();
    withBody.setDoOutput(true);
    assertThat(routing.connecting(withBody, withBody.getURL())).isInstanceOf(UrlAnswer.class);
  }

  @Test
  void aRedirectLoopEndsWithTheJdksOwnProtocolException() throws Exception {
    Throwable meshed = catchThrowable(() -> call("http://user/loop", true, connection -> {}));
    Throwable server = catchThrowable(() -> call("http://127.0.0.1:" + mesh.port + "/server/loop", false,
        connection -> {}));

    assertThat(meshed).isInstanceOf(ProtocolException.class).hasMessage(server.getMessage());
    assertThat(server).isInstanceOf(ProtocolException.class);
    assertThat(mesh.recorded).hasSize(20).containsOnly("301 REDIRECT 0");
  }
}
