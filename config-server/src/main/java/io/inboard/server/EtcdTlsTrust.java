package io.inboard.server;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks etcd's certificate against the CAs of the TLS files as they are when a connection to etcd
 * is made (see {@link EtcdTls}), so a renewed {@code --etcd-ca-file} is trusted from the next
 * connection on. The host name check stays the JDK's (the endpoint identification the client asks
 * for reaches the delegate through the engine or socket).
 */
final class EtcdTlsTrust extends X509ExtendedTrustManager {
  private final EtcdTls tls;

  EtcdTlsTrust(EtcdTls tls) {
    this.tls = tls;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    tls.current().trust().checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    tls.current().trust().checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    tls.current().trust().checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    tls.current().trust().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    tls.current().trust().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    tls.current().trust().checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return tls.current().trust().getAcceptedIssuers();
  }
}
