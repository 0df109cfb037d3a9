package io.inboard.server;

import io.inboard.core.tls.ForwardingTrust;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks etcd's certificate against the CAs of the TLS files as they are when a connection to etcd
 * is made (see {@link EtcdTls}), so a renewed {@code --etcd-ca-file} is trusted from the next
 * connection on. The host name check stays the JDK's (the endpoint identification the client asks
 * for reaches the delegate through the engine or socket).
 */
final class EtcdTlsTrust extends ForwardingTrust {
  private final EtcdTls tls;

  EtcdTlsTrust(EtcdTls tls) {
    this.tls = tls;
  }

  @Override
  protected X509ExtendedTrustManager delegate() {
    return tls.current().trust();
  }
}
