package io.inboard.gateway;

import io.inboard.core.model.ServerTLSSettings;
import io.inboard.core.tls.FileStamp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files one HTTPS server's certificate, key, client CAs and revocation lists are read from, and
 * a stamp of them that changes when any of them does ({@link FileStamp}: each file's real path, size
 * and modification time).
 *
 * @param paths every file the server's certificate depends on, as configured (existing or not: a
 *     secret's file appearing under its other name counts as a change too)
 */
record CredentialFiles(List<Path> paths) {
  /** A secret's certificate file: a Kubernetes TLS secret's name first, then a generic secret's. */
  static final String[] CERTIFICATE = {"tls.crt", "cert"};
  static final String[] KEY = {"tls.key", "key"};
  static final String[] CA = {"ca.crt", "cacert"};
  /** A secret's certificate revocation list, as Istio reads it beside the CAs. */
  static final String[] CRL = {"ca.crl"};
  /** The sibling directory Istio also reads a credential's client CAs from: {@code <credentialName>-cacert}. */
  static final String CA_SECRET_SUFFIX = "-cacert";

  CredentialFiles {
    paths = List.copyOf(paths);
  }

  /**
   * The files of {@code tls}: its {@code serverCertificate}, {@code privateKey} and (unless
   * {@code SIMPLE}) {@code caCertificates}, or with {@code credentialName} every name the secret's
   * files may have under {@code credentialsDir}; none when the credential cannot be found at all.
   */
  static CredentialFiles of(ServerTLSSettings tls, Path credentialsDir) {
    boolean mutual = !tls.mode().equals(ServerTLSSettings.SIMPLE);
    return of(tls.serverCertificate(), tls.privateKey(), mutual ? tls.caCertificates() : null,
        mutual ? tls.caCrl() : null, tls.credentialName(), true, mutual, credentialsDir);
  }

  /**
   * The files of a certificate, key and CAs: given as {@code certificate}, {@code key} and {@code ca} (each
   * {@code null} when not given), or with {@code credentialName} every name the secret's files may have under
   * {@code credentialsDir} (the certificate and key when {@code keyPair}, the CAs when {@code cas}); none when
   * the credential cannot be found at all.
   */
  static CredentialFiles of(String certificate, String key, String ca, String crl, String credentialName,
      boolean keyPair, boolean cas, Path credentialsDir) {
    List<Path> paths = new ArrayList<>();
    if (credentialName == null) {
      addPath(paths, certificate);
      addPath(paths, key);
      addPath(paths, ca);
      addPath(paths, crl);
    } else if (credentialsDir != null) {
      Path dir = credentialsDir.resolve(credentialName).normalize();
      if (dir.startsWith(credentialsDir.normalize())) {
        if (keyPair) {
          addAll(paths, dir, CERTIFICATE);
          addAll(paths, dir, KEY);
        }
        if (cas) {
          addAll(paths, dir, CA);
          addAll(paths, dir, CRL);
          Path caSecret = dir.resolveSibling(credentialName + CA_SECRET_SUFFIX);
          addAll(paths, caSecret, CA);
          addAll(paths, caSecret, CRL);
        }
      }
    }
    return new CredentialFiles(paths);
  }

  /** The stamp of every file now; equal stamps mean nothing changed. Only a few {@code stat}s. */
  List<FileStamp> stamp() {
    return FileStamp.of(paths);
  }

  private static void addPath(List<Path> paths, String file) {
    if (file != null && !file.isEmpty()) {
      paths.add(Path.of(file));
    }
  }

  private static void addAll(List<Path> paths, Path dir, String[] names) {
    for (String name : names) {
      paths.add(dir.resolve(name));
    }
  }
}
