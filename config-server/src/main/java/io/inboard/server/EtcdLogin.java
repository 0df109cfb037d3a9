package io.inboard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The etcd user the store authenticates as, when etcd runs with authentication enabled
 * ({@code etcdctl auth enable}). The password comes from a file or the environment, never from the
 * command line (where every user of the machine could read it), and is never printed.
 */
record EtcdLogin(String user, String password) {

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
      try {
        // A trailing line break is the editor's, not the password's.
        password = Files.readString(Path.of(passwordFile)).replaceFirst("\\R+\\z", "");
      } catch (IOException e) {
        throw new IllegalArgumentException("--etcd-password-file " + passwordFile + " cannot be read ("
            + (Files.exists(Path.of(passwordFile)) ? e.toString() : "it does not exist") + ")");
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("--etcd-password-file " + passwordFile + " is empty; put the password of"
            + " etcd user '" + name + "' in it");
      }
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

  @Override
  public String toString() {
    return "user '" + user + "'"; // never the password
  }
}
