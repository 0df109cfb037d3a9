package io.inboard.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Decides who a request comes from (its {@code Authorization: Bearer} token) and what it may do.
 * With no tokens configured every caller is {@link Caller#LOCAL}: the server then only binds to
 * loopback. Tokens are compared in constant time and never logged or echoed.
 */
final class AccessPolicy {
  /** What a request needs. */
  enum Need {
    /** Read resources, instances, the snapshot; analyze and explain. */
    READ,
    /** Register or deregister instances. */
    REGISTER,
    /** Change resources. */
    ADMIN
  }

  private final byte[] adminToken;
  private final byte[] agentToken;

  /**
   * @throws IllegalArgumentException for a token with a character outside visible ASCII: the
   *     header carrying it arrives as ISO-8859-1 text, so it could never match ({@link
   *     ServerOptions#parse} refuses such a token with a message first)
   */
  AccessPolicy(String adminToken, String agentToken) {
    this.adminToken = bytes(adminToken, "admin");
    this.agentToken = bytes(agentToken, "agent");
  }

  boolean open() {
    return adminToken == null && agentToken == null;
  }

  /**
   * @throws ApiError 401 without a known token, 403 when the token may not do this
   */
  Caller authorize(String authorization, Need need) {
    if (open()) {
      return Caller.LOCAL;
    }
    Caller caller = identify(authorization);
    if (caller == Caller.AGENT && need == Need.ADMIN) {
      throw new ApiError(403, "forbidden: the agent token may register instances, read and watch;"
          + " changing resources needs the admin token");
    }
    return caller;
  }

  private Caller identify(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new ApiError(401, "unauthorized: send 'Authorization: Bearer <token>'");
    }
    String prefix = "Bearer ";
    if (authorization.length() <= prefix.length()
        || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      throw new ApiError(401, "unauthorized: the Authorization header must be 'Bearer <token>'");
    }
    byte[] presented = authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
    // Compare against both so that timing does not reveal which one (if any) matched.
    boolean admin = adminToken != null && MessageDigest.isEqual(adminToken, presented);
    boolean agent = agentToken != null && MessageDigest.isEqual(agentToken, presented);
    if (admin) {
      return Caller.ADMIN;
    }
    if (agent) {
      return Caller.AGENT;
    }
    throw new ApiError(401, "unauthorized: the bearer token is not valid");
  }

  private static byte[] bytes(String token, String kind) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    if (!token.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw new IllegalArgumentException("the " + kind + " token has a character that is not visible ASCII");
    }
    return token.getBytes(StandardCharsets.US_ASCII);
  }
}
