package io.inboard.server;

import io.inboard.core.tls.FileStamp;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/**
 * TLS to etcd ({@code https://} endpoints): the CAs trusted for etcd's certificate (the JVM's
 * trust store without {@code --etcd-ca-file}) and the client certificate presented to an etcd
 * that runs with {@code --client-cert-auth}. The JDK checks etcd's certificate against the host
 * name of the endpoint as for any HTTPS server, so the endpoint must be a name or address the
 * certificate lists. Every file is read and checked at start, so a bad one stops the server with
 * its name instead of failing every handshake later.
 *
 * <p>Certificates are renewed while the server runs (cert-manager, a rotated Kubernetes secret), so
 * each new connection to etcd first looks at the files (a {@code stat} each) and reads them again
 * when one changed; connections already open keep the certificates they were made with. Files
 * that cannot be used once changed (half written, a key that does not fit) are reported and the
 * certificates read before stay in use until the files are good again.
 */
final class EtcdTls {
  private static final System.Logger LOG = System.getLogger(EtcdTls.class.getName());

  /** The file settings as given; each may be {@code null}. */
  record Files(Setting ca, Setting cert, Setting key) {
    boolean any() {
      return ca != null || cert != null || key != null;
    }

    Setting first() {
      return ca != null ? ca : cert != null ? cert : key;
    }

    List<Path> paths() {
      List<Path> paths = new ArrayList<>(3);
      for (Setting s : new Setting[] {ca, cert, key}) {
        if (s != null) {
          paths.add(Path.of(s.value()));
        }
      }
      return paths;
    }
  }

  private final Files files;
  private final List<Path> paths;
  private final SSLContext context;
  private volatile EtcdTlsMaterial current;
  /** The read before the current one: a handshake may have chosen its client certificate from it. */
  private volatile EtcdTlsMaterial previous;
  /** The stamps of files found unusable, so they are reported once, not at every connection. */
  private volatile List<FileStamp> refused = List.of();

  private EtcdTls(Files files, EtcdTlsMaterial first) throws GeneralSecurityException {
    this.files = files;
    this.paths = files.paths();
    this.current = first;
    this.previous = first;
    this.context = SSLContext.getInstance("TLS");
    KeyManager[] keys = first.keys() == null ? null : new KeyManager[] {new EtcdTlsKeys(this)};
    context.init(keys, new TrustManager[] {new EtcdTlsTrust(this)}, null);
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
    EtcdTlsMaterial first = EtcdTlsMaterial.read(files, files.paths(), 1);
    try {
      return new EtcdTls(files, first);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS to etcd from " + files.first() + ": " + e.getMessage(), e);
    }
  }

  SSLContext context() {
    return context;
  }

  /**
   * The material for a new handshake: the files read again first when one of them changed since
   * the last read. Never throws: files that cannot be used leave the last good material in use.
   */
  EtcdTlsMaterial current() {
    EtcdTlsMaterial m = current;
    List<FileStamp> now = FileStamp.of(paths);
    if (now.equals(m.stamps()) || now.equals(refused)) {
      return m;
    }
    synchronized (this) {
      m = current;
      if (now.equals(m.stamps())) {
        return m;
      }
      try {
        EtcdTlsMaterial fresh = EtcdTlsMaterial.read(files, paths, m.generation() + 1);
        previous = m;
        current = fresh;
        refused = List.of();
        forgetSessions();
        LOG.log(System.Logger.Level.INFO, "the TLS files to etcd changed and were read again: " + this);
        return fresh;
      } catch (RuntimeException e) {
        refused = now;
        LOG.log(System.Logger.Level.WARNING, "the TLS files to etcd changed but cannot be used: " + e.getMessage()
            + "; new connections keep the certificates read before until the files are fixed");
        return m;
      }
    }
  }

  /** The material of read {@code generation}, if it is still kept (the current or the one before). */
  EtcdTlsMaterial generation(long generation) {
    EtcdTlsMaterial m = current;
    if (m.generation() == generation) {
      return m;
    }
    EtcdTlsMaterial p = previous;
    return p.generation() == generation ? p : null;
  }

  /**
   * Forgets the TLS sessions made with the old certificates: a resumed session would keep the
   * identity etcd saw before (TLS resumes without presenting the certificate again).
   */
  private void forgetSessions() {
    SSLSessionContext sessions = context.getClientSessionContext();
    if (sessions == null) {
      return;
    }
    for (byte[] id : Collections.list(sessions.getIds())) {
      var session = sessions.getSession(id);
      if (session != null) {
        session.invalidate();
      }
    }
  }

  /** Why a handshake with etcd failed, in terms of the settings to correct. */
  String explain(javax.net.ssl.SSLException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("PKIX path") || m.contains("certification path")) {
      return "etcd's certificate is not issued by a CA in " + (files.ca() == null ? "the JVM's trust store"
          : "--etcd-ca-file " + caFile()) + " (" + m + "); give --etcd-ca-file the CA that issued etcd's certificate"
          + " (etcd's --cert-file)";
    }
    if (m.contains("subject alternative") || m.contains("No name matching")) {
      return "etcd's certificate does not name the endpoint's host (" + m + "); the host name is verified: give the"
          + " endpoint as a name or address the certificate lists";
    }
    if (m.contains("bad_certificate") || m.contains("certificate_required") || m.contains("unknown_ca")) {
      return "etcd refused the client certificate (" + m + "); " + (files.cert() == null
          ? "etcd runs with --client-cert-auth: give --etcd-cert-file and --etcd-key-file"
          : "is --etcd-cert-file " + certFile() + " issued by a CA in etcd's --trusted-ca-file?");
    }
    return m;
  }

  /**
   * What to check when etcd closed a connection after the handshake instead of answering: under TLS
   * 1.3 an etcd with {@code --client-cert-auth} refuses a missing client certificate only once the
   * handshake is over, and its alert may be lost with the closed connection. Empty with a client
   * certificate configured.
   */
  String hintAfterClose() {
    return files.cert() != null ? "" : "; if etcd runs with --client-cert-auth (it then closes connections that"
        + " present no client certificate), give --etcd-cert-file and --etcd-key-file";
  }

  /** {@code null}: the JVM's trust store. */
  Path caFile() {
    return path(files.ca());
  }

  /** {@code null}: no client certificate. */
  Path certFile() {
    return path(files.cert());
  }

  Path keyFile() {
    return path(files.key());
  }

  private static Path path(Setting setting) {
    return setting == null ? null : Path.of(setting.value());
  }

  @Override
  public String toString() {
    return "TLS (" + (files.ca() == null ? "JVM trust store" : "CA " + caFile())
        + (files.cert() == null ? "" : ", client certificate " + certFile()) + ")";
  }
}
