package io.inboard.core.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that checks the peer's chain as its delegate does (CAs, revocation, the host
 * name the engine asks for) and then its own certificate against {@link CertificatePins}.
 */
public final class PinnedTrust extends ForwardingTrust {
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
  protected X509ExtendedTrustManager delegate() {
    return delegate;
  }

  @Override
  protected void alsoCheck(X509Certificate[] chain) throws CertificateException {
    pins.check(chain[0]);
  }
}
