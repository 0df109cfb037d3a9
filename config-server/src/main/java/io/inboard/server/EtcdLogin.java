package io.inboard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The etcd user the store authenticates as, when etcd runs with authentication enabled
 * ({@code etcdctl auth enable}). The password comes from a file or the environment, never from the
 * command line (where every user of the machine could read it), and is never printed.
 *
 * <p>A password file is read again each time the server authenticates (at start, and when etcd no
 * longer accepts its token: after the token's time to live, an etcd restart, or a change of the
 * user's password), so a rotated secret is taken without a restart.
 *
 * @param passwordFile {@code null} when the password came from the environment
 */
record EtcdLogin(String user, String password, Path passwordFile) {
  private static final System.Logger LOG = System.getLogger(EtcdLogin.class.getName());

  EtcdLogin(String user, String password) {
    this(user, password, null);
  }

  /**
   * @return {@code null} when no user is configured
   * @throws IllegalArgumentException saying what is missing or wrong
   */
  static EtcdLogin load(Setting user, String passwordFile, Map<String, String> env) {
    String variable = env.get("INBOARD_ETCD_PASSWORD");
    if (user == null) {
      if (passwordFile != null || variable != null) {
        throw new IllegalArgumentException((passwordFile != null ? "--etcd-password-file" : "INBOARD_ETCD_PASSWORD")
            + " is given without a user; give the etcd user with --etcd-user (or INBOARD_ETCD_USER)");
      }
      return null;
    }
    String name = user.value().trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(user.source() + " is empty; give the etcd user name, or leave it out when"
          + " etcd runs without authentication");
    }
    String password;
    if (passwordFile != null) {
      password = readPassword(Path.of(passwordFile), name);
      return new EtcdLogin(name, password, Path.of(passwordFile));
    } else if (variable != null) {
      if (variable.isEmpty()) {
        throw new IllegalArgumentException("INBOARD_ETCD_PASSWORD is set but empty; give it the password of etcd user '"
            + name + "'");
      }
      password = variable;
    } else {
      throw new IllegalArgumentException(user.source() + " '" + name + "' is given without a password; put it in a"
          + " file named by --etcd-password-file, or in INBOARD_ETCD_PASSWORD (never on the command line)");
    }
    return new EtcdLogin(name, password);
  }

  /**
   * This login with the password file's content now: itself when there is no file or it holds the
   * same password; when the file cannot be used (missing, unreadable, empty: a secret half renewed),
   * itself too, with a warning, so that the password that worked so far is tried.
   */
  EtcdLogin reread() {
    if (passwordFile == null) {
      return this;
    }
    try {
      String now = readPassword(passwordFile, user);
      if (now.equals(password)) {
        return this;
      }
      LOG.log(System.Logger.Level.INFO, "--etcd-password-file " + passwordFile + " holds a new password for "
          + this + "; authenticating with it");
      return new EtcdLogin(user, now, passwordFile);
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; authenticating with the password read before");
      return this;
    }
  }

  private static String readPassword(Path file, String user) {
    String password;
    try {
      // A trailing line break is the editor's, not the password's.
      password = Files.readString(file).replaceFirst("\\R+\\z", "");
    } catch (IOException e) {
      throw new IllegalArgumentException("--etcd-password-file " + file + " cannot be read ("
          + (Files.exists(file) ? e.toString() : "it does not exist") + ")");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("--etcd-password-file " + file + " is empty; put the password of"
          + " etcd user '" + user + "' in it");
    }
    return password;
  }

  @Override
  public String toString() {
    return "user '" + user + "'"; // never the password
  }
}
