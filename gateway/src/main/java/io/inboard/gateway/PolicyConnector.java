package io.inboard.gateway;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.SelectorManager;

/**
 * The upstream client's connector, connecting with the connect timeout of the destination's
 * DestinationRule ({@code connectionPool.tcp.connectTimeout}) where one is set, else the client's
 * own: requests with one carry it in their tag ({@link UpstreamPolicy}).
 */
final class PolicyConnector extends ClientConnector {
  /** The timeout of the connect being started on this thread. */
  private final ThreadLocal<Duration> connecting = new ThreadLocal<>();

  @Override
  public void connect(SocketAddress address, Map<String, Object> context) {
    Duration timeout = timeoutOf(context);
    if (timeout == null) {
      super.connect(address, context);
      return;
    }
    connecting.set(timeout);
    try {
      super.connect(address, context);
    } finally {
      connecting.remove();
    }
  }

  /** Jetty's selector reads the connect timeout on the thread that starts the connect, in connect. */
  @Override
  protected SelectorManager newSelectorManager() {
    return new ClientSelectorManager(getExecutor(), getScheduler(), getSelectors()) {
      @Override
      public long getConnectTimeout() {
        Duration timeout = connecting.get();
        return timeout != null ? timeout.toMillis() : super.getConnectTimeout();
      }
    };
  }

  private static Duration timeoutOf(Map<String, Object> context) {
    if (context != null && context.get(Destination.CONTEXT_KEY) instanceof Destination destination
        && destination.getOrigin().getTag() instanceof UpstreamPolicy policy) {
      return policy.connectTimeout();
    }
    return null;
  }
}
