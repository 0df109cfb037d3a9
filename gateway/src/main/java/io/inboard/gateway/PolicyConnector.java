package io.inboard.gateway;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.util.Map;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.SelectorManager;

/**
 * The upstream client's connector, opening connections as the destination's DestinationRule says where
 * it says anything: with its connect timeout ({@code connectionPool.tcp.connectTimeout}, else the
 * client's own) and its TCP keepalive ({@code connectionPool.tcp.tcpKeepalive}). Requests to such a
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

  private static UpstreamPolicy policyOf(Map<String, Object> context) {
    if (context != null && context.get(Destination.CONTEXT_KEY) instanceof Destination destination
        && destination.getOrigin().getTag() instanceof UpstreamPolicy policy) {
      return policy;
    }
    return null;
  }
}
