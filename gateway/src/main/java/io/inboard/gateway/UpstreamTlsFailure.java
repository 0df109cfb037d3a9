package io.inboard.gateway;

import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/** What a failed TLS handshake with an instance tells the client and the log: why, and which rule asked for TLS. */
final class UpstreamTlsFailure {
  private UpstreamTlsFailure() {}

  /**
   * The reason of {@code failure}: the gateway's own check of the instance's certificate when that refused it
   * ({@link InstanceTrust} says what the certificate has and what was expected), else the TLS error, with
   * where the rule's {@code tls} is.
   */
  static String describe(SSLException failure, UpstreamTls tls) {
    CertificateException refused = InboardProxy.cause(failure, CertificateException.class);
    String why = refused != null ? refused.getMessage() : failure.getMessage();
    return why + " (TLS as " + tls.destination.where() + " says)";
  }
}
