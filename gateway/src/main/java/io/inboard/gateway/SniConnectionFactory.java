package io.inboard.gateway;

import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.BufferUtil;

/**
 * The HTTPS port's first protocol: reads a connection's ClientHello far enough to know its SNI,
 * then hands the connection, with the bytes read, to the TLS engine of the server that name
 * reaches ({@link TlsServers#connectionFactoryFor}), as Envoy matches a filter chain by
 * {@code server_names} before the handshake.
 */
final class SniConnectionFactory extends AbstractConnectionFactory {
  private final Supplier<TlsServers> servers;

  SniConnectionFactory(Supplier<TlsServers> servers) {
    super("inboard-sni");
    this.servers = servers;
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    return configure(new ClientHelloConnection(connector, endPoint), connector, endPoint);
  }

  /** Buffers the first TLS record until its SNI is known, then upgrades to that server's TLS connection. */
  private final class ClientHelloConnection extends AbstractConnection implements Connection.UpgradeFrom {
    private final Connector connector;
    private final ByteBuffer buffer = BufferUtil.allocate(ClientHelloSni.MAX_RECORD);

    ClientHelloConnection(Connector connector, EndPoint endPoint) {
      super(endPoint, connector.getExecutor());
      this.connector = connector;
    }

    @Override
    public void onOpen() {
      super.onOpen();
      fillInterested();
    }

    @Override
    public void onFillable() {
      try {
        while (true) {
          int filled = getEndPoint().fill(buffer);
          if (filled < 0) {
            getEndPoint().close();
            return;
          }
          ClientHelloSni sni = ClientHelloSni.read(buffer);
          if (sni.outcome() != ClientHelloSni.Outcome.NEED_MORE || BufferUtil.space(buffer) == 0) {
            String host = sni.outcome() == ClientHelloSni.Outcome.FOUND ? sni.host() : null;
            Connection tls = servers.get().connectionFactoryFor(host).newConnection(connector, getEndPoint());
            getEndPoint().upgrade(tls);
            return;
          }
          if (filled == 0) {
            fillInterested();
            return;
          }
        }
      } catch (Throwable e) {
        getEndPoint().close(e);
      }
    }

    @Override
    public ByteBuffer onUpgradeFrom() {
      return buffer;
    }
  }
}
