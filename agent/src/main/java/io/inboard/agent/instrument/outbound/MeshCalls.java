package io.inboard.agent.instrument.outbound;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.mesh.Instance;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Turns the router's decision for an outbound call into a {@link CallPlan} the client
 * instrumentations apply, the same way for every client.
 *
 * <p>Public, with the members OkHttp's classes use: those classes are also defined in the class
 * loader of an application's own OkHttp, a package of another loader, while this one stays shared.
 */
public final class MeshCalls {
  private final OutboundRouting routing;
  private final Mirrors mirrors;

  public MeshCalls(OutboundRouting routing) {
    this(routing, Mirrors.MAX_IN_FLIGHT);
  }

  /** With room for {@code mirrorsInFlight} mirror copies in flight at once. */
  MeshCalls(OutboundRouting routing, int mirrorsInFlight) {
    this.routing = routing;
    this.mirrors = new Mirrors(routing, mirrorsInFlight);
  }

  public OutboundRouting routing() {
    return routing;
  }

  /** The rules' mirrors in flight, across every client. */
  public Mirrors mirrors() {
    return mirrors;
  }

  /**
   * Adds the current context's headers that the request lacks: the application's own values
   * always win, and nothing is added outside a request.
   */
  static void addContextHeaders(Predicate<String> present, BiConsumer<String, String> add) {
    addContextHeaders(PropagationContext.current(), present, add);
  }

  /** As {@link #addContextHeaders(Predicate, BiConsumer)}, from a context captured earlier (a retry). */
  static void addContextHeaders(PropagationContext context, Predicate<String> present, BiConsumer<String, String> add) {
    if (context.isEmpty()) {
      return;
    }
    context.forEach(
        (name, values) -> {
          if (!present.test(name)) {
            for (String value : values) {
              add.accept(name, value);
            }
          }
        });
  }

  /**
   * The limit of one try of {@code plan}, {@code elapsedNanos} into the call: the rule's
   * {@code perTryTimeout}, bounded by what is left of its {@code timeout} (at least 1 ms);
   * {@code null} when the rule sets neither.
   */
  public static Duration tryTimeout(CallPlan.Routed plan, long elapsedNanos) {
    Decision.Retries retries = plan.decision().actions().retries();
    Duration perTry = retries != null && retries.perTryTimeout() != null && !retries.perTryTimeout().isZero()
        ? retries.perTryTimeout()
        : null;
    if (plan.timeout() == null) {
      return perTry;
    }
    Duration left = plan.timeout().minusNanos(elapsedNanos);
    Duration limit = perTry == null || left.compareTo(perTry) < 0 ? left : perTry;
    return limit.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : limit;
  }

  /**
   * The rule's timeout in milliseconds, unless the application's own is shorter: a client's 0 means
   * none (OkHttp, {@code HttpURLConnection}), so the rule's applies then.
   */
  public static int shorter(int mesh, int application) {
    return application == 0 ? mesh : Math.min(mesh, application);
  }

  /**
   * How a try of a blocking client (OkHttp, {@code HttpURLConnection}) failed without an answer, as
   * {@code retryOn} names it: a connect refused, unreachable or timed out is {@code CONNECT}.
   */
  public static RetryPolicy.Failure failureOf(IOException failure) {
    if (failure instanceof ConnectException || failure instanceof NoRouteToHostException) {
      return RetryPolicy.Failure.CONNECT;
    }
    if (failure instanceof SocketTimeoutException) {
      String message = failure.getMessage();
      return message != null && message.toLowerCase(Locale.ROOT).startsWith("connect")
          ? RetryPolicy.Failure.CONNECT
          : RetryPolicy.Failure.PER_TRY_TIMEOUT;
    }
    return RetryPolicy.Failure.RESET;
  }

  /** Whether the rule's {@code timeout} has passed, {@code elapsedNanos} into the call: no more tries then. */
  public static boolean routeTimeoutPassed(CallPlan.Routed plan, long elapsedNanos) {
    return plan.timeout() != null && elapsedNanos >= plan.timeout().toNanos();
  }

  /**
   * Reports how one try of a call routed by {@code decision} ended, for outlier detection: the
   * instance's status, or 0 when it gave none (refused, reset, timed out). The runtime does one
   * null check while no rule sets {@code outlierDetection}; never throws.
   */
  public void tried(Decision decision, int status) {
    try {
      routing.tried(decision, status);
    } catch (RuntimeException e) {
      routing.recordFailure("outlier-detection", e);
    }
  }

  /**
   * The circuit breaker of the destination a routed call goes to, or {@code null}: one null check
   * while no rule sets a {@code connectionPool}. Never throws (a failure means no limit).
   */
  public DestinationLimits limits(Decision decision) {
    try {
      return routing.limits(decision);
    } catch (RuntimeException e) {
      routing.recordFailure("connection-pool", e);
      return null;
    }
  }

