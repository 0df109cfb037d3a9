package io.inboard.server;

import io.inboard.core.tls.FileStamp;
import io.inboard.core.tls.PemFiles;
import io.inboard.core.tls.TlsKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What the TLS files to etcd held when they were read: the trust manager for etcd's certificate
 * (the JVM's trust store without {@code --etcd-ca-file}), the key manager presenting the client
 * certificate ({@code null} without one), and the stamps of the files taken just before reading
 * them, so that a file changed while it was read is seen as changed at the next handshake.
 *
 * @param generation counts the reads, so a handshake that chose its client certificate from one
 *     read takes that read's private key even when the files are read again meanwhile
 */
record EtcdTlsMaterial(long generation, X509ExtendedTrustManager trust, X509ExtendedKeyManager keys,
    List<FileStamp> stamps) {

  /**
   * Reads and checks the files.
   *
   * @throws IllegalArgumentException naming the setting, the file, what is wrong and how to fix it
   */
  static EtcdTlsMaterial read(EtcdTls.Files files, List<Path> paths, long generation) {
    List<FileStamp> stamps = FileStamp.of(paths);
    List<X509Certificate> cas = files.ca() == null ? null
        : read(files.ca(), PemFiles::certificates, "give the PEM file of the CA(s) that issued etcd's certificate");
    try {
      X509ExtendedTrustManager trust = TlsKeys.trustManager(cas, null);
      X509ExtendedKeyManager keys = null;
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
        keys = TlsKeys.keyManager(key, chain);
      }
      return new EtcdTlsMaterial(generation, trust, keys, stamps);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS to etcd from " + files.first() + ": " + e.getMessage(), e);
    }
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
}
