package io.inboard.core.tls;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a peer's own certificate (the first of its chain) must be, beyond chaining to a trusted CA:
 * Istio's {@code subjectAltNames}, {@code verifyCertificateSpki} and {@code verifyCertificateHash},
 * checked as Envoy checks them. A name must equal one of the certificate's subject alternative names
 * (DNS, URI, IP address or e-mail); the certificate's public key (SHA-256 of its SubjectPublicKeyInfo)
 * or the whole certificate (SHA-256 of its DER) must be one of those listed — with both lists given,
 * a match in either is enough, as in Envoy.
 *
 * @param subjectAltNames empty: any name
 * @param spkiSha256 empty, with {@code certificateSha256} empty too: any certificate
 */
public record CertificatePins(List<String> subjectAltNames, Set<ByteBuffer> spkiSha256,
    Set<ByteBuffer> certificateSha256) {

  public static final CertificatePins NONE = new CertificatePins(List.of(), Set.of(), Set.of());

  public CertificatePins {
    subjectAltNames = List.copyOf(subjectAltNames);
    spkiSha256 = Set.copyOf(spkiSha256);
    certificateSha256 = Set.copyOf(certificateSha256);
  }

  /**
   * The pins as Istio writes them: {@code spki} base64 SHA-256 digests, {@code hashes} hex SHA-256
   * digests with or without colons (as {@code openssl x509 -fingerprint -sha256} prints them).
   *
   * @throws IllegalArgumentException for a value that is not such a digest (the readers check first)
   */
  public static CertificatePins of(Collection<String> subjectAltNames, Collection<String> spki,
      Collection<String> hashes) {
    Set<ByteBuffer> keys = spki.stream().map(CertificatePins::requireSpki).collect(Collectors.toSet());
    Set<ByteBuffer> certificates = hashes.stream().map(CertificatePins::requireHash).collect(Collectors.toSet());
    return new CertificatePins(List.copyOf(subjectAltNames), keys, certificates);
  }

  /** The 32 bytes of a base64 SHA-256 digest, or {@code null} when {@code text} is not one. */
  public static byte[] spki(String text) {
    try {
      byte[] digest = Base64.getDecoder().decode(text.trim());
      return digest.length == 32 ? digest : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The 32 bytes of a hex SHA-256 digest ({@code AB:CD:...} or {@code abcd...}), or {@code null}. */
  public static byte[] hash(String text) {
    String hex = text.trim().replace(":", "");
    if (hex.length() != 64) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public boolean none() {
    return subjectAltNames.isEmpty() && spkiSha256.isEmpty() && certificateSha256.isEmpty();
  }

  /**
   * @throws CertificateException saying which pin {@code certificate} misses, for the handshake's
   *     failure and the log
   */
  public void check(X509Certificate certificate) throws CertificateException {
    if (!subjectAltNames.isEmpty() && !carriesAName(certificate)) {
      throw new CertificateException("the certificate of " + certificate.getSubjectX500Principal()
          + " carries none of the subject alternative names " + subjectAltNames);
    }
    if (spkiSha256.isEmpty() && certificateSha256.isEmpty()) {
      return;
    }
    if (spkiSha256.contains(ByteBuffer.wrap(sha256(certificate.getPublicKey().getEncoded())))
        || certificateSha256.contains(ByteBuffer.wrap(sha256(certificate.getEncoded())))) {
      return;
    }
    throw new CertificateException("the certificate of " + certificate.getSubjectX500Principal()
        + " is not one of those pinned (verifyCertificateSpki, verifyCertificateHash)");
  }

  private boolean carriesAName(X509Certificate certificate) throws CertificateParsingException {
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names == null) {
      return false;
    }
    for (List<?> name : names) {
      // DNS (2), URI (6), IP address (7), e-mail (1): the kinds Envoy's matcher compares as text.
      Object type = name.get(0);
      if ((type.equals(1) || type.equals(2) || type.equals(6) || type.equals(7))
          && subjectAltNames.contains(String.valueOf(name.get(1)))) {
        return true;
      }
    }
    return false;
  }

  private static ByteBuffer requireSpki(String text) {
    byte[] digest = spki(text);
    if (digest == null) {
      throw new IllegalArgumentException("not a base64 SHA-256 digest: " + text);
    }
    return ByteBuffer.wrap(digest);
  }

  private static ByteBuffer requireHash(String text) {
    byte[] digest = hash(text);
    if (digest == null) {
      throw new IllegalArgumentException("not a hex SHA-256 digest: " + text);
    }
    return ByteBuffer.wrap(digest);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
