package io.inboard.agent.runtime;

import io.inboard.core.controlplane.ConfigServerClient;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.controlplane.SocketHttpTransport;
import io.inboard.core.mesh.Instance;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * What the control-plane loop needs from the config server — the instance lease and the snapshot
 * watch — over core's {@link ConfigServerClient}, with a short connect timeout so that an agent
 * whose server is unreachable falls back to its cache well within the first-snapshot wait.
 */
class ConfigServerConnection {
  private final ConfigServerClient client;

  ConfigServerConnection(URI server, String token, Duration connectTimeout) {
    // Plain blocking HTTP on the control-plane thread, not the JDK's HttpClient: at a request every
    // few seconds, that client's threads and rarely compiled code cost an idle JVM about 1.5 ms of
    // CPU per second (see SocketHttpTransport).
    this.client = new ConfigServerClient(server, token, new SocketHttpTransport(connectTimeout));
  }

  URI server() {
    return client.base();
  }

  /** Creates or renews the lease of {@code instance} for {@code ttl}: the server's revision after it. */
  long register(Instance instance, Duration ttl) throws IOException {
    return client.register(instance, ttl);
  }

  /** Removes the lease; one already gone is fine. */
  void deregister(Instance instance) throws IOException {
    client.deregister(instance.namespace(), instance.id());
  }

  /**
   * Long-polls for a snapshot other than {@code since}: its content, or
   * {@code null} when nothing changed within {@code hold}.
   */
  SnapshotWire.Content watch(long since, Duration hold) throws IOException {
    return client.watch(since, hold).orElse(null);
  }

  /**
   * The first contact: the snapshot in force now, or an {@code IOException} when the server has not
   * answered within {@code answerTimeout} (one that accepts connections but hangs is no better than
   * one that is down).
   */
  SnapshotWire.Content current(Duration answerTimeout) throws IOException {
    return client.watch(-1, Duration.ZERO, answerTimeout).orElse(null);
  }
}
