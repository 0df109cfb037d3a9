package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.agent.instrument.outbound.MirrorFixture.MeshRouting;
import io.inboard.agent.instrument.outbound.MirrorFixture.Seen;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Rules' mirrors of {@code java.net.http} calls, through a real client used as the woven client uses it. */
class JdkMirrorTest extends MirrorScenarios {
  private final HttpClient client = HttpClient.newHttpClient();

  @Override
  String get(MeshCalls calls, String path) throws Exception {
    HttpResponse<String> response =
        new WovenJdkClient(calls, client).send(HttpRequest.newBuilder(URI.create("http://user" + path)).build());
    return response.statusCode() + " " + response.body();
  }

  private static HttpRequest post(String path, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(URI.create("http://user" + path)).POST(body).build();
  }

  @Test
  void anArrayBodyIsCopiedAndAStreamedOrLargeOneIsNot() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);
    WovenJdkClient woven = new WovenJdkClient(new MeshCalls(routing), client);

    woven.send(post("/v1/orders", HttpRequest.BodyPublishers.ofString("order 42")));
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1);
    assertThat(mesh.v2.seen.get(0).method()).isEqualTo("POST");
    assertThat(mesh.v2.seen.get(0).body()).isEqualTo("order 42");

    byte[] streamed = "streamed once".getBytes(StandardCharsets.UTF_8);
    woven.send(post("/v1/stream", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(streamed))));
    woven.send(post("/v1/large", HttpRequest.BodyPublishers.ofByteArray(new byte[(int) Mirrors.MAX_BODY_BYTES + 1])));

    assertThat(routing.mirrors(MirrorResult.BODY)).isEqualTo(2);
    assertThat(mesh.v1.seen).extracting(Seen::body).contains("streamed once");
    woven.send(HttpRequest.newBuilder(URI.create("http://user/v1/last")).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() >= 2);
    assertThat(mesh.v2.seen).extracting(Seen::pathAndQuery).containsExactly("/api/orders", "/api/last");
  }

  @Test
  void everyMirrorGetsTheArrayBody() throws Exception {
    MeshRouting routing = mesh.routing(dir, 1);

    new WovenJdkClient(new MeshCalls(routing), client)
        .send(post("/both/orders", HttpRequest.BodyPublishers.ofString("order 42")));

    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.v2.seen.size() == 1 && mesh.v4.seen.size() == 1);
    assertThat(mesh.v2.seen.get(0).body()).isEqualTo("order 42");
    assertThat(mesh.v4.seen.get(0).body()).isEqualTo("order 42");
    assertThat(mesh.v1.seen.get(0).body()).isEqualTo("order 42");
  }
}
