package io.inboard.agent.instrument;

import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.mesh.Workload;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RequestView;

/**
 * What the outbound instrumentations need from the agent's runtime: a decision for each call, the
 * caller's identity, and somewhere to record what happened. Kept this small so the instrumentations
 * can be exercised against any runtime.
 */
public interface OutboundRouting {
  /**
   * Decides one outbound call (waiting, bounded, for the first snapshot). Returns a
   * {@link Decision.Outcome#PASSTHROUGH} decision for hosts the mesh does not know.
   */
  Decision decide(RequestView request);

  /** This service, the source of every outbound call. */
  Workload caller();

  /** Records one routed call; {@code status} is 0 when no response came (an I/O error). */
  void recordOutbound(Decision decision, int status, long durationNanos);

  /** A call routed by {@code decision} goes out to its instance (the least-request balancer counts these). */
  default void callStarted(Decision decision) {}

  /** The call that {@link #callStarted} announced has ended, with or without a response. */
  default void callFinished(Decision decision) {}

  /**
   * One try of a call routed by {@code decision} ended: with the instance's {@code status}, or 0
   * when it gave none (refused, reset, timed out). For outlier detection; a no-op unless a rule
   * sets {@code outlierDetection}.
   */
  default void tried(Decision decision, int status) {}

  /**
   * The circuit breaker of the destination {@code decision} routes to, or {@code null} when its
   * DestinationRule sets no {@code connectionPool}: one null check while no rule sets one.
   */
  default DestinationLimits limits(Decision decision) {
    return null;
  }

  /** Records a call that its destination's {@code connectionPool} turned away with a 503 (flag {@code UO}). */
  default void recordOverflow(Decision decision) {
    recordOutbound(decision, 503, 0);
  }

  /** Counts and logs (once per place) an internal failure that Inboard recovered from. */
  void recordFailure(String where, Throwable error);

  /** Counts what became of one rule's mirror ({@code inboard_agent_mirrors_total{result}}). */
  default void recordMirror(MirrorResult result) {}

  /** What became of a rule's mirror for one call. */
  enum MirrorResult {
    /** The copy went out and an answer came back (whatever its status); the answer was dropped. */
    ANSWERED("answered"),
    /** The copy went out and got no answer: refused, reset, or past its timeout. */
    FAILED("failed"),
    /** Not sent: as many mirrors as allowed were in flight already. */
    DROPPED("dropped"),
    /** Not sent: the request's body cannot be sent twice without risk (see the agent README). */
    BODY("body-not-replayable"),
    /** Not sent: the mirror destination has no instance. */
    NO_INSTANCE("no-instance");

    private final String label;

    MirrorResult(String label) {
      this.label = label;
    }

    /** The value of the metric's {@code result} label. */
    public String label() {
      return label;
    }
  }
}
