package io.inboard.gateway;

import io.inboard.core.model.ServerTLSSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The files one HTTPS server's certificate, key and client CAs are read from, and a stamp of them
 * that changes when any of them does: each file's real path (symbolic links resolved), size and
 * modification time. Resolving the links is what sees Kubernetes renew a mounted secret: it writes
 * the new files into a new directory and swaps the {@code ..data} link to it in one step, so the
 * real path moves even when size and time would not tell.
 *
 * @param paths every file the server's certificate depends on, as configured (existing or not: a
 *     secret's file appearing under its other name counts as a change too)
 */
record CredentialFiles(List<Path> paths) {
  /** A secret's certificate file: a Kubernetes TLS secret's name first, then a generic secret's. */
  static final String[] CERTIFICATE = {"tls.crt", "cert"};
  static final String[] KEY = {"tls.key", "key"};
  static final String[] CA = {"ca.crt", "cacert"};
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
    return of(tls.serverCertificate(), tls.privateKey(), mutual ? tls.caCertificates() : null, tls.credentialName(),
        true, mutual, credentialsDir);
  }

  /**
   * The files of a certificate, key and CAs: given as {@code certificate}, {@code key} and {@code ca} (each
   * {@code null} when not given), or with {@code credentialName} every name the secret's files may have under
   * {@code credentialsDir} (the certificate and key when {@code keyPair}, the CAs when {@code cas}); none when
   * the credential cannot be found at all.
   */
  static CredentialFiles of(String certificate, String key, String ca, String credentialName, boolean keyPair,
      boolean cas, Path credentialsDir) {
    List<Path> paths = new ArrayList<>();
    if (credentialName == null) {
      addPath(paths, certificate);
      addPath(paths, key);
      addPath(paths, ca);
    } else if (credentialsDir != null) {
      Path dir = credentialsDir.resolve(credentialName).normalize();
      if (dir.startsWith(credentialsDir.normalize())) {
        if (keyPair) {
          addAll(paths, dir, CERTIFICATE);
          addAll(paths, dir, KEY);
        }
        if (cas) {
          addAll(paths, dir, CA);
          addAll(paths, dir.resolveSibling(credentialName + CA_SECRET_SUFFIX), CA);
        }
      }
    }
    return new CredentialFiles(paths);
  }

  /** One file as it is now: where its link leads, its size and time; or that it is missing or unreadable. */
  record Stamp(Path path, Path real, long size, FileTime modified, String trouble) {}

  /** The stamp of every file now; equal stamps mean nothing changed. Only a few {@code stat}s. */
  List<Stamp> stamp() {
    List<Stamp> out = new ArrayList<>(paths.size());
    for (Path path : paths) {
      try {
        Path real = path.toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
        out.add(new Stamp(path, real, attributes.size(), attributes.lastModifiedTime(), null));
      } catch (NoSuchFileException e) {
        out.add(new Stamp(path, null, -1, null, "missing"));
      } catch (IOException | SecurityException e) {
        out.add(new Stamp(path, null, -1, null, e.getClass().getSimpleName()));
      }
    }
    return out;
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
