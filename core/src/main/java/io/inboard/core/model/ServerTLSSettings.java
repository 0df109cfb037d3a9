package io.inboard.core.model;

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
    List<String> cipherSuites) {
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
  }

  /** Whether the gateway terminates TLS for this mode (with certificates it is given). */
  public boolean terminates() {
    return mode.equals(SIMPLE) || mode.equals(MUTUAL) || mode.equals(OPTIONAL_MUTUAL);
  }
}
