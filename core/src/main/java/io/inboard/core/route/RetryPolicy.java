package io.inboard.core.route;

import io.inboard.core.mesh.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * When a routed request is tried again, as Istio's {@code HTTPRetry} and Envoy's {@code retry_on}
 * define it: one place for the gateway and for the agent's clients, so the edge and the services
 * retry alike.
 *
 * <p>Only requests that are safe to send twice are retried: an idempotent method and no body (a
 * body is streamed once, and Inboard does not buffer it to send again). Envoy also retries other
 * requests when their conditions match; Inboard does not, so that a retry can never run a
 * non-idempotent operation twice.
 */
public final class RetryPolicy {
  /** How an attempt failed without a response, for matching {@code retryOn}. */
  public enum Failure {
    /** The instance could not be reached: nothing was sent. */
    CONNECT,
    /** The connection broke after the request was (perhaps) sent. */
    RESET,
    /** The attempt took longer than {@code perTryTimeout}. */
    PER_TRY_TIMEOUT
  }

  /** Methods safe to send twice. */
  /** How many times a retry's instance is picked to find one not tried yet (Istio's setting). */
  public static final int HOST_SELECTION_ATTEMPTS = 5;

  /** Envoy's default base interval of the retry back-off. */
  static final long DEFAULT_BACKOFF_MILLIS = 25;

  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private RetryPolicy() {}

  /**
   * Whether a request may be tried once more under {@code retries} after {@code retriesDone}
   * retries, whatever the condition: attempts left, and a request safe to send twice.
   */
  public static boolean mayRetry(Decision.Retries retries, int retriesDone, String method, boolean hasBody) {
    return retries != null
        && retriesDone < retries.attempts()
        && method != null
        && IDEMPOTENT.contains(method.toUpperCase(Locale.ROOT))
        && !hasBody;
  }

  /** Whether {@code retries}' conditions retry an answer with {@code status}. */
  public static boolean retriesStatus(Decision.Retries retries, int status) {
    if (retries == null) {
      return false;
    }
    List<String> retryOn = retryOn(retries);
    boolean listsAnyCode = false;
    for (String condition : retryOn) {
      if (!condition.isEmpty() && Character.isDigit(condition.charAt(0))) {
        listsAnyCode = true;
        if (condition.equals(Integer.toString(status))) {
          return true;
        }
      } else if (status == 409 && condition.equalsIgnoreCase("retriable-4xx")) {
        return true; // Envoy's only retriable 4xx
      }
    }
    if (status < 500) {
      return false;
    }
    for (String condition : retryOn) {
      switch (condition.toLowerCase(Locale.ROOT)) {
        case "5xx":
          return true;
        case "gateway-error":
          if (status == 502 || status == 503 || status == 504) {
            return true;
          }
          break;
        case "retriable-status-codes":
          if (status == 503 && !listsAnyCode) {
            return true; // Istio's default retriable code, when the rule lists none of its own
          }
          break;
        default:
          break;
      }
    }
    return false;
  }

