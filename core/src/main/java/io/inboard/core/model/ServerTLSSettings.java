package io.inboard.core.model;

import io.inboard.core.tls.CertificatePins;
import java.util.List;

/**
 * A Gateway server's {@code tls}: how it terminates TLS ({@code mode} and the certificate files
 * or the {@code credentialName} holding them), the TLS versions and cipher suites it accepts, and
 * for a plain-HTTP server whether it sends clients to HTTPS ({@code httpsRedirect}).
 *
 * @param mode Istio's {@code TLSmode} name, upper-case ({@code SIMPLE}, {@code MUTUAL}, ...);
 *     {@code PASSTHROUGH} when not given, as Istio's default
 * @param minProtocolVersion {@code TLS_AUTO}, {@code TLSV1_0} ... {@code TLSV1_3}
 * @param cipherSuites the cipher suites as written (Envoy's names), unknown ones already dropped
 * @param subjectAltNames names one of which a client's certificate must carry ({@code MUTUAL},
 *     {@code OPTIONAL_MUTUAL}); empty: any
 * @param verifyCertificateSpki base64 SHA-256 digests of the public keys client certificates may have
 * @param verifyCertificateHash hex SHA-256 digests of the client certificates allowed
 * @param caCrl a PEM file of revocation lists for client certificates, or {@code null}
 */
public record ServerTLSSettings(
    boolean httpsRedirect,
    String mode,
    String serverCertificate,
    String privateKey,
    String caCertificates,
    String credentialName,
    String minProtocolVersion,
    String maxProtocolVersion,
    List<String> cipherSuites,
    List<String> subjectAltNames,
    List<String> verifyCertificateSpki,
    List<String> verifyCertificateHash,
    String caCrl) {
  public static final String PASSTHROUGH = "PASSTHROUGH";
  public static final String SIMPLE = "SIMPLE";
  public static final String MUTUAL = "MUTUAL";
  public static final String OPTIONAL_MUTUAL = "OPTIONAL_MUTUAL";
  public static final String TLS_AUTO = "TLS_AUTO";

  public ServerTLSSettings {
    mode = mode == null ? PASSTHROUGH : mode;
    minProtocolVersion = minProtocolVersion == null ? TLS_AUTO : minProtocolVersion;
    maxProtocolVersion = maxProtocolVersion == null ? TLS_AUTO : maxProtocolVersion;
    cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
    subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
    verifyCertificateSpki = verifyCertificateSpki == null ? List.of() : List.copyOf(verifyCertificateSpki);
    verifyCertificateHash = verifyCertificateHash == null ? List.of() : List.copyOf(verifyCertificateHash);
  }

  /** The same settings without the client certificate checks, for code that sets only the rest. */
  public ServerTLSSettings(boolean httpsRedirect, String mode, String serverCertificate, String privateKey,
      String caCertificates, String credentialName, String minProtocolVersion, String maxProtocolVersion,
      List<String> cipherSuites) {
    this(httpsRedirect, mode, serverCertificate, privateKey, caCertificates, credentialName, minProtocolVersion,
        maxProtocolVersion, cipherSuites, null, null, null, null);
  }

  /** What a client's own certificate must be beyond chaining to {@code caCertificates}. */
  public CertificatePins clientPins() {
    return CertificatePins.of(subjectAltNames, verifyCertificateSpki, verifyCertificateHash);
  }

  /** Whether the gateway terminates TLS for this mode (with certificates it is given). */
  public boolean terminates() {
    return mode.equals(SIMPLE) || mode.equals(MUTUAL) || mode.equals(OPTIONAL_MUTUAL);
  }
}
