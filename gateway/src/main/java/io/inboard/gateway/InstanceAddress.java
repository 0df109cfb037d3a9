package io.inboard.gateway;

import io.inboard.core.mesh.Instance;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import org.eclipse.jetty.io.Transport;

/**
 * TCP to one instance's address, whatever host the request names. Jetty's HTTP/2 client takes the
 * {@code :authority} from the request's URI, so an HTTP/2 request names the client's host there (as
 * Envoy sends it) and reaches the instance through this transport, which Jetty connects to without a
 * name look-up. Part of the Jetty destination's key: each instance gets its own pool.
 */
final class InstanceAddress extends Transport.Wrapper {
  private final InetSocketAddress address;

  InstanceAddress(Instance instance) {
    super(Transport.TCP_IP);
    this.address = InetSocketAddress.createUnresolved(instance.address(), instance.port());
  }

  @Override
  public boolean requiresDomainNameResolution() {
    return false;
  }

  /** Resolved at each connect, so that a name an instance registered with follows DNS as Jetty's own look-up would. */
  @Override
  public SocketAddress getSocketAddress() {
    return new InetSocketAddress(address.getHostString(), address.getPort());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InstanceAddress that && address.equals(that.address);
  }

  @Override
  public int hashCode() {
    return Objects.hash(InstanceAddress.class, address);
  }

  @Override
  public String toString() {
    return "tcp to " + address.getHostString() + ":" + address.getPort();
  }
}
