package io.inboard.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A connector that lets HTTP/2 requests in flight finish while the gateway drains, as HTTP/1.1
 * ones do ({@link DrainingHandler}). On stop Jetty sends each HTTP/2 connection a graceful GOAWAY
 * and cuts every open connection's idle timeout to the shutdown idle timeout (1 s), which is what
 * closes idle connections, HTTP/2 ones too (a GOAWAY alone does not); but an HTTP/2 connection is
 * idle while its streams wait for an upstream, and a request whose upstream takes longer than that
 * second would be reset. So an HTTP/2 connection with streams in flight keeps its ordinary idle
 * timeout until its last stream ends, then gets the short one and closes; the server's stop
 * timeout still bounds the drain.
 */
final class DrainingConnector extends ServerConnector {
  /** How often a draining HTTP/2 connection is looked at for its last stream's end. */
  private static final long CHECK_MILLIS = 50;

  DrainingConnector(Server server, ConnectionFactory... factories) {
    super(server, factories);
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    CompletableFuture<Void> closed = super.shutdown(); // shortens every idle timeout
    List<Draining> busy = new ArrayList<>();
    for (EndPoint endPoint : getConnectedEndPoints()) {
      Connection connection = endPoint.getConnection();
      if (connection instanceof SslConnection tls) {
        connection = tls.getSslEndPoint().getConnection();
      }
      if (connection instanceof HTTP2Connection h2 && !h2.getSession().getStreams().isEmpty()) {
        // The idle check runs on the network end point, under the TLS connection if any.
        endPoint.setIdleTimeout(getIdleTimeout());
        busy.add(new Draining(endPoint, h2));
      }
    }
    if (!busy.isEmpty()) {
      shortenOnceIdle(busy);
    }
    return closed;
  }

  private record Draining(EndPoint endPoint, HTTP2Connection connection) {}

  /** Gives each connection the short idle timeout once its streams have ended, until none is left. */
  private void shortenOnceIdle(List<Draining> busy) {
    busy.removeIf(d -> {
      boolean done = !d.endPoint().isOpen() || d.connection().getSession().getStreams().isEmpty();
      if (done) {
        d.endPoint().setIdleTimeout(getShutdownIdleTimeout());
      }
      return done;
    });
    if (!busy.isEmpty() && getScheduler().isRunning()) {
      getScheduler().schedule(() -> shortenOnceIdle(busy), CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }
}
