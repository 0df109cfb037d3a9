package io.inboard.core.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that checks every chain with {@link #delegate()} — the CAs, revocation, and the
 * host name the engine or socket asks for — and then with {@link #alsoCheck}, so that a subclass
 * says only what it adds: which delegate (one read when the files last changed), or a further check
 * of the peer's own certificate.
 */
public abstract class ForwardingTrust extends X509ExtendedTrustManager {

  /** The trust manager that checks the chain now. */
  protected abstract X509ExtendedTrustManager delegate();

  /**
   * A check of a chain the delegate accepted; none by default.
   *
   * @throws CertificateException saying why the chain is refused
   */
  protected void alsoCheck(X509Certificate[] chain) throws CertificateException {}

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate().checkClientTrusted(chain, authType, socket);
    alsoCheck(chain);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate().checkClientTrusted(chain, authType, engine);
    alsoCheck(chain);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate().checkClientTrusted(chain, authType);
    alsoCheck(chain);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate().checkServerTrusted(chain, authType, socket);
    alsoCheck(chain);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate().checkServerTrusted(chain, authType, engine);
    alsoCheck(chain);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate().checkServerTrusted(chain, authType);
    alsoCheck(chain);
  }

  @Override
  public final X509Certificate[] getAcceptedIssuers() {
    return delegate().getAcceptedIssuers();
  }
}
