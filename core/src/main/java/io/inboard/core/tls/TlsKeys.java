package io.inboard.core.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

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

  /**
   * Trust managers that trust {@code cas} ({@code null}: the JVM's trust store) and refuse a
   * certificate that {@code crls} revoke. As Envoy checks a chain when it is given revocation
   * lists, every certificate of the chain below the trusted CA must be covered by a list of its
   * issuer that is current (its {@code nextUpdate} not passed); nothing is fetched from the network
   * (no OCSP, no distribution points).
   */
  public static TrustManager[] trusting(List<X509Certificate> cas, List<X509CRL> crls)
      throws GeneralSecurityException {
    if (crls == null || crls.isEmpty()) {
      return cas == null ? jvmTrust() : trusting(cas);
    }
    Set<TrustAnchor> anchors = new HashSet<>();
    if (cas == null) {
      for (TrustManager m : jvmTrust()) {
        if (m instanceof X509TrustManager x) {
          for (X509Certificate ca : x.getAcceptedIssuers()) {
            anchors.add(new TrustAnchor(ca, null));
          }
        }
      }
    } else {
      for (X509Certificate ca : cas) {
        anchors.add(new TrustAnchor(ca, null));
      }
    }
    PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
    parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
    PKIXRevocationChecker revocation =
        (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
    revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
        PKIXRevocationChecker.Option.NO_FALLBACK));
    parameters.addCertPathChecker(revocation);
    parameters.setRevocationEnabled(true);
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(new CertPathTrustManagerParameters(parameters));
    return factory.getTrustManagers();
  }

  /**
   * The X.509 trust manager of {@link #trusting(List, List)}: {@code cas} ({@code null}: the JVM's
   * trust store), refusing what {@code crls} ({@code null} or empty: none) revoke.
   */
  public static X509ExtendedTrustManager trustManager(List<X509Certificate> cas, List<X509CRL> crls)
      throws GeneralSecurityException {
    for (TrustManager m : trusting(cas, crls)) {
      if (m instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JDK gave no X.509 trust manager");
  }

  /** The X.509 key manager of {@link #presenting}. */
  public static X509ExtendedKeyManager keyManager(PrivateKey key, List<X509Certificate> chain)
      throws GeneralSecurityException {
    for (KeyManager m : presenting(key, chain)) {
      if (m instanceof X509ExtendedKeyManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JDK gave no X.509 key manager");
  }

  private static TrustManager[] jvmTrust() throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
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
