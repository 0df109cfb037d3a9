package io.inboard.server;

import io.inboard.core.tls.PemFiles;
import io.inboard.core.tls.TlsKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * TLS to etcd ({@code https://} endpoints): the CAs trusted for etcd's certificate (the JVM's
 * trust store without {@code --etcd-ca-file}) and the client certificate presented to an etcd
 * that runs with {@code --client-cert-auth}. The JDK checks etcd's certificate against the host
 * name of the endpoint as for any HTTPS server, so the endpoint must be a name or address the
 * certificate lists. Every file is read and checked at start, so a bad one stops the server with
 * its name instead of failing every handshake later.
 *
 * @param caFile {@code null}: the JVM's trust store
 * @param certFile {@code null}: no client certificate
 */
record EtcdTls(Path caFile, Path certFile, Path keyFile, SSLContext context) {

  /** The file settings as given; each may be {@code null}. */
  record Files(Setting ca, Setting cert, Setting key) {
    boolean any() {
      return ca != null || cert != null || key != null;
    }

    Setting first() {
      return ca != null ? ca : cert != null ? cert : key;
    }
  }

  /**
   * Reads and checks the files.
   *
   * @throws IllegalArgumentException naming the setting, the file, what is wrong and how to fix it
   */
  static EtcdTls load(Files files) {
    if ((files.cert() == null) != (files.key() == null)) {
      Setting given = files.cert() != null ? files.cert() : files.key();
      String missing = files.cert() != null ? "--etcd-key-file (INBOARD_ETCD_KEY_FILE)"
          : "--etcd-cert-file (INBOARD_ETCD_CERT_FILE)";
      throw new IllegalArgumentException(given.source() + " " + given.value() + " is given without " + missing
          + "; a client certificate needs its private key and the other way round: give both, or neither");
    }
    List<X509Certificate> cas = files.ca() == null ? null
        : read(files.ca(), PemFiles::certificates, "give the PEM file of the CA(s) that issued etcd's certificate");
    TrustManager[] trust = null; // the JVM's trust store
    KeyManager[] keys = null;
    try {
      if (cas != null) {
        trust = TlsKeys.trusting(cas);
      }
      if (files.cert() != null) {
        List<X509Certificate> chain = read(files.cert(), PemFiles::certificates,
            "give the PEM client certificate (its chain may follow it)");
        PrivateKey key = read(files.key(), PemFiles::privateKey,
            "give the PEM private key of the client certificate (PKCS#8, or PKCS#1 RSA)");
        if (!TlsKeys.belongTogether(key, chain.get(0))) {
          throw new IllegalArgumentException(files.key() + ": this private key does not belong to the certificate in "
              + files.cert() + " (" + chain.get(0).getSubjectX500Principal() + "); give the key the certificate"
              + " was issued for");
        }
        keys = TlsKeys.presenting(key, chain);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return new EtcdTls(path(files.ca()), path(files.cert()), path(files.key()), context);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS to etcd from " + files.first() + ": " + e.getMessage(), e);
    }
  }

  /** Why a handshake with etcd failed, in terms of the settings to correct. */
  String explain(javax.net.ssl.SSLException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("PKIX path") || m.contains("certification path")) {
      return "etcd's certificate is not issued by a CA in " + (caFile == null ? "the JVM's trust store" : "--etcd-ca-file "
          + caFile) + " (" + m + "); give --etcd-ca-file the CA that issued etcd's certificate (etcd's --cert-file)";
    }
    if (m.contains("subject alternative") || m.contains("No name matching")) {
      return "etcd's certificate does not name the endpoint's host (" + m + "); the host name is verified: give the"
          + " endpoint as a name or address the certificate lists";
    }
    if (m.contains("bad_certificate") || m.contains("certificate_required") || m.contains("unknown_ca")) {
      return "etcd refused the client certificate (" + m + "); " + (certFile == null
          ? "etcd runs with --client-cert-auth: give --etcd-cert-file and --etcd-key-file"
          : "is --etcd-cert-file " + certFile + " issued by a CA in etcd's --trusted-ca-file?");
    }
    return m;
  }

  private interface Reader<T> {
    T read(Path file) throws PemFiles.BadPem;
  }

  private static <T> T read(Setting setting, Reader<T> reader, String fix) {
    try {
      return reader.read(Path.of(setting.value()));
    } catch (PemFiles.BadPem e) {
      throw new IllegalArgumentException(setting + " " + e.getMessage() + "; " + fix);
    }
  }

  private static Path path(Setting setting) {
    return setting == null ? null : Path.of(setting.value());
  }

  @Override
  public String toString() {
    return "TLS (" + (caFile == null ? "JVM trust store" : "CA " + caFile)
        + (certFile == null ? "" : ", client certificate " + certFile) + ")";
  }
}
