package io.inboard.core.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that checks the peer's chain as its delegate does (CAs, revocation, the host
 * name the engine asks for) and then its own certificate against {@link CertificatePins}.
 */
public final class PinnedTrust extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final CertificatePins pins;

  private PinnedTrust(X509ExtendedTrustManager delegate, CertificatePins pins) {
    this.delegate = delegate;
    this.pins = pins;
  }

  /** {@code delegate} itself when there is nothing pinned. */
  public static X509ExtendedTrustManager of(X509ExtendedTrustManager delegate, CertificatePins pins) {
    return pins.none() ? delegate : new PinnedTrust(delegate, pins);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
    pins.check(chain[0]);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
    pins.check(chain[0]);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
    pins.check(chain[0]);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    pins.check(chain[0]);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    pins.check(chain[0]);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    pins.check(chain[0]);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