  /**
   * Whether {@code retries}' gRPC conditions ({@code cancelled}, {@code deadline-exceeded}, {@code internal},
   * {@code resource-exhausted}, {@code unavailable}, as Envoy's {@code retry_grpc_on}) retry an answer whose
   * headers carry {@code grpc-status} {@code code}.
   */
  public static boolean retriesGrpcStatus(Decision.Retries retries, int code) {
    if (retries == null) {
      return false;
    }
    String wanted = switch (code) {
      case 1 -> "cancelled";
      case 4 -> "deadline-exceeded";
      case 8 -> "resource-exhausted";
      case 13 -> "internal";
      case 14 -> "unavailable";
      default -> null;
    };
    if (wanted == null) {
      return false;
    }
    for (String condition : retryOn(retries)) {
      if (condition.equalsIgnoreCase(wanted)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code retries}' conditions retry an attempt that failed without an answer. */
  public static boolean retriesFailure(Decision.Retries retries, Failure failure) {
    if (retries == null) {
      return false;
    }
    for (String condition : retryOn(retries)) {
      String c = condition.toLowerCase(Locale.ROOT);
      boolean matches =
          switch (failure) {
            // Envoy counts any failure without an answer as a 5xx (and so a gateway error) and as a
            // reset; connect-failure is the one condition that names only the connection.
            case CONNECT -> c.equals("connect-failure") || c.equals("reset") || c.equals("5xx") || c.equals("gateway-error");
            case RESET -> c.equals("reset") || c.equals("5xx") || c.equals("gateway-error");
            case PER_TRY_TIMEOUT -> c.equals("reset") || c.equals("5xx") || c.equals("gateway-error") || c.equals("504");
          };
      if (matches) {
        return true;
      }
    }
    return false;
  }

  /**
   * The wait before retry number {@code attempt} (1 for the first), as Envoy's default back-off:
   * 25 ms base, doubling, capped at 250 ms, jittered over the upper half.
   */
  public static long backoffMillis(int attempt, RandomGenerator random) {
    return backoffMillis(DEFAULT_BACKOFF_MILLIS, attempt, random);
  }

  /**
   * The wait before retry number {@code attempt} under {@code retries}: its {@code backoff} as the
   * base interval (Envoy's 25 ms when unset), doubling, capped at ten times the base as Envoy caps
   * it, jittered over the upper half.
   */
  public static long backoffMillis(Decision.Retries retries, int attempt, RandomGenerator random) {
    Duration base = retries == null ? null : retries.backoff();
    return backoffMillis(base == null ? DEFAULT_BACKOFF_MILLIS : Math.max(1, base.toMillis()), attempt, random);
  }

  private static long backoffMillis(long baseMillis, int attempt, RandomGenerator random) {
    long base = Math.min(baseMillis, Long.MAX_VALUE / 16); // a validated duration is far below
    long max = base * 10;
    long ceiling = base;
    for (int i = 1; i < attempt && ceiling < max; i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, max);
    return random.nextLong(ceiling / 2, ceiling + 1);
  }

  /**
   * The instance a retry goes to: the one a new decision for the same request picks, if that
   * decision routes to the same destination (host and subset) as the first; else the first
   * attempt's. Envoy chooses the weighted destination once per request and only the host again per
   * try; a new decision would roll the weights (and faults) again, so only its instance is taken.
   */
  public static Instance retryInstance(Decision first, Decision again) {
    if (again != null
        && again.outcome() == Decision.Outcome.ROUTE
        && again.instance() != null
        && first.destination() != null
        && first.destination().equals(again.destination())) {
      return again.instance();
    }
    return first.instance();
  }

  /**
   * The instance a retry goes to when {@code tried} instances were tried already: as
   * {@link #retryInstance(Decision, Decision)}, with Envoy's {@code previous_hosts} predicate that
   * Istio sets unless {@code retryIgnorePreviousHosts: false}: a pick of an instance already tried
   * is made again, at most {@value #HOST_SELECTION_ATTEMPTS} times in all (Istio's
   * {@code host_selection_retry_max_attempts}), and the last pick stands. {@code decide} decides
   * {@code request} again; each pick is told its attempt ({@link RequestView#hostSelectionAttempt()}),
   * so that a consistent-hash route moves on along its ring or table as Envoy's does, where a new
   * decision alone would give the same instance every time. With {@code retryRemoteLocalities} each
   * pick is also told the instances tried, in order, so that locality priorities already tried are
   * left out as Envoy's {@code previous_priorities} leaves them ({@link LocalityLoadBalancer}).
   */
  public static Instance retryInstance(
      Decision first, RequestView request, Function<RequestView, Decision> decide, Collection<Instance> tried) {
    Decision.Retries retries = first.actions().retries();
    int picks = retries == null || retries.ignorePreviousHosts() ? HOST_SELECTION_ATTEMPTS : 1;
    List<Instance> previous = retries != null && retries.remoteLocalities() ? withoutNulls(tried) : List.of();
    Instance pick = first.instance();
    for (int attempt = 0; attempt < picks; attempt++) {
      pick = retryInstance(first, decide.apply(RetryPick.of(request, attempt, previous)));
      if (pick == null || !tried.contains(pick)) {
        return pick;
      }
    }
    return pick;
  }

  private static List<Instance> withoutNulls(Collection<Instance> tried) {
    List<Instance> out = new ArrayList<>(tried.size());
    for (Instance i : tried) {
      if (i != null) {
        out.add(i);
      }
    }
    return out;
  }

  private static List<String> retryOn(Decision.Retries retries) {
    List<String> retryOn = retries.retryOn();
    return retryOn == null || retryOn.isEmpty() ? RouteTable.DEFAULT_RETRY_ON : retryOn;
  }
}
