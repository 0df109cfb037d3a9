package io.inboard.core.route;

import io.inboard.core.snapshot.Snapshot;

/**
 * Decides requests against one {@link Snapshot}: a pure function of (snapshot, request), apart from
 * the injected randomness and in-flight counts. Thread-safe; one per snapshot.
 */
public final class Router {
  private final Snapshot snapshot;

  public Router(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** Decides the request. */
  public Decision route(RequestView request) {
    throw new UnsupportedOperationException("router work");
  }

  /** Decides the request and records, for every rule evaluated, why it did or did not match. */
  public Decision explain(RequestView request) {
    throw new UnsupportedOperationException("router work");
  }
}
