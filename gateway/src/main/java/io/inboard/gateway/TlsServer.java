package io.inboard.gateway;

import io.inboard.core.model.CipherSuites;
import io.inboard.core.model.ServerTLSSettings;
import io.inboard.core.route.GatewayPortRoutes.GatewayServer;
import io.inboard.core.tls.FileStamp;
import io.inboard.core.tls.PemFiles;
import io.inboard.core.tls.PinnedTrust;
import io.inboard.core.tls.TlsKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * One Gateway server that the gateway terminates TLS for, with its certificate and key loaded: what
 * it presents to a client whose SNI names one of its hosts, and what it demands of that client
 * (a client certificate signed by its CAs under {@code MUTUAL}, TLS versions and cipher suites).
 */
final class TlsServer {
  /** TLS 1.3's suites: Envoy's {@code cipherSuites} do not touch them, so they stay enabled. */
  static final List<String> TLS13_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
  private static final List<String> VERSIONS = List.of("TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3");
  private static final List<String> JDK_VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

  /** A server whose certificate cannot be used; the message names the Gateway, server, field and file. */
  static final class BadCertificate extends Exception {
    BadCertificate(String message) {
      super(message);
    }
  }

  final GatewayServer server;
  private final PrivateKey key;
  private final X509Certificate[] chain;
  /** Checks client certificates ({@code MUTUAL}, {@code OPTIONAL_MUTUAL}); {@code null} under {@code SIMPLE}. */
  private final X509TrustManager clientTrust;
  private final boolean clientCertificateRequired;
  /** The JDK names of the TLS versions it accepts. */
  private final Set<String> protocols;
  /** The JDK names of the cipher suites it accepts, or {@code null} for the JVM's defaults. */
  private final Set<String> cipherSuites;
  /** Whether it offers {@code h2} by ALPN: HTTP/2 is on and its versions and suites allow it ({@link Http2Protocols#possible}). */
  private final boolean offersH2;

  /** This server's TLS engine: its certificate, versions, cipher suites and client-certificate demand. */
  private final SslConnectionFactory connectionFactory;
  /** The files the certificate was read from, and their stamp taken just before they were read. */
  private final CredentialFiles files;
  private final List<FileStamp> stamp;

  private TlsServer(GatewayServer server, CredentialFiles files, List<FileStamp> stamp, PrivateKey key,
      X509Certificate[] chain, X509TrustManager clientTrust, boolean clientCertificateRequired, Set<String> protocols,
      Set<String> cipherSuites, boolean http2) {
    this.server = server;
    this.files = files;
    this.stamp = stamp;
    this.key = key;
    this.chain = chain;
    this.clientTrust = clientTrust;
    this.clientCertificateRequired = clientCertificateRequired;
    this.protocols = protocols;
    this.cipherSuites = cipherSuites;
    this.offersH2 = http2 && Http2Protocols.possible(protocols, cipherSuites);
    this.connectionFactory = connectionFactory(new OwnCertificate(key, chain), clientTrust, protocols, cipherSuites,
        clientCertificateRequired, clientTrust != null && !clientCertificateRequired,
        offersH2 ? Http2Protocols.ALPN : Http2Protocols.HTTP_1_1);
  }

  /** Whether clients may negotiate {@code h2} with this server (else they get {@code http/1.1}). */
  boolean offersH2() {
    return offersH2;
  }

  SslConnectionFactory connectionFactory() {
    return connectionFactory;
  }

  /** A TLS engine with no certificate at all: its handshakes fail, for a client no server accepts. */
  static SslConnectionFactory connectionFactoryWithoutCertificate() {
    return connectionFactory(null, null, Set.copyOf(JDK_VERSIONS.subList(2, 4)), null, false, false,
        Http2Protocols.HTTP_1_1);
  }

