package io.inboard.agent.instrument.outbound;

import io.inboard.core.route.Decision;
import java.io.IOException;

/**
 * The {@link IOException} a JDK client's call fails with when the mesh answers it without a
 * network call (no route, no instance, injected abort, ...). The message names the host, the
 * subset and the reason.
 */
public final class RefusedCall extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Decision decision;
  private final int status;

  RefusedCall(CallPlan.Answered answered) {
    super(answered.message());
    this.decision = answered.decision();
    this.status = answered.status();
  }

  /** The status the mesh answered with, e.g. 404 or 503. */
  public int status() {
    return status;
  }

  Decision decision() {
    return decision;
  }
}
