package io.inboard.gateway;

import io.inboard.core.model.ClientTLSSettings;
import io.inboard.core.route.TlsDestination;
import io.inboard.core.tls.FileStamp;
import io.inboard.core.tls.PemFiles;
import io.inboard.core.tls.TlsKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.io.ssl.SslClientConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The TLS the gateway opens to one destination's instances ({@code tls.mode} {@code SIMPLE} or
 * {@code MUTUAL}), loaded once per rule and certificate files, not per request: the CAs to check the
 * instance's certificate with, the names it must carry, and under {@code MUTUAL} the client certificate to
 * present. A file that cannot be read does not fail the snapshot: the object keeps the {@link #problem},
 * which answers the destination's requests with 503, naming the rule, field and file.
 */
final class UpstreamTls {
  /** The connect context's key for the server name a connection's handshake sends. */
  static final String SERVER_NAME_CONTEXT_KEY = UpstreamTls.class.getName() + ".serverName";

  final TlsDestination destination;
  private final CredentialFiles files;
  private final List<FileStamp> stamp;
  /** {@code null} when there is a problem. */
  private final SslContextFactory.Client contexts;
  private final String problem;
  private final AtomicBoolean handshakeFailureLogged = new AtomicBoolean();

  private UpstreamTls(TlsDestination destination, CredentialFiles files, List<FileStamp> stamp,
      SslContextFactory.Client contexts, String problem) {
    this.destination = destination;
    this.files = files;
    this.stamp = stamp;
    this.contexts = contexts;
    this.problem = problem;
  }

  /** Why the destination's requests cannot be sent (a certificate file cannot be used), or {@code null}. */
  String problem() {
    return problem;
  }

  /** The TLS engines of the destination's connections; only when there is no {@link #problem}. */
  SslContextFactory.Client contexts() {
    return contexts;
  }

  /** Whether this is the first handshake failure: the gateway logs one per destination and certificate. */
  boolean firstHandshakeFailure() {
    return handshakeFailureLogged.compareAndSet(false, true);
  }

  /** Whether {@code next} is the same rule's same settings for the same destination (files aside). */
  boolean sameAs(TlsDestination next) {
    return destination.equals(next);
  }

  /** Whether any file the settings were read from has changed since (a few {@code stat}s). */
  boolean filesChanged() {
    return !files.stamp().equals(stamp);
  }

  /** A certificate file that cannot be used, named with the rule and field it comes from. */
  private static final class BadFile extends Exception {
    BadFile(String message) {
      super(message);
    }
  }

  /**
   * Loads the settings of {@code destination}: the files they name, or with {@code credentialName} the
   * files of the secret mounted at {@code credentialsDir/<credentialName>/} (as a Gateway server reads its
   * credential: {@code tls.crt}, {@code tls.key}, {@code ca.crt}, or {@code cert}, {@code key},
   * {@code cacert}; the CAs also from {@code <credentialName>-cacert/}).
   */
  static UpstreamTls load(TlsDestination destination, Path credentialsDir) {
    ClientTLSSettings tls = destination.tls();
    boolean mutual = tls.mode().equals(ClientTLSSettings.MUTUAL);
    // Stamped before reading: a file that changes while it is read is seen as changed at the next poll.
    CredentialFiles files = CredentialFiles.of(tls.clientCertificate(), tls.privateKey(), tls.caCertificates(),
        tls.insecureSkipVerify() ? null : tls.caCrl(), tls.credentialName(), mutual, !tls.insecureSkipVerify(),
        credentialsDir);
    List<FileStamp> stamp = files.stamp();
    try {
      return new UpstreamTls(destination, files, stamp, contexts(destination, credentialsDir), null);
    } catch (BadFile e) {
      return new UpstreamTls(destination, files, stamp, null, e.getMessage() + "; calls to " + destination.host()
          + (destination.subset() == null ? "" : " subset " + destination.subset())
          + " are answered 503 until it is fixed");
    }
  }

  private static SslContextFactory.Client contexts(TlsDestination destination, Path credentialsDir) throws BadFile {
    ClientTLSSettings tls = destination.tls();
    String where = destination.where() + ".";
    Path certificate = tls.clientCertificate() == null ? null : Path.of(tls.clientCertificate());
    Path key = tls.privateKey() == null ? null : Path.of(tls.privateKey());
    Path ca = tls.caCertificates() == null ? null : Path.of(tls.caCertificates());
    Path crl = tls.caCrl() == null ? null : Path.of(tls.caCrl());
    String certificateField = "clientCertificate";
    String keyField = "privateKey";
    String caField = "caCertificates";
    boolean mutual = tls.mode().equals(ClientTLSSettings.MUTUAL);
    if (tls.credentialName() != null) {
      String name = tls.credentialName();
      String credential = "credentialName '" + name + "'";
      if (credentialsDir == null) {
        throw new BadFile(where + credential + ": the gateway has no --credentials-dir to find it in; start it with "
            + "--credentials-dir DIR where DIR/" + name + "/ holds the secret's files");
      }
      if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
        throw new BadFile(where + credential + " is not a secret name (no '/', no leading '.')");
      }
      Path dir = credentialsDir.resolve(name);
      if (mutual) {
        certificate = TlsServer.existing(dir, CredentialFiles.CERTIFICATE);
        key = TlsServer.existing(dir, CredentialFiles.KEY);
        if (certificate == null || key == null) {
          throw new BadFile(where + credential + ": " + dir + " holds no " + (certificate == null
              ? "tls.crt (or cert)" : "tls.key (or key)") + "; MUTUAL needs the client certificate and key there");
        }
      }
      ca = TlsServer.existing(dir, CredentialFiles.CA);
      if (ca == null) {
        ca = TlsServer.existing(dir.resolveSibling(name + CredentialFiles.CA_SECRET_SUFFIX),
            CredentialFiles.CA);
      }
      crl = TlsServer.crlBeside(ca == null ? dir.resolve(CredentialFiles.CA[0]) : ca);
      certificateField = keyField = caField = credential + " file";
    }
    KeyManager[] keys = new KeyManager[0];
    if (mutual) {
      List<X509Certificate> chain = read(where, certificateField, certificate, PemFiles::certificates);
      PrivateKey privateKey = read(where, keyField, key, PemFiles::privateKey);
      if (!TlsKeys.belongTogether(privateKey, chain.get(0))) {
        throw new BadFile(where + keyField + " " + key + ": this private key does not belong to the certificate in "
            + certificate + " (" + chain.get(0).getSubjectX500Principal() + ")");
      }
      keys = new KeyManager[] {new OwnCertificate(privateKey, chain.toArray(new X509Certificate[0]))};
    }
    List<X509CRL> crls = crl == null || tls.insecureSkipVerify() ? null
        : read(where, tls.credentialName() == null ? "caCrl" : caField, crl, PemFiles::crls);
    TrustManager trust = tls.insecureSkipVerify() ? new InstanceTrust(TRUST_ANY, "anyone", List.of(), false)
        : new InstanceTrust(caTrust(where, caField, ca, crls),
            ca == null ? "the JVM's default trust store (give caCertificates to trust your own CAs)"
                : caField + " " + ca, tls.subjectAltNames(), tls.sni() == null);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, new TrustManager[] {trust}, null);
      Contexts factory = new Contexts();
      factory.setSslContext(context);
      // The names are checked by InstanceTrust, against the name sent, not the instance's address.
      factory.setEndpointIdentificationAlgorithm(null);
      factory.start();
      return factory;
    } catch (Exception e) {
      throw new IllegalStateException("the JVM cannot make a TLS context: " + e, e);
    }
  }

  private interface Reader<T> {
    T read(Path file) throws PemFiles.BadPem;
  }

  private static <T> T read(String where, String field, Path file, Reader<T> reader) throws BadFile {
    try {
      return reader.read(file);
    } catch (PemFiles.BadPem e) {
      throw new BadFile(where + field + " " + file + " " + e.getMessage());
    }
  }

  /** The CAs of {@code file} ({@code null}: the JVM's), refusing what {@code crls} revoke. */
  private static X509TrustManager caTrust(String where, String field, Path file, List<X509CRL> crls)
      throws BadFile {
    List<X509Certificate> cas = file == null ? null : read(where, field, file, PemFiles::certificates);
    try {
      return TlsServer.trustManager(cas, crls);
    } catch (TlsServer.BadCertificate e) {
      throw new BadFile(where + (file == null ? "the JVM's default trust store" : field + " " + file) + ": "
          + e.getMessage());
    }
  }

  /** {@code insecureSkipVerify}: every chain passes. */
  private static final X509TrustManager TRUST_ANY = new X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the gateway's upstream client checks servers only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // insecureSkipVerify: nothing is checked, as the rule asks
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  };

  /**
   * The destination's TLS engines: each connection's handshake sends the server name its connect context
   * carries ({@link #SERVER_NAME_CONTEXT_KEY}), so one context serves every server name of the destination.
   */
  private static final class Contexts extends SslContextFactory.Client
      implements SslClientConnectionFactory.SslEngineFactory {
    @Override
    public SSLEngine newSslEngine(String host, int port, Map<String, Object> context) {
      Object name = context.get(SERVER_NAME_CONTEXT_KEY);
      if (!(name instanceof String serverName)) {
        return newSSLEngine(host, port);
      }
      SSLEngine engine = newSSLEngine(serverName, port);
      try {
        // Set outright: the JDK sends a peer host as SNI only when it has a dot.
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        engine.setSSLParameters(parameters);
      } catch (IllegalArgumentException e) {
        // not a name TLS can carry: sent without SNI, as Envoy does for such a host
      }
      return engine;
    }
  }
}
