package io.inboard.gateway;

import io.inboard.core.model.TcpKeepalive;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.net.ExtendedSocketOptions;

/**
 * A DestinationRule's {@code connectionPool.tcp.tcpKeepalive} on the gateway's sockets to the
 * destination's instances, as Envoy's {@code upstream_connection_options.tcp_keepalive}:
 * {@code SO_KEEPALIVE} on, and {@code time}, {@code interval} and {@code probes} as
 * {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL} and {@code TCP_KEEPCOUNT} where the platform has them
 * (Linux does). A part the platform does not have, or refuses, leaves keepalive on with the system's value
 * for that part, and is logged once as a {@code WARNING}.
 */
final class SocketKeepalive {
  private static final System.Logger LOG = System.getLogger(SocketKeepalive.class.getName());

  /** The parts already warned about, so that each is logged once. */
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** Turns keepalive on for {@code channel}, a socket being opened; throws only when keepalive itself fails. */
  void apply(NetworkChannel channel, TcpKeepalive keepalive) throws IOException {
    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    if (keepalive.time() != null) {
      set(channel, ExtendedSocketOptions.TCP_KEEPIDLE, seconds(keepalive.time()), "time");
    }
    if (keepalive.interval() != null) {
      set(channel, ExtendedSocketOptions.TCP_KEEPINTERVAL, seconds(keepalive.interval()), "interval");
    }
    if (keepalive.probes() > 0) {
      set(channel, ExtendedSocketOptions.TCP_KEEPCOUNT, (int) Math.min(Integer.MAX_VALUE, keepalive.probes()),
          "probes");
    }
  }

  private void set(NetworkChannel channel, SocketOption<Integer> option, int value, String part) {
    if (!channel.supportedOptions().contains(option)) {
      warnOnce(part, value, "this platform has no " + option.name());
      return;
    }
    try {
      channel.setOption(option, value);
    } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
      warnOnce(part, value, "the system refused it (" + e.getMessage() + ")");
    }
  }

  private void warnOnce(String part, int value, String why) {
    if (warned.add(part)) {
      LOG.log(Level.WARNING, "connectionPool.tcp.tcpKeepalive." + part + " (" + value + ") is not applied to "
          + "the gateway's upstream connections: " + why + "; keepalive is on with the system's " + part
          + " (logged once)");
    }
  }

  private static int seconds(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.getSeconds());
  }
}
