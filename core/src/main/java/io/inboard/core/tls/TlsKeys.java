package io.inboard.core.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * JDK key and trust managers from certificates and keys read with {@link PemFiles}, and the check
 * that a private key belongs to a certificate — done before any handshake, because a mismatch there
 * only shows as an unexplained handshake failure on the other side.
 */
public final class TlsKeys {
  private TlsKeys() {}

  /**
   * Whether {@code key} is the private key of {@code certificate}: a probe signed with the key
   * verifies with the certificate's public key. Key types other than RSA and EC are not checked
   * (true): the handshake will tell.
   */
  public static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> null;
    };
    if (algorithm == null) {
      return true;
    }
    byte[] probe = "inboard-key-check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an EC key with an RSA certificate
    }
  }

  /** Trust managers that trust exactly {@code cas} (not the JVM's trust store). */
  public static TrustManager[] trusting(List<X509Certificate> cas) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  /** Key managers that present {@code chain} (its own certificate first) with {@code key}. */
  public static KeyManager[] presenting(PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    char[] password = new char[0]; // in memory only; the store needs one
    store.setKeyEntry("key", key, password, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    return factory.getKeyManagers();
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("cannot create an empty key store", e);
    }
    return store;
  }
}
