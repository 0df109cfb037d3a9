package io.inboard.core.route;

import io.inboard.core.health.DestinationOutliers;
import io.inboard.core.mesh.Instance;
import io.inboard.core.model.OutlierDetection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A destination's instances grouped as one caller prefers them under {@code localityLbSetting}: in
 * Envoy's priority levels (failover) or in localities with a share of the traffic each
 * (distribute), as {@link LocalityGroups} forms them once per snapshot for the caller whose view it
 * is. A request only chooses a group, which allocates nothing while no instance is ejected.
 */
final class LocalityLoadBalancer {
  /**
   * Envoy's default overprovisioning factor: a priority (or locality) with 1/1.4 (71%) of its
   * instances healthy still takes its whole share; below that, the rest spills over.
   */
  static final double OVERPROVISIONING = 1.4;

  /** {@code distribute}: groups are localities picked by weight; else failover priorities, best first. */
  final boolean weighted;
  /** The group of each of the pool's endpoints, by index; -1 for one that gets no traffic. */
  final int[] groupOf;
  final List<List<Instance>> groups;
  /** The share (percent) of each group while all are healthy: {@code distribute}'s, or 100 for priority 0. */
  private final double[] shares;
  /** Each group as explain names it, e.g. {@code priority 1 (same region)}. */
  private final String[] names;
  /** How the groups were formed, for explain. */
  final String summary;
  /** The group of each instance by id, for the instances a retry's earlier tries went to. */
  private final Map<String, Integer> groupById = new HashMap<>();

  LocalityLoadBalancer(boolean weighted, int[] groupOf, List<List<Instance>> groups, double[] shares,
      String[] names, String summary) {
    this.weighted = weighted;
    this.groupOf = groupOf;
    this.groups = groups;
    this.shares = shares;
    this.names = names;
    this.summary = summary;
    for (int g = 0; g < groups.size(); g++) {
      for (Instance i : groups.get(g)) {
        groupById.put(i.id(), g);
      }
    }
  }

  /**
   * The share (percent) of the traffic each group gets now. Failover, as Envoy's priority load: a
   * priority's health is its healthy fraction times {@link #OVERPROVISIONING} (at most 100%); each
   * priority takes its health of what the better ones left, normalised so the shares sum to 100 while
   * any instance is healthy. Distribute: each locality's weight times its health (at most 1), as
   * Envoy's locality-weighted balancing. All zero when no instance is healthy.
   */
  double[] shares(DestinationOutliers health) {
    return shares(health, null);
  }

  /** {@link #shares(DestinationOutliers)} with the {@code excluded} priorities counted as having no healthy instance. */
  private double[] shares(DestinationOutliers health, boolean[] excluded) {
    boolean anyEjected = health != null && health.anyEjected();
    if (!anyEjected && excluded == null) {
      return shares;
    }
    int[] healthy = anyEjected ? healthyCounts(health) : sizes();
    double[] out = new double[groups.size()];
    if (weighted) {
      double sum = 0;
      for (int g = 0; g < out.length; g++) {
        out[g] = shares[g] * availability(healthy[g], groups.get(g).size());
        sum += out[g];
      }
      for (int g = 0; sum > 0 && g < out.length; g++) {
        out[g] = out[g] * 100 / sum;
      }
      return out;
    }
    double total = 0;
    for (int g = 0; g < out.length; g++) {
      out[g] = excluded != null && excluded[g] ? 0 : 100 * availability(healthy[g], groups.get(g).size());
      total += out[g];
    }
    total = Math.min(100, total);
    double left = 100;
    for (int g = 0; total > 0 && g < out.length; g++) {
      out[g] = Math.min(left, out[g] * 100 / total);
      left -= out[g];
    }
    return out;
  }

  private static double availability(int healthy, int size) {
    return Math.min(1, OVERPROVISIONING * healthy / size);
  }

  private int[] sizes() {
    int[] sizes = new int[groups.size()];
    for (int g = 0; g < sizes.length; g++) {
      sizes[g] = groups.get(g).size();
    }
    return sizes;
  }

  /**
   * The priorities a retry leaves out under {@code retryRemoteLocalities}: Envoy's
   * {@code previous_priorities} with Istio's update frequency of 2, so from the second retry on, the
   * priorities of the tries up to the last even count; {@code null} when none (or under
   * {@code distribute}, which has one priority).
   */
  private boolean[] excluded(List<Instance> previousTries) {
    int counted = previousTries.size() - previousTries.size() % 2;
    if (weighted || counted == 0) {
      return null;
    }
    boolean[] excluded = new boolean[groups.size()];
    for (int t = 0; t < counted; t++) {
      Integer g = groupById.get(previousTries.get(t).id());
      if (g != null) {
        excluded[g] = true;
      }
    }
    return excluded;
  }

