package io.inboard.core.lb;

import io.inboard.core.mesh.Instance;
import io.inboard.core.route.InFlight;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Istio's {@code simple} load balancers over one subset's instances. {@code PASSTHROUGH} picks
 * nothing: the request goes to the address the caller asked for.
 */
public enum SimpleBalancer {
  ROUND_ROBIN {
    @Override
    public int pick(List<Instance> endpoints, RandomGenerator random, InFlight inFlight, AtomicInteger cursor) {
      int n = endpoints.size();
      return n == 0 ? -1 : Math.floorMod(cursor.getAndIncrement(), n);
    }
  },
  RANDOM {
    @Override
    public int pick(List<Instance> endpoints, RandomGenerator random, InFlight inFlight, AtomicInteger cursor) {
      int n = endpoints.size();
      return n == 0 ? -1 : n == 1 ? 0 : random.nextInt(n);
    }
  },
  /** Two random choices (distinct when possible); fewer requests in flight wins, ties the first. */
  LEAST_REQUEST {
    @Override
    public int pick(List<Instance> endpoints, RandomGenerator random, InFlight inFlight, AtomicInteger cursor) {
      int n = endpoints.size();
      if (n <= 1) {
        return n - 1;
      }
      int a = random.nextInt(n);
      int b = random.nextInt(n - 1);
      if (b >= a) {
        b++;
      }
      int la = inFlight.inFlight(endpoints.get(a).id());
      int lb = inFlight.inFlight(endpoints.get(b).id());
      return lb < la ? b : a;
    }
  },
  PASSTHROUGH {
    @Override
    public int pick(List<Instance> endpoints, RandomGenerator random, InFlight inFlight, AtomicInteger cursor) {
      return -1;
    }
  };

  /**
   * The index of the chosen endpoint, or -1 when there is none to choose (no endpoints, or
   * {@link #PASSTHROUGH}).
   *
   * @param cursor round-robin position shared by all requests to these endpoints
   */
  public abstract int pick(
      List<Instance> endpoints, RandomGenerator random, InFlight inFlight, AtomicInteger cursor);
}
