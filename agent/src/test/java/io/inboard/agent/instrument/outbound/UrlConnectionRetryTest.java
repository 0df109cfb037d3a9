package io.inboard.agent.instrument.outbound;

import static io.inboard.agent.instrument.outbound.RetryFixture.closedPort;
import static io.inboard.agent.instrument.outbound.RetryFixture.istioDefault;
import static io.inboard.agent.instrument.outbound.RetryFixture.routeTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inboard.agent.instrument.outbound.RetryFixture.ScriptedRouting;
import io.inboard.core.mesh.Instance;
import io.inboard.core.route.Decision;
import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry of a refused {@code HttpURLConnection} connect, step by step as the woven
 * {@code plainConnect} drives it (agent-it runs it woven into the JDK's class): the routing points
 * the connection at an instance, the real connect to it fails, the failure hook decides, and the
 * next connect takes the retry's instance. The router is scripted; the connects are real, on
 * 127.0.0.1.
 */
class UrlConnectionRetryTest {
  private final RetryFixture mesh = new RetryFixture();

  @AfterEach
  void stopServers() {
    mesh.close();
  }

  private static URL mesh() throws IOException {
    return new URL("http://user/list?page=2");
  }

  /** The connect's own failure: a real connect to {@code target}, which nobody listens on. */
  private static IOException connectTo(Object target) {
    return (IOException) catchThrowable(() -> ((HttpURLConnection) ((URL) target).openConnection()).connect());
  }

  @Test
  void aRefusedConnectIsRetriedOnAnotherInstanceAndTheCallRecordedOnceWithIt() throws IOException {
    Instance down = closedPort("user-down");
    AtomicInteger upHits = new AtomicInteger();
    Instance up = mesh.server("user-up", 200, 0, upHits);
    ScriptedRouting script = new ScriptedRouting(routeTo(down, istioDefault(), null), routeTo(up, istioDefault(), null));
    UrlConnectionRouting routing = new UrlConnectionRouting(new MeshCalls(script));
    HttpURLConnection connection = (HttpURLConnection) mesh().openConnection();

    Object first = routing.connecting(connection, mesh());
    IOException refused = connectTo(first);
    assertThat(refused).isInstanceOf(ConnectException.class);
    assertThat(routing.connectFailed(connection, refused)).as("retried").isTrue();
    Object retry = routing.connecting(connection, first);

    assertThat(retry).hasToString("http://127.0.0.1:" + up.port() + "/list?page=2");
    HttpURLConnection again = (HttpURLConnection) ((URL) retry).openConnection();
    assertThat(again.getResponseCode()).isEqualTo(200);
    routing.responded(connection, 200);
    assertThat(upHits).hasValue(1);
    assertThat(script.recorded).as("one record, with the instance that answered").containsExactly("user-up 200");
  }

  @Test
  void retriesStopAtTheRulesAttemptsAndTheCallIsRecordedOnceWithoutAStatus() throws IOException {
    Instance down = closedPort("user-down");
    Decision.Retries once = new Decision.Retries(1, null, List.of("connect-failure"));
    ScriptedRouting script = new ScriptedRouting(routeTo(down, once, null));
    UrlConnectionRouting routing = new UrlConnectionRouting(new MeshCalls(script));
    HttpURLConnection connection = (HttpURLConnection) mesh().openConnection();

    Object first = routing.connecting(connection, mesh());
    assertThat(routing.connectFailed(connection, connectTo(first))).isTrue();
    Object retry = routing.connecting(connection, first);
    assertThat(routing.connectFailed(connection, connectTo(retry))).as("attempts: 1").isFalse();

    assertThat(script.recorded).containsExactly("user-down 0");
    routing.responded(connection, 200);
    assertThat(script.recorded).as("not recorded again").containsExactly("user-down 0");
  }

  @Test
  void aConnectionThatMaySendABodyOrARuleWithoutConnectFailureIsNotRetried() throws IOException {
    Instance down = closedPort("user-down");
    Decision.Retries statusesOnly = new Decision.Retries(2, null, List.of("retriable-4xx"));
    ScriptedRouting script = new ScriptedRouting(routeTo(down, istioDefault(), null), routeTo(down, statusesOnly, null));
    UrlConnectionRouting routing = new UrlConnectionRouting(new MeshCalls(script));

    HttpURLConnection withBody = (HttpURLConnection) mesh().openConnection();
    withBody.setDoOutput(true);
    assertThat(routing.connectFailed(withBody, connectTo(routing.connecting(withBody, mesh())))).isFalse();
    HttpURLConnection get = (HttpURLConnection) mesh().openConnection();
    assertThat(routing.connectFailed(get, connectTo(routing.connecting(get, mesh())))).isFalse();

    assertThat(script.recorded).containsExactly("user-down 0", "user-down 0");
  }

  @Test
  void aRetryGetsWhatIsLeftOfTheRulesTimeoutAndKeepsTheApplicationsShorterOne() throws IOException {
    Instance down = closedPort("user-down");
    Instance up = mesh.server("user-up", 200, 0, new AtomicInteger());
    Decision.Retries retries = new Decision.Retries(2, Duration.ofSeconds(3), List.of("connect-failure"));
    ScriptedRouting script = new ScriptedRouting(
        routeTo(down, retries, Duration.ofSeconds(1)), routeTo(up, retries, Duration.ofSeconds(1)));
    UrlConnectionRouting routing = new UrlConnectionRouting(new MeshCalls(script));
    HttpURLConnection connection = (HttpURLConnection) mesh().openConnection();
    connection.setReadTimeout(700);

    Object first = routing.connecting(connection, mesh());
    assertThat(connection.getConnectTimeout()).as("the timeout, shorter than perTryTimeout").isEqualTo(1_000);
    assertThat(connection.getReadTimeout()).as("the application's own").isEqualTo(700);
    assertThat(routing.connectFailed(connection, connectTo(first))).isTrue();

    assertThat(connection.getConnectTimeout()).as("what is left of the 1 s after the first try and the back-off")
        .isBetween(1, 999);
    assertThat(connection.getReadTimeout()).as("the application's own").isEqualTo(700);
  }

  @Test
  void aConnectionTheMeshDidNotRouteIsLeftToFail() throws IOException {
    UrlConnectionRouting routing = new UrlConnectionRouting(new MeshCalls(new ScriptedRouting(
        routeTo(closedPort("user-down"), istioDefault(), null))));
    HttpURLConnection plain = (HttpURLConnection) new URL("http://127.0.0.1:1/").openConnection();

    assertThat(routing.connectFailed(plain, new ConnectException("Connection refused"))).isFalse();
    assertThat(routing.connectFailed("not a connection", new ConnectException("Connection refused"))).isFalse();
  }
}
