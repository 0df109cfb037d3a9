package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Objects;

/**
 * The auth token sent to etcd with every call when etcd runs with authentication enabled. It is
 * obtained with the user's password ({@code /v3/auth/authenticate}) on the first call, and again
 * when etcd rejects it: etcd's simple tokens expire (5 minutes by default, {@code --auth-token-ttl})
 * and every token is forgotten when etcd restarts. Then etcd answers "invalid auth token", or "user
 * name is empty" once it no longer knows the token, and the call is retried once with a fresh token.
 */
final class EtcdToken {
  private static final System.Logger LOG = System.getLogger(EtcdToken.class.getName());

  /** etcd's answer to one call: its HTTP status, its JSON, and the error message when not 200. */
  record Answer(int status, JsonNode json, String error) {}

  /** Sends {@code /v3/auth/authenticate} for a user and password, without a token. */
  interface Authenticator {
    Answer authenticate(String user, String password) throws IOException;
  }

  /**
   * etcd refused the credentials (the password, a token it just issued, or the user's permissions):
   * nothing was done, and no retry helps until the configuration is corrected.
   */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  /** Read again before each authentication (a rotated password file). */
  private EtcdLogin login;
  private final Authenticator authenticator;
  /** {@code null}: not authenticated yet; empty: etcd has authentication disabled. */
  private String token;

  /** @param login {@code null} when no user is configured: no token is ever sent */
  EtcdToken(EtcdLogin login, Authenticator authenticator) {
    this.login = login;
    this.authenticator = authenticator;
  }

  /**
   * etcd's messages for a call whose token it does not accept (gRPC codes 16 and 3; the JSON gateway
   * answers 401 or 400, and a watch is canceled with the same text as its reason).
   */
  static boolean rejects(String error) {
    return error != null && (error.contains("etcdserver: invalid auth token")
        || error.contains("etcdserver: user name is empty")
        || error.contains("etcdserver: revision of auth store is old"));
  }

  /** The token to send, authenticating first if there is none yet; {@code null} to send none. */
  synchronized String current() throws IOException {
    if (login == null) {
      return null;
    }
    if (token == null) {
      token = authenticate();
    }
    return token.isEmpty() ? null : token;
  }

  /**
   * A new token after etcd rejected {@code stale}; when another call renewed it meanwhile, that one.
   *
   * @throws IOException when there is no user to authenticate as, with a message saying what to configure
   */
  synchronized String renew(String stale) throws IOException {
    if (login == null) {
      throw new Refused("etcd has authentication enabled; give the etcd user with --etcd-user (INBOARD_ETCD_USER)"
          + " and its password with --etcd-password-file (or INBOARD_ETCD_PASSWORD)");
    }
    String now = token == null || token.isEmpty() ? null : token;
    if (Objects.equals(now, stale)) {
      token = authenticate();
    }
    return token.isEmpty() ? null : token;
  }

  private String authenticate() throws IOException {
    login = login.reread();
    Answer a = authenticator.authenticate(login.user(), login.password());
    if (a.status() == 200 && !a.json().path("token").asText("").isEmpty()) {
      return a.json().path("token").asText();
    }
    String error = Objects.toString(a.error(), "status " + a.status());
    if (error.contains("authentication is not enabled")) {
      LOG.log(System.Logger.Level.WARNING, "etcd has authentication disabled; " + login + " is not needed and no"
          + " token is sent (should etcd enable authentication later, the user authenticates then)");
      return "";
    }
    if (error.contains("authentication failed")) {
      throw new Refused("etcd refused the " + login + ": authentication failed; check --etcd-user and the password"
          + " (--etcd-password-file or INBOARD_ETCD_PASSWORD)");
    }
    throw new IOException("etcd did not authenticate the " + login + ": " + error);
  }
}
