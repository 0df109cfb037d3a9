package io.inboard.agent.instrument.outbound;

import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.route.Decision;
import java.net.http.HttpRequest;

/**
 * A {@code java.net.http} request rewritten by the mesh, remembering what a retry needs: the
 * application's request and the router's view of it, the first try's plan, the caller's context, the
 * call's start, and this try's decision.
 */
final class RoutedHttpRequest extends MeshHttpRequest {
  final Decision decision;
  final long startNanos;
  final HttpRequest original;
  final OutgoingRequest view;
  final CallPlan.Routed first;
  final PropagationContext context;
  /** A retry, sent by the agent itself: its own send is followed by the first try's {@link JdkTries}. */
  final boolean retry;
  /**
   * The first try's slot at its destination's circuit breaker, or {@code null}: set before the
   * request is sent, given back when the application's future completes.
   */
  DestinationLimits limits;

  RoutedHttpRequest(
      HttpRequest routed,
      Decision decision,
      long startNanos,
      HttpRequest original,
      OutgoingRequest view,
      CallPlan.Routed first,
      PropagationContext context,
      boolean retry) {
    super(routed);
    this.decision = decision;
    this.startNanos = startNanos;
    this.original = original;
    this.view = view;
    this.first = first;
    this.context = context;
    this.retry = retry;
  }
}
