package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.agent.instrument.outbound.MirrorFixture.MeshRouting;
import io.inboard.agent.instrument.outbound.MirrorFixture.Seen;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules' mirrors of {@code HttpURLConnection} calls: the routing's connect hook is called as the
 * woven {@code plainConnect} calls it (agent-it runs it woven into the JDK), and the connection then
 * made to the instance it returns, with the connection's request properties. Real connections, real
 * servers on 127.0.0.1.
 */
class UrlConnectionMirrorTest extends MirrorScenarios {
  @Override
  String get(MeshCalls calls, String path) throws Exception {
    return exchange(calls, "GET", path, null);
  }

  /** One call as the woven JDK makes it: "status body". */
  private static String exchange(MeshCalls calls, String method, String path, String body) throws Exception {
    UrlConnectionRouting routing = new UrlConnectionRouting(calls);
    URL url = new URL("http://user" + path);
    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
    connection.setRequestMethod(method);
    connection.setDoOutput(body != null);
    URL instance = (URL) routing.connecting(connection, url);
    HttpURLConnection woven = (HttpURLConnection) instance.openConnection();
    woven.setRequestMethod(method);
    woven.setDoOutput(body != null);
    for (Map.Entry<String, List<String>> header : connection.getRequestProperties().entrySet()) {
      for (String value : header.getValue()) {
        woven.addRequestProperty(header.getKey(), value);
      }
    }
    if (body != null) {
      try (OutputStream out = woven.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = woven.getResponseCode();
    routing.responded(connection, status);
    try (InputStream in = woven.getInputStream()) {
      return status + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aConnectionThatMaySendABodyIsNotCopied() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    MeshCalls calls = new MeshCalls(routing);

    assertThat(exchange(calls, "POST", "/v1/orders", "order 42")).isEqualTo("200 user-v1 answer");
    assertThat(routing.mirrors(MirrorResult.BODY)).isEqualTo(1);
    assertThat(exchange(calls, "DELETE", "/v1/orders/42", null)).isEqualTo("200 user-v1 answer");

    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
    assertThat(mesh.v2.seen).extracting(Seen::method, Seen::pathAndQuery)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("DELETE", "/api/orders/42"));
    assertThat(mesh.v1.seen).extracting(Seen::body).contains("order 42");
  }

  @Test
  void theCopysOwnConnectIsLeftAsItIs() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    MeshCalls calls = new MeshCalls(routing);
    URL copy = new URL("http://user/v1/list");
    HttpURLConnection connection = (HttpURLConnection) copy.openConnection();
    Object[] target = new Object[1];

    Thread thread = new Mirrors.MirrorThread(() -> target[0] = new UrlConnectionRouting(calls).connecting(connection, copy), "t");
    thread.start();
    thread.join();

    assertThat(target[0]).as("not routed again").isNull();
    assertThat(routing.decidedMirrors).hasValue(0);
  }
}