  /** The healthy instances of each group. */
  int[] healthyCounts(DestinationOutliers health) {
    int[] healthy = new int[groups.size()];
    for (int g = 0; g < healthy.length; g++) {
      for (Instance i : groups.get(g)) {
        if (!health.isEjected(i)) {
          healthy[g]++;
        }
      }
    }
    return healthy;
  }

  /** The group whose share holds {@code point} in [0, 1), given the current {@code shares}; -1 when all are 0. */
  static int pick(double[] shares, double point) {
    double at = point * 100;
    int last = -1;
    for (int g = 0; g < shares.length; g++) {
      if (shares[g] <= 0) {
        continue;
      }
      last = g;
      at -= shares[g];
      if (at < 0) {
        return g;
      }
    }
    return last;
  }

  /**
   * Whether choosing a group needs a point to roll: not for failover while no instance is ejected
   * and no earlier try is left out (priority 0 then takes everything), the steady state.
   */
  boolean rolls(DestinationOutliers health, List<Instance> previousTries) {
    return weighted || (health != null && health.anyEjected()) || !previousTries.isEmpty();
  }

  /**
   * The group for a retry whose earlier tries went to {@code previousTries}: as {@link #choose(double,
   * DestinationOutliers)} without the priorities tried ({@link #excluded}); as Envoy, when that leaves
   * no healthy priority, the shares of a first try.
   */
  int choose(double point, DestinationOutliers health, List<Instance> previousTries) {
    boolean[] excluded = previousTries.isEmpty() ? null : excluded(previousTries);
    if (excluded != null) {
      int g = pick(shares(health, excluded), point);
      if (g >= 0) {
        return g;
      }
    }
    return choose(point, health);
  }

  /** The group for a request: the whole traffic's first group while nothing is ejected (no allocation then). */
  int choose(double point, DestinationOutliers health) {
    if (health == null || !health.anyEjected()) {
      return weighted ? pick(shares, point) : 0;
    }
    return pick(shares(health), point);
  }

  /**
   * The instances of {@code group} to balance over: all of them while none is ejected (the list
   * itself, no allocation), else the healthy ones, or all of them when too few are healthy for
   * {@code minHealthPercent} (Envoy's panic mode, per priority).
   */
  List<Instance> members(int group, DestinationOutliers health, OutlierDetection policy) {
    List<Instance> all = groups.get(group);
    if (health == null || !health.anyEjected()) {
      return all;
    }
    List<Instance> healthy = health.available(all);
    return healthy.isEmpty() || (policy != null && policy.panics(healthy.size(), all.size())) ? all : healthy;
  }

  /** Explain's line for the group chosen, after tries to {@code previousTries} (a retry's). */
  String describe(int chosen, DestinationOutliers health, List<Instance> previousTries) {
    boolean[] excluded = previousTries.isEmpty() ? null : excluded(previousTries);
    double[] now = excluded == null ? shares(health) : shares(health, excluded);
    if (excluded != null && pick(now, 0) < 0) {
      excluded = null;
      now = shares(health);
    }
    int[] healthy = health == null ? null : healthyCounts(health);
    StringBuilder b = new StringBuilder(summary).append(". Shares now: ");
    for (int g = 0; g < now.length; g++) {
      b.append(g == 0 ? "" : ", ").append(names[g]).append(' ').append(round(now[g])).append('%');
      if (healthy != null && healthy[g] < groups.get(g).size()) {
        b.append(" (").append(healthy[g]).append(" of ").append(groups.get(g).size()).append(" healthy)");
      }
    }
    if (excluded != null) {
      b.append("; left out as already tried (retryRemoteLocalities):");
      for (int g = 0; g < excluded.length; g++) {
        b.append(excluded[g] ? " " + names[g] : "");
      }
    }
    b.append(chosen < 0 ? "; no group has a healthy instance" : "; chose " + names[chosen]);
    if (!weighted && chosen > 0 && excluded == null) {
      b.append(" (better priorities lack healthy instances: overprovisioning factor ").append(OVERPROVISIONING)
          .append(')');
    }
    return b.toString();
  }

  /** {@code v} to one decimal, for explain. */
  static String round(double v) {
    return String.valueOf(Math.round(v * 10) / 10.0);
  }
}
