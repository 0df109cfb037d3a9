package io.inboard.core.model;

import java.time.Duration;

/**
 * Istio's {@code connectionPool.tcp.tcpKeepalive}: TCP keepalive ({@code SO_KEEPALIVE}) on a caller's
 * connections to the destination, as Envoy's {@code upstream_connection_options.tcp_keepalive}. A part
 * not given keeps the operating system's own value.
 *
 * @param time how long a connection is idle before the first probe ({@code TCP_KEEPIDLE}), whole
 *     seconds as Istio passes it to Envoy, or {@code null} for the system's
 * @param interval the time between probes ({@code TCP_KEEPINTVL}), whole seconds, or {@code null}
 * @param probes how many probes go unanswered before the connection is dropped ({@code TCP_KEEPCNT}),
 *     0 for the system's (as Istio reads 0)
 */
public record TcpKeepalive(Duration time, Duration interval, long probes) {
  /** Keepalive on, everything else as the system has it: what an empty {@code tcpKeepalive: {}} means. */
  public static final TcpKeepalive SYSTEM_DEFAULTS = new TcpKeepalive(null, null, 0);

  public TcpKeepalive {
    if (probes < 0) {
      throw new IllegalArgumentException("probes must not be negative: " + probes);
    }
  }
}
