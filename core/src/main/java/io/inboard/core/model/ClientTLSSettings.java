package io.inboard.core.model;

import java.util.List;

/**
 * A DestinationRule's {@code tls} (Istio's {@code ClientTLSSettings}): whether and how the caller
 * opens TLS to the destination's instances. Only the gateway originates TLS ({@link #originates});
 * agents leave the application's client alone.
 *
 * @param mode {@code DISABLE} (Istio's default), {@code SIMPLE}, {@code MUTUAL} or {@code ISTIO_MUTUAL}
 * @param clientCertificate a PEM file of the client certificate chain ({@code MUTUAL}), or {@code null}
 * @param privateKey a PEM file of the client certificate's key ({@code MUTUAL}), or {@code null}
 * @param caCertificates a PEM file of the CAs the instance's certificate must chain to, or {@code null}
 *     for the JVM's default trust store
 * @param credentialName a secret holding the files instead (read from the gateway's credentials
 *     directory, as a Gateway server's), or {@code null}
 * @param subjectAltNames names one of which the instance's certificate must carry; empty: see
 *     {@code sni}
 * @param sni the server name sent in the handshake, or {@code null} for the request's host (Istio's
 *     automatic SNI)
 * @param insecureSkipVerify whether the instance's certificate is not checked at all
 * @param caCrl a PEM file of revocation lists the instance's certificate is checked against, or
 *     {@code null}
 * @param field where the block was written, e.g. {@code spec.subsets[0].trafficPolicy.tls}, for
 *     messages about it at run time
 */
public record ClientTLSSettings(
    String mode,
    String clientCertificate,
    String privateKey,
    String caCertificates,
    String credentialName,
    List<String> subjectAltNames,
    String sni,
    boolean insecureSkipVerify,
    String caCrl,
    String field) {
  public static final String DISABLE = "DISABLE";
  public static final String SIMPLE = "SIMPLE";
  public static final String MUTUAL = "MUTUAL";
  public static final String ISTIO_MUTUAL = "ISTIO_MUTUAL";

  public ClientTLSSettings {
    mode = mode == null ? DISABLE : mode;
    subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
  }

  /** The same settings without a revocation list. */
  public ClientTLSSettings(String mode, String clientCertificate, String privateKey, String caCertificates,
      String credentialName, List<String> subjectAltNames, String sni, boolean insecureSkipVerify, String field) {
    this(mode, clientCertificate, privateKey, caCertificates, credentialName, subjectAltNames, sni,
        insecureSkipVerify, null, field);
  }

  /**
   * Whether the gateway opens TLS for this block: {@code SIMPLE} and {@code MUTUAL}. {@code ISTIO_MUTUAL}
   * needs istiod's workload certificates and stays plain text (with a warning when read).
   */
  public boolean originates() {
    return mode.equals(SIMPLE) || mode.equals(MUTUAL);
  }
}
