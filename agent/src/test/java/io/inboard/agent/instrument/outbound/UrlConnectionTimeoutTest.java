package io.inboard.agent.instrument.outbound;

import static io.inboard.agent.instrument.outbound.RetryFixture.routeTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inboard.agent.instrument.outbound.RetryFixture.ScriptedRouting;
import io.inboard.core.mesh.Instance;
import io.inboard.core.route.Decision;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rule's {@code timeout} and {@code retries.perTryTimeout} on real {@code HttpURLConnection}
 * calls to real servers on 127.0.0.1: the routing runs on the connection as the woven
 * {@code plainConnect} runs it, before the socket is opened (the router is scripted, the network is
 * not). The connection's own URL already names the instance, so the URL the routing returns is the
 * one it connects to.
 */
class UrlConnectionTimeoutTest {
  private final RetryFixture mesh = new RetryFixture();

  @AfterEach
  void stopServers() {
    mesh.close();
  }

  private static HttpURLConnection connectionTo(Instance instance) throws IOException {
    return (HttpURLConnection)
        new URL("http://" + instance.address() + ":" + instance.port() + "/list").openConnection();
  }

  /** Routes {@code connection} as the advice does, then reads the answer as the application does. */
  private static Throwable routeAndRead(UrlConnectionRouting routing, HttpURLConnection connection) {
    Object target = routing.connecting(connection, connection.getURL());
    assertThat(target).as("pointed at the instance the connection names").isEqualTo(connection.getURL());
    return catchThrowable(() -> {
      try (InputStream in = connection.getInputStream()) {
        in.readAllBytes();
      }
    });
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aRuleTimeoutShorterThanTheAnswerEndsTheCallAsTheApplicationsOwnReadTimeoutWould() throws IOException {
    Instance slow = mesh.server("user-slow", 200, 3_000, new AtomicInteger());
    UrlConnectionRouting routing =
        new UrlConnectionRouting(new MeshCalls(new ScriptedRouting(routeTo(slow, null, Duration.ofMillis(300)))));

    long start = System.nanoTime();
    Throwable meshTimeout = routeAndRead(routing, connectionTo(slow));
    Duration took = since(start);

    HttpURLConnection own = connectionTo(slow);
    own.setReadTimeout(300);
    Throwable ownTimeout = catchThrowable(() -> own.getInputStream().close());

    assertThat(meshTimeout).isInstanceOf(SocketTimeoutException.class);
    assertThat(meshTimeout).hasSameClassAs(ownTimeout).hasMessage(ownTimeout.getMessage());
    assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofMillis(2_500));
  }

  @Test
  void aPerTryTimeoutBoundsTheCallsOneTry() throws IOException {
    Instance slow = mesh.server("user-slow", 200, 3_000, new AtomicInteger());
    Decision.Retries retries = new Decision.Retries(2, Duration.ofMillis(300), List.of("gateway-error"));
    UrlConnectionRouting routing =
        new UrlConnectionRouting(new MeshCalls(new ScriptedRouting(routeTo(slow, retries, Duration.ofSeconds(10)))));
    HttpURLConnection connection = connectionTo(slow);

    long start = System.nanoTime();
    Throwable failure = routeAndRead(routing, connection);

    assertThat(failure).isInstanceOf(SocketTimeoutException.class);
    assertThat(since(start)).isBetween(Duration.ofMillis(250), Duration.ofMillis(2_500));
    assertThat(connection.getReadTimeout()).as("the shorter of perTryTimeout and timeout").isEqualTo(300);
    assertThat(connection.getConnectTimeout()).isEqualTo(300);
  }

  @Test
  void theApplicationsShorterTimeoutWinsAndItsNoneTakesTheRules() throws IOException {
    Instance slow = mesh.server("user-slow", 200, 3_000, new AtomicInteger());
    UrlConnectionRouting routing =
        new UrlConnectionRouting(new MeshCalls(new ScriptedRouting(routeTo(slow, null, Duration.ofSeconds(5)))));
    HttpURLConnection connection = connectionTo(slow);
    connection.setReadTimeout(200);

    long start = System.nanoTime();
    Throwable failure = routeAndRead(routing, connection);

    assertThat(failure).isInstanceOf(SocketTimeoutException.class);
    assertThat(since(start)).as("the application's 200 ms, not the rule's 5 s").isLessThan(Duration.ofMillis(2_500));
    assertThat(connection.getReadTimeout()).isEqualTo(200);
    assertThat(connection.getConnectTimeout()).as("the application set none (0)").isEqualTo(5_000);
  }

  @Test
  void anAnswerWithinTheTimeoutReachesTheApplicationAndIsRecordedOnce() throws IOException {
    AtomicInteger hits = new AtomicInteger();
    Instance fast = mesh.server("user-fast", 200, 0, hits);
    ScriptedRouting script = new ScriptedRouting(routeTo(fast, null, Duration.ofMillis(2_000)));
    UrlConnectionRouting routing = new UrlConnectionRouting(new MeshCalls(script));
    HttpURLConnection connection = connectionTo(fast);

    Object target = routing.connecting(connection, connection.getURL());
    assertThat(target).isEqualTo(connection.getURL());
    int status = connection.getResponseCode();
    routing.responded(connection, status); // as the woven getResponseCode reports it

    assertThat(status).isEqualTo(200);
    assertThat(hits).hasValue(1);
    assertThat(script.recorded).containsExactly("user-fast 200");
  }

  @Test
  void aRouteWithoutTimeoutsLeavesTheApplicationsAlone() throws IOException {
    Instance fast = mesh.server("user-fast", 200, 0, new AtomicInteger());
    UrlConnectionRouting routing =
        new UrlConnectionRouting(new MeshCalls(new ScriptedRouting(routeTo(fast, null, null))));
    HttpURLConnection connection = connectionTo(fast);
    connection.setConnectTimeout(1_234);

    routing.connecting(connection, connection.getURL());

    assertThat(connection.getConnectTimeout()).isEqualTo(1_234);
    assertThat(connection.getReadTimeout()).isZero();
  }
}
