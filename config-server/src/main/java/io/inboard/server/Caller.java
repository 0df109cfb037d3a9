package io.inboard.server;

/** Who is calling, as established from the bearer token; what each may do is in {@link AccessPolicy}. */
enum Caller {
  /** Holds the admin token: may do everything. */
  ADMIN("admin"),
  /** Holds the agent token: may register instances, read and watch. */
  AGENT("agent"),
  /** No tokens are configured (loopback only): every local caller may do everything. */
  LOCAL("local");

  private final String kind;

  Caller(String kind) {
    this.kind = kind;
  }

  /** The token kind as logged: {@code admin}, {@code agent} or {@code local}. */
  String kind() {
    return kind;
  }
}
