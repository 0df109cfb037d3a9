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
    List<Path> paths = new ArrayList<>();
    if (tls.credentialName() == null) {
      addPath(paths, tls.serverCertificate());
      addPath(paths, tls.privateKey());
      if (mutual) {
        addPath(paths, tls.caCertificates());
      }
    } else if (credentialsDir != null) {
      String name = tls.credentialName();
      Path dir = credentialsDir.resolve(name).normalize();
      if (dir.startsWith(credentialsDir.normalize())) {
        addAll(paths, dir, CERTIFICATE);
        addAll(paths, dir, KEY);
        if (mutual) {
          addAll(paths, dir, CA);
          addAll(paths, dir.resolveSibling(name + CA_SECRET_SUFFIX), CA);
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