  /**
   * A call its destination's {@code connectionPool} turned away, answered as Envoy answers it: 503
   * with {@code x-envoy-overloaded: true}, at once, nothing sent. Recorded with flag {@code UO}.
   */
  public CallPlan.Answered overloaded(Decision decision, OutgoingRequest request, DestinationLimits limits) {
    routing.recordOverflow(decision);
    return answered(decision, request, 503, "upstream overflow: " + limits.settings().maxRequests()
        + " requests in flight already (connectionPool)", null);
  }

  /** Header Envoy sets on the 503 of a call its circuit breaker turned away. */
  static final String OVERLOADED_HEADER = "x-envoy-overloaded";

  /** Only plain HTTP is routed: an instance's address would not match a TLS server's name. */
  public static boolean routable(String scheme) {
    return "http".equalsIgnoreCase(scheme);
  }

  public CallPlan plan(OutgoingRequest request) {
    Decision decision = routing.decide(request);
    if (decision == null || decision.isPassthrough()) {
      return CallPlan.UNTOUCHED;
    }
    Decision.Actions actions = decision.actions();
    Decision.Fault fault = actions.fault();
    if (fault != null && fault.abortStatus() > 0) {
      return answered(decision, request, fault.abortStatus(), "fault injected", fault.delay());
    }
    switch (decision.outcome()) {
      case ROUTE -> {
        if (decision.instance() == null) {
          return answered(decision, request, 503, "no instance", null);
        }
        String host = actions.rewrittenAuthority() != null ? actions.rewrittenAuthority() : request.authority();
        return new CallPlan.Routed(
            decision,
            decision.instance().address(),
            decision.instance().port(),
            host,
            actions.rewrittenPath() != null ? actions.rewrittenPath() : request.changedPath(),
            actions.requestHeaders(),
            actions.timeout(),
            fault == null ? null : fault.delay());
      }
      case NO_ROUTE, NO_INSTANCE, REDIRECT, DIRECT_RESPONSE -> {
        return answered(decision, request, decision.status(), decision.reason(), null);
      }
      default -> {
        return CallPlan.UNTOUCHED;
      }
    }
  }

  /**
   * The instances a call has tried, for its retries to avoid: {@code tried} itself, or, at the
   * first retry ({@code null}), a new list holding the first try's instance. Calls without retries
   * keep no list.
   */
  public static List<Instance> triedSoFar(List<Instance> tried, CallPlan.Routed first) {
    if (tried != null) {
      return tried;
    }
    List<Instance> list = new ArrayList<>(4);
    list.add(first.decision().instance());
    return list;
  }

  /**
   * The plan for the next try of a call {@code first} routed: another instance of the same
   * destination when a new decision for {@code request} picks one (see
   * {@link RetryPolicy#retryInstance}), one not among {@code tried} if it can, with everything
   * else (host, path, headers, timeout) as the first try had it and no injected delay (a fault
   * applies once per request). The instance it goes to is added to {@code tried}.
   */
  public CallPlan.Routed retryPlan(CallPlan.Routed first, OutgoingRequest request, List<Instance> tried) {
    Instance next = RetryPolicy.retryInstance(first.decision(), request, pick -> {
      try {
        return routing.decide(pick);
      } catch (RuntimeException e) {
        routing.recordFailure("retry", e);
        return null;
      }
    }, tried);
    Decision decision = first.decision().withInstance(next);
    tried.add(decision.instance());
    return new CallPlan.Routed(
        decision,
        next == null ? first.address() : next.address(),
        next == null ? first.port() : next.port(),
        first.hostHeader(),
        first.path(),
        first.headers(),
        first.timeout(),
        null);
  }

  private static CallPlan.Answered answered(
      Decision decision, OutgoingRequest request, int status, String reason, Duration delay) {
    Decision.Target target = decision.destination();
    String host = target != null && target.host() != null ? target.host() : request.authority();
    String why = reason == null || reason.isBlank() ? decision.outcome().name().toLowerCase() : reason;
    String message =
        "inboard answered "
            + status
            + " for "
            + host
            + (target != null && target.subset() != null ? " subset " + target.subset() : "")
            + ": "
            + why;
    return new CallPlan.Answered(
        decision,
        status,
        why,
        message,
        decision.actions().redirectLocation(),
        decision.actions().directResponseBody(),
        delay);
  }

  /**
   * Whether a route has header operations. Callers check it before {@link #applyHeaderOps}, so that
   * the usual route without any does not create the client's callbacks on every call.
   */
  public static boolean hasHeaderOps(Decision.HeaderOps ops) {
    return ops != null && !ops.isEmpty();
  }

  /** Applies remove, set, add, in that order, through the client's own header operations. */
  public static void applyHeaderOps(
      Decision.HeaderOps ops,
      java.util.function.Consumer<String> remove,
      BiConsumer<String, String> set,
      BiConsumer<String, String> add) {
    if (!hasHeaderOps(ops)) {
      return;
    }
    for (String name : ops.remove()) {
      remove.accept(name);
    }
    ops.set().forEach(set);
    ops.add().forEach(add);
  }

  /** Sleeps an injected delay; an interrupt ends it early and is kept for the caller to see. */
  public static void delay(Duration delay) {
    if (delay == null || delay.isZero() || delay.isNegative()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
