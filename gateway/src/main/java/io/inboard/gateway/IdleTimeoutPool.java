package io.inboard.gateway;

import java.time.Duration;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.MultiplexConnectionPool;
import org.eclipse.jetty.io.EndPoint;

/**
 * The pool of a destination whose DestinationRule sets {@code connectionPool.http.idleTimeout}: a
 * connection that carries no request for that long is closed, as Envoy's
 * {@code common_http_protocol_options.idle_timeout}. Jetty's idle timeout is one per connection and also
 * aborts a request that waits that long for bytes, so the rule's timeout is the connection's only while it
 * sits in the pool: taken out for a request, the connection gets the client's own back, and a request on
 * it is never cut by the rule's.
 */
final class IdleTimeoutPool extends MultiplexConnectionPool {
  private final long idleMillis;
  private final long busyMillis;

  /** As the client's own pools are made (one request per HTTP/1.1 connection), with {@code idleTimeout}. */
  IdleTimeoutPool(Destination destination, Duration idleTimeout) {
    super(destination, destination.getHttpClient().getMaxConnectionsPerDestination(), 1);
    this.idleMillis = idleTimeout.toMillis();
    this.busyMillis = destination.getHttpClient().getIdleTimeout();
  }

  @Override
  protected Connection activate() {
    Connection connection = super.activate();
    if (connection != null) {
      idleTimeout(connection, busyMillis);
    }
    return connection;
  }

  /** Set before the connection is back in the pool: once there, another request may take it at once. */
  @Override
  public boolean release(Connection connection) {
    idleTimeout(connection, idleMillis);
    return super.release(connection);
  }

  private static void idleTimeout(Connection connection, long millis) {
    if (connection instanceof org.eclipse.jetty.io.Connection io) {
      EndPoint endPoint = io.getEndPoint();
      endPoint.setIdleTimeout(millis);
    }
  }
}