  private static SslConnectionFactory connectionFactory(KeyManager keys, X509TrustManager clientTrust,
      Set<String> protocols, Set<String> cipherSuites, boolean needClientCertificate, boolean wantClientCertificate,
      String nextProtocol) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? new KeyManager[0] : new KeyManager[] {keys},
          clientTrust == null ? null : new TrustManager[] {clientTrust}, null);
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setSslContext(context);
      ssl.setIncludeProtocols(protocols.toArray(new String[0]));
      if (cipherSuites != null) {
        // Taken as written: Jetty's own exclusions (TLS_RSA_*, *_SHA) would drop suites Envoy offers.
        ssl.setIncludeCipherSuites(cipherSuites.toArray(new String[0]));
        ssl.setExcludeCipherSuites();
        if (nextProtocol.equals(Http2Protocols.ALPN)) {
          // The server's order decides the suite: those h2 accepts first (else in the order given),
          // so that a client able to use one gets h2 rather than HTTP/1.1.
          ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        }
      }
      ssl.setNeedClientAuth(needClientCertificate);
      ssl.setWantClientAuth(wantClientCertificate);
      // The connector's factory of that name takes the decrypted connection: ALPN, or HTTP/1.1 directly.
      SslConnectionFactory factory = new SslConnectionFactory(ssl, nextProtocol);
      factory.start();
      return factory;
    } catch (Exception e) {
      throw new IllegalStateException("the JVM cannot make a TLS context: " + e, e);
    }
  }

  ServerTLSSettings tls() {
    return server.server().tls();
  }

  /**
   * Loads the certificate, key and client CAs of {@code server}: from its {@code serverCertificate},
   * {@code privateKey} and {@code caCertificates} files, or with {@code credentialName} from
   * {@code credentialsDir/<credentialName>/} as a mounted Kubernetes TLS secret ({@code tls.crt},
   * {@code tls.key}, {@code ca.crt}, or a generic secret's {@code cert}, {@code key}, {@code cacert});
   * the CAs may also come from {@code <credentialName>-cacert/}, as Istio allows.
   */
  static TlsServer load(GatewayServer server, Path credentialsDir, boolean http2) throws BadCertificate {
    ServerTLSSettings tls = server.server().tls();
    // Stamped before reading: a file that changes while it is read is seen as changed at the next poll.
    CredentialFiles files = CredentialFiles.of(tls, credentialsDir);
    List<FileStamp> stamp = files.stamp();
    String where = server.where() + " tls.";
    Path certFile;
    Path keyFile;
    Path caFile = null;
    boolean mutual = !tls.mode().equals(ServerTLSSettings.SIMPLE);
    String field;
    if (tls.credentialName() != null) {
      String name = tls.credentialName();
      String credential = where + "credentialName '" + name + "'";
      if (credentialsDir == null) {
        throw new BadCertificate(credential + ": the gateway has no --credentials-dir to find it in; start it with "
            + "--credentials-dir DIR where DIR/" + name + "/ holds tls.crt and tls.key (a mounted Kubernetes TLS "
            + "secret); the server is left out");
      }
      if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
        throw new BadCertificate(credential + " is not a secret name (no '/', no leading '.'); the server is left out");
      }
      Path dir = credentialsDir.resolve(name);
      certFile = firstOf(credential, dir, CredentialFiles.CERTIFICATE);
      keyFile = firstOf(credential, dir, CredentialFiles.KEY);
      if (mutual) {
        caFile = existing(dir, CredentialFiles.CA);
        if (caFile == null) {
          caFile = firstOf(credential + " (" + tls.mode() + " needs client CAs)",
              dir.resolveSibling(name + CredentialFiles.CA_SECRET_SUFFIX), CredentialFiles.CA);
        }
      }
      field = "credentialName '" + name + "' file ";
    } else {
      certFile = Path.of(tls.serverCertificate());
      keyFile = Path.of(tls.privateKey());
      caFile = mutual ? Path.of(tls.caCertificates()) : null;
      field = null;
    }
    List<X509Certificate> chain = read(where, field, "serverCertificate", certFile, PemFiles::certificates);
    PrivateKey key = read(where, field, "privateKey", keyFile, PemFiles::privateKey);
    if (!TlsKeys.belongTogether(key, chain.get(0))) {
      throw new BadCertificate(where + (field == null ? "privateKey " : field) + keyFile + ": this private key does "
          + "not belong to the certificate in " + certFile + " (" + chain.get(0).getSubjectX500Principal()
          + "); give the key the certificate was issued for; the server is left out");
    }
    X509TrustManager clientTrust = null;
    if (caFile != null) {
      List<X509Certificate> cas = read(where, field, "caCertificates", caFile, PemFiles::certificates);
      Path crlFile = tls.credentialName() == null ? (tls.caCrl() == null ? null : Path.of(tls.caCrl()))
          : crlBeside(caFile);
      List<X509CRL> crls = crlFile == null ? null : read(where, field, "caCrl", crlFile, PemFiles::crls);
      clientTrust = PinnedTrust.of(trustManager(cas, crls), tls.clientPins());
    }
    return new TlsServer(server, files, stamp, key, chain.toArray(new X509Certificate[0]), clientTrust,
        tls.mode().equals(ServerTLSSettings.MUTUAL), protocols(tls), cipherSuites(tls), http2);
  }

  /** The same server in a new snapshot, with the certificate and TLS settings loaded before, for a bad new one. */
  TlsServer keptFor(GatewayServer next) {
    return new TlsServer(next, files, stamp, key, chain, clientTrust, clientCertificateRequired, protocols,
        cipherSuites, offersH2); // same versions and suites: offersH2 comes out the same
  }

  /** Whether any file the certificate was read from has changed since (a few {@code stat}s). */
  boolean filesChanged() {
    return !files.stamp().equals(stamp);
  }

  /** What a log line says of the certificate in use: its subject and expiry. */
  String describeCertificate() {
    return chain[0].getSubjectX500Principal() + ", valid until " + chain[0].getNotAfter().toInstant();
  }

  /** Whether {@code next} is this server again (same Gateway, server and hosts) in a new snapshot. */
  boolean sameServerAs(GatewayServer next) {
    return server.where().equals(next.where()) && server.hosts().equals(next.hosts());
  }

  private interface Reader<T> {
    T read(Path file) throws PemFiles.BadPem;
  }

  private static <T> T read(String where, String credentialField, String field, Path file, Reader<T> reader)
      throws BadCertificate {
    try {
      return reader.read(file);
    } catch (PemFiles.BadPem e) {
      throw new BadCertificate(where + (credentialField == null ? field + " " : credentialField) + file + " "
          + e.getMessage() + "; the server is left out");
    }
  }

  /** The first of {@code names} that is a file in {@code dir}, or {@code null}. */
  static Path existing(Path dir, String... names) {
    for (String name : names) {
      if (Files.isRegularFile(dir.resolve(name))) {
        return dir.resolve(name);
      }
    }
    return null;
  }

  private static Path firstOf(String credential, Path dir, String... names) throws BadCertificate {
    Path found = existing(dir, names);
    if (found == null) {
      throw new BadCertificate(credential + ": neither " + dir.resolve(names[0]) + " nor " + dir.resolve(names[1])
          + " exists; put the secret's files there (a Kubernetes TLS secret mounted at " + dir
          + "); the server is left out");
    }
    return found;
  }

  /** A secret's revocation list: {@code ca.crl} in the directory its CAs were found in, or {@code null}. */
  static Path crlBeside(Path caFile) {
    return existing(caFile.getParent(), CredentialFiles.CRL);
  }

  /**
   * A trust manager that accepts the chains leading to one of {@code cas} ({@code null}: the JVM's
   * trust store) and, with {@code crls}, none that they revoke.
   */
  static X509ExtendedTrustManager trustManager(List<X509Certificate> cas, List<X509CRL> crls)
      throws BadCertificate {
    try {
      return TlsKeys.trustManager(cas, crls);
    } catch (Exception e) {
      throw new BadCertificate("cannot build a trust store of the CAs" + (crls == null ? "" : " and revocation lists")
          + ": " + e);
    }
  }


  /** Istio's {@code min/maxProtocolVersion} as JDK names; {@code TLS_AUTO} is 1.2 to 1.3, Envoy's server default. */
  private static Set<String> protocols(ServerTLSSettings tls) {
    int min = tls.minProtocolVersion().equals(ServerTLSSettings.TLS_AUTO) ? 2 : VERSIONS.indexOf(tls.minProtocolVersion());
    int max = tls.maxProtocolVersion().equals(ServerTLSSettings.TLS_AUTO) ? 3 : VERSIONS.indexOf(tls.maxProtocolVersion());
    return Set.copyOf(JDK_VERSIONS.subList(min, Math.max(min, max) + 1));
  }

  private static Set<String> cipherSuites(ServerTLSSettings tls) {
    if (tls.cipherSuites().isEmpty()) {
      return null;
    }
    Set<String> suites = new LinkedHashSet<>();
    tls.cipherSuites().forEach(name -> suites.add(CipherSuites.jdkName(name)));
    suites.addAll(TLS13_SUITES);
    return suites;
  }
}
