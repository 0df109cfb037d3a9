package io.inboard.gateway;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.util.Map;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The upstream client's connector, opening connections as the destination's DestinationRule says where
 * it says anything: with its connect timeout ({@code connectionPool.tcp.connectTimeout}, else the
 * client's own), its TCP keepalive ({@code connectionPool.tcp.tcpKeepalive}) and its TLS ({@code tls}: the
 * destination's own TLS engines, in place of the client's one). Requests to such a
 * destination carry its policy in their tag ({@link UpstreamPolicy}).
 */
final class PolicyConnector extends ClientConnector {
  /** The policy of the connect being started on this thread. */
  private final ThreadLocal<UpstreamPolicy> connecting = new ThreadLocal<>();
  private final SocketKeepalive keepalive = new SocketKeepalive();

  @Override
  public void connect(SocketAddress address, Map<String, Object> context) {
    UpstreamPolicy policy = policyOf(context);
    if (policy == null) {
      super.connect(address, context);
      return;
    }
    if (policy.tls() != null && policy.serverName() != null) {
      // Read by the destination's TLS engines once the socket connects (UpstreamTls).
      context.put(UpstreamTls.SERVER_NAME_CONTEXT_KEY, policy.serverName());
    }
    connecting.set(policy);
    try {
      super.connect(address, context);
    } finally {
      connecting.remove();
    }
  }

  /** Jetty configures the new socket on the thread that starts the connect, in connect. */
  @Override
  protected void configure(SelectableChannel channel) throws IOException {
    super.configure(channel);
    UpstreamPolicy policy = connecting.get();
    if (policy != null && policy.keepalive() != null && channel instanceof NetworkChannel socket) {
      keepalive.apply(socket, policy.keepalive());
    }
  }

  /** Jetty's selector reads the connect timeout on the thread that starts the connect, in connect. */
  @Override
  protected SelectorManager newSelectorManager() {
    return new ClientSelectorManager(getExecutor(), getScheduler(), getSelectors()) {
      @Override
      public long getConnectTimeout() {
        UpstreamPolicy policy = connecting.get();
        return policy != null && policy.connectTimeout() != null
            ? policy.connectTimeout().toMillis() : super.getConnectTimeout();
      }
    };
  }

  /**
   * Jetty asks for the TLS layer before the connect, without saying for which destination; the layer
   * returned picks when the socket has connected: the destination's own TLS engines when its policy has a
   * {@code tls}, else the client's.
   */
  @Override
  public ClientConnectionFactory newSslClientConnectionFactory(SslContextFactory.Client ssl,
      ClientConnectionFactory next) {
    ClientConnectionFactory client = super.newSslClientConnectionFactory(ssl, next);
    return (endPoint, context) -> {
      UpstreamPolicy policy = policyOf(context);
      ClientConnectionFactory chosen = policy == null || policy.tls() == null ? client
          : super.newSslClientConnectionFactory(policy.tls().contexts(), next);
      return chosen.newConnection(endPoint, context);
    };
  }

  private static UpstreamPolicy policyOf(Map<String, Object> context) {
    if (context != null && context.get(Destination.CONTEXT_KEY) instanceof Destination destination
        && destination.getOrigin().getTag() instanceof UpstreamPolicy policy) {
      return policy;
    }
    return null;
  }
}
