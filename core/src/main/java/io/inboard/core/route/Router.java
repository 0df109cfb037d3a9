package io.inboard.core.route;

import io.inboard.core.health.DestinationOutliers;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.lb.DestinationArrivals;
import io.inboard.core.lb.SlowStart;
import io.inboard.core.lb.WeightedChoice;
import io.inboard.core.lb.XxHash64;
import io.inboard.core.mesh.Instance;
import io.inboard.core.model.GrpcStatus;
import io.inboard.core.model.HTTPFaultInjection;
import io.inboard.core.model.HTTPRedirect;
import io.inboard.core.model.HashKey;
import io.inboard.core.snapshot.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Decides requests against one {@link Snapshot}: a pure function of (snapshot, request), apart from
 * the injected randomness and in-flight counts. Thread-safe; one per snapshot.
 *
 * <p>Deciding allocates little: rules are walked with precompiled matchers, failures are kept as
 * codes, and most decisions reuse actions built at compile time. Only {@link #explain} writes words.
 */
public final class Router {
  /** Seed of the hash that picks a subset for the sticky canary; the instance pick uses seed 0. */
  static final long STICKY_SUBSET_SEED = 0x5EEDCA4A27L;
  private static final long INSTANCE_SEED = 0;
  /** Seed of the hash that picks a locality group for a key, independent of the instance pick. */
  private static final long LOCALITY_SEED = 0x10CA11L;
  static final int NO_BLOCK = -2;
  private static final int NOT_MATCHED = -1;

  private final Snapshot snapshot;
  private final RouteTable table;
  private final InFlight inFlight;
  /** {@code null}: each thread's {@link ThreadLocalRandom}. */
  private final RandomGenerator random;
  /**
   * The ejection state of each pool with outlier detection, by {@code SubsetPool.outlierSlot};
   * {@code null} when no destination of the snapshot uses it, or without a detector.
   */
  private final DestinationOutliers[] outliers;
  /**
   * The arrivals of each pool with a warm-up, by {@code SubsetPool.warmSlot}; {@code null} when no
   * destination of the snapshot has one, or without slow start.
   */
  private final DestinationArrivals[] arrivals;

  public Router(Snapshot snapshot) {
    this(snapshot, InFlight.NONE, null, null);
  }

  public Router(Snapshot snapshot, InFlight inFlight, RandomGenerator random) {
    this(snapshot, inFlight, random, null);
  }

  /**
   * @param inFlight requests in flight per instance, for {@code LEAST_REQUEST}
   * @param random the randomness for weights, balancers, fault and mirror rolls and generated
   *     cookies; {@code null} for {@link ThreadLocalRandom}. A given generator is shared by all
   *     calls, so it must be thread-safe if the router is shared (tests pass a seeded one).
   * @param detector the caller's outlier detection, the snapshot already {@linkplain
   *     OutlierDetector#apply applied} to it; {@code null} when no rule has used it so far
   */
  public Router(Snapshot snapshot, InFlight inFlight, RandomGenerator random, OutlierDetector detector) {
    this(snapshot, inFlight, random, detector, null);
  }

  /**
   * As {@link #Router(Snapshot, InFlight, RandomGenerator, OutlierDetector)}, with the caller's
   * slow start, the snapshot already {@linkplain SlowStart#apply applied} to it; {@code null} when
   * no rule has set a {@code warmup} so far.
   */
  public Router(Snapshot snapshot, InFlight inFlight, RandomGenerator random, OutlierDetector detector,
      SlowStart slowStart) {
    this.snapshot = snapshot;
    this.table = snapshot.routeTable();
    this.inFlight = inFlight == null ? InFlight.NONE : inFlight;
    this.random = random;
    this.outliers = detector == null ? null : statesOf(table.trackedPools, DestinationOutliers[]::new,
        p -> detector.destination(p.host, p.subset, p.port));
    this.arrivals = slowStart == null ? null : statesOf(table.warmingPools, DestinationArrivals[]::new,
        p -> slowStart.destination(p.host, p.subset, p.port));
  }

  /**
   * The caller's state for each of {@code pools}, by the pools' slots, looked up once per snapshot;
   * {@code null} when there are none, so a request checks one reference.
   */
  private static <T> T[] statesOf(SubsetPool[] pools, java.util.function.IntFunction<T[]> newArray,
      java.util.function.Function<SubsetPool, T> stateOf) {
    if (pools.length == 0) {
      return null;
    }
    T[] states = newArray.apply(pools.length);
    for (int i = 0; i < pools.length; i++) {
      states[i] = stateOf.apply(pools[i]);
    }
    return states;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** Decides the request. */
  public Decision route(RequestView request) {
    return decide(request, null);
  }

  /** Decides the request and records, for every rule evaluated, why it did or did not match. */
  public Decision explain(RequestView request) {
    return decide(request, new ArrayList<>());
  }

  /**
   * Decides a request arriving at a gateway port: through the port's one route table, where the
   * routes of every VirtualService bound to a Gateway serving the request's host are merged
   * ({@link GatewayPortRoutes}). The request's own {@code gateway()} is not read.
   */
  public Decision route(GatewayPortRoutes port, RequestView request) {
    return decideAt(port, request, null);
  }

  /** {@link #route(GatewayPortRoutes, RequestView)} with the reason each earlier route did not match. */
  public Decision explain(GatewayPortRoutes port, RequestView request) {
    return decideAt(port, request, new ArrayList<>());
  }

  private Decision decideAt(GatewayPortRoutes port, RequestView r, List<String> trace) {
    String host = Authority.host(r.authority());
    GatewayPortRoutes.VirtualHost vh = port.virtualHost(host);
    if (vh == null) {
      return noRoute("no VirtualService bound to a Gateway on this port serves host " + host, trace);
    }
    if (trace != null) {
      trace.add("virtual host " + vh.domain + " serves host " + host + ", with the routes of " + vh.sources
          + " in this order (catch-all routes last)");
    }
    // Consecutive rules often test the same header: read it once (names are interned).
    String lastHeader = null;
    String lastValue = null;
    for (GatewayPortRoutes.Route route : vh.routes) {
      Rule rule = route.rule;
      if (route.block == NO_BLOCK) {
        if (trace != null) {
          trace.add(label(route) + ": matched (no match conditions)");
        }
        return act(rule, NO_BLOCK, r, trace);
      }
      String header = rule.singleHeaderName;
      if (header != null && trace == null) {
        if (header != lastHeader) {
          lastValue = r.header(header);
          lastHeader = header;
        }
        if (rule.singleHeaderMatcher.matches(lastValue)) {
          return act(rule, 0, r, null);
        }
        continue;
      }
      MatchBlock block = rule.blocks[route.block];
      int code = block.firstFailure(r, route.gateway, route.virtualService.gateways());
      String where = rule.blocks.length > 1 ? " match[" + route.block + "]" : "";
      if (code == MatchBlock.MATCHED) {
        if (trace != null) {
          trace.add(label(route) + where + ": matched");
        }
        return act(rule, route.block, r, trace);
      }
      if (trace != null) {
        trace.add(label(route) + where + ": " + block.describe(code, r, route.gateway, route.virtualService.gateways()));
      }
    }
    return noRoute("no rule matched for host " + host + " (virtual host " + vh.domain + ")", trace);
  }

  private static String label(GatewayPortRoutes.Route route) {
    return "VirtualService " + route.virtualService.key() + " (via " + route.gateway + ") " + route.rule.label;
  }

  private RandomGenerator random() {
    return random != null ? random : ThreadLocalRandom.current();
  }

  private Decision decide(RequestView r, List<String> trace) {
    String host = Authority.host(r.authority());
    String gatewayKey = r.gateway();
    GatewayHosts gateway = null;
    String context;
    String ns = null;
    if (gatewayKey != null) {
      gateway = table.gateways.get(gatewayKey);
      if (gateway == null) {
        return noRoute("gateway " + gatewayKey + " is not defined", trace);
      }
      if (!gateway.serves(host)) {
        return noRoute("gateway " + gatewayKey + " does not serve host " + host, trace);
      }
      context = gatewayKey;
      if (trace != null) {
        trace.add("gateway " + gatewayKey + " serves host " + host);
      }
    } else {
      ns = r.source() == null ? null : r.source().namespace();
      context = HostNames.MESH;
    }
    KnownHost known = null;
    KnownHost first = null;
    for (int c = 0; ; c++) {
      KnownHost k = table.lookup(host, ns, c);
      if (k == null) {
        break;
      }
      if (first == null) {
        first = k;
      }
      if (usable(k, context, gateway, host)) {
        known = k;
        break;
      }
      if (trace != null) {
        trace.add("host " + k.name() + " has no VirtualService for " + context
            + (gateway == null && k.defaultPool() == null ? " and no instances" : "") + "; trying the next match");
      }
    }
    if (known == null) {
      if (gateway != null) {
        return noRoute("no VirtualService bound to gateway " + gatewayKey + " serves host " + host, trace);
      }
      String reason = first != null
          ? "host " + host + " has no VirtualService for the mesh and no instances"
          : ns == null && host.indexOf('.') < 0
              ? "host " + host + " is not known to the mesh (a short name resolves only from a calling"
                  + " workload's namespace)"
              : "host " + host + " is not known to the mesh";
      if (trace != null) {
        trace.add(reason + (ns == null ? "" : " (from namespace " + ns + ")") + "; passed through");
      }
      return new Decision(Decision.Outcome.PASSTHROUGH, 0, reason, null, null, null, null, null, trace);
    }
    if (trace != null && gateway == null) {
      trace.add("host " + host + (ns == null ? "" : " (from namespace " + ns + ")") + " resolved to " + known.name());
    } else if (trace != null) {
      trace.add("host " + host + " resolved to " + known.name());
    }
    boolean anyService = false;
    List<VirtualServiceRoutes> services = known.virtualServices();
    for (int s = 0; s < services.size(); s++) {
      VirtualServiceRoutes vs = services.get(s);
      if (!applies(vs, context, gateway, host)) {
        if (trace != null) {
          trace.add("VirtualService " + vs.key() + " does not apply at " + context);
        }
        continue;
      }
      anyService = true;
      if (trace != null) {
        trace.add("VirtualService " + vs.key() + " applies at " + context);
      }
      boolean inherited = vs.gateways().contains(context);
      // Consecutive rules often test the same header: read it once (names are interned).
      String lastHeader = null;
      String lastValue = null;
      for (Rule rule : vs.rules()) {
        String header = rule.singleHeaderName;
        if (header != null && trace == null) {
          if (!inherited) {
            continue;
          }
          if (header != lastHeader) {
            lastValue = r.header(header);
            lastHeader = header;
          }
          if (rule.singleHeaderMatcher.matches(lastValue)) {
            return act(rule, 0, r, null);
          }
          continue;
        }
        int block = matchingBlock(rule, r, context, vs, trace);
        if (block != NOT_MATCHED) {
          return act(rule, block, r, trace);
        }
      }
    }
    if (anyService) {
      return noRoute("no rule matched for host " + host + " at " + context, trace);
    }
    SubsetPool pool = known.defaultPool();
    Decision.Target target = new Decision.Target(pool.host, null, 0);
    if (pool.portPools != null) {
      pool = portPool(pool, target, r, trace);
      target = new Decision.Target(pool.host, null, 0, pool.port);
    }
    if (trace != null) {
      trace.add("no VirtualService applies; routing to any instance of " + pool.host);
    }
    return send(null, "no VirtualService for " + pool.host + "; routed by its DestinationRule policy",
        target, pool, RouteTable.DEFAULT_ACTIONS, null, null, r, trace);
  }

  /**
   * The port a destination's port-level settings are looked up by: the route destination's
   * {@code port.number} when it gives one, else the port the request was sent to, else the scheme's
   * default (80, 443 for https).
   */
  private static int policyPort(Decision.Target destination, RequestView r) {
    return destination.port() > 0 ? destination.port() : Authority.port(r.authority(), r.scheme());
  }

  /** The pool of {@code pool}'s destination for the request's port (see {@link #policyPort}). */
  private static SubsetPool portPool(SubsetPool pool, Decision.Target destination, RequestView r, List<String> trace) {
    int port = policyPort(destination, r);
    SubsetPool atPort = pool.forPort(port);
    if (trace != null) {
      String which = destination.port() > 0 ? "the route destination's port " : "the request's port ";
      trace.add(atPort != pool
          ? which + port + ": the DestinationRule's portLevelSettings for port " + port + " apply ("
              + atPort.balancerName + (atPort.outlierDetection != null ? ", outlierDetection" : "")
              + (atPort.connectionPool != null ? ", connectionPool" : "") + ")"
          : which + port + ": no portLevelSettings entry for it; the destination-level policy applies ("
              + pool.balancerName + ")");
    }
    return atPort;
  }

  private static boolean applies(VirtualServiceRoutes vs, String context, GatewayHosts gateway, String host) {
    return vs.attachedTo().contains(context) && (gateway == null || gateway.admits(host, vs.namespace()));
  }

  /** Whether a host has something for a request here: a service that applies, or instances. */
  private static boolean usable(KnownHost k, String context, GatewayHosts gateway, String host) {
    List<VirtualServiceRoutes> services = k.virtualServices();
    for (int s = 0; s < services.size(); s++) {
      if (applies(services.get(s), context, gateway, host)) {
        return true;
      }
    }
    return gateway == null && k.defaultPool() != null;
  }

  private int matchingBlock(Rule rule, RequestView r, String context, VirtualServiceRoutes vs, List<String> trace) {
    MatchBlock[] blocks = rule.blocks;
    if (blocks.length == 0) {
      if (vs.gateways().contains(context)) {
        if (trace != null) {
          trace.add(rule.label + ": matched (no match conditions)");
        }
        return NO_BLOCK;
      }
      if (trace != null) {
        trace.add(rule.label + ": gateways " + vs.gateways() + " do not include " + context);
      }
      return NOT_MATCHED;
    }
    StringBuilder why = null;
    for (int b = 0; b < blocks.length; b++) {
      int code = blocks[b].firstFailure(r, context, vs.gateways());
      if (code == MatchBlock.MATCHED) {
        if (trace != null) {
          trace.add(rule.label + ": matched" + (blocks.length > 1 ? " by match[" + b + "]" : ""));
        }
        return b;
      }
      if (trace != null) {
        if (why == null) {
          why = new StringBuilder(rule.label).append(": ");
        } else {
          why.append("; ");
        }
        if (blocks.length > 1) {
          why.append("match[").append(b).append("] ");
        }
        why.append(blocks[b].describe(code, r, context, vs.gateways()));
      }
    }
    if (trace != null) {
      trace.add(why.toString());
    }
    return NOT_MATCHED;
  }

  private Decision act(Rule rule, int block, RequestView r, List<String> trace) {
    switch (rule.action) {
      case REDIRECT:
        return redirect(rule, r, trace);
      case DIRECT_RESPONSE:
        return new Decision(Decision.Outcome.DIRECT_RESPONSE, rule.directStatus, rule.reason, rule.match, null,
            null, null, with(rule.baseActions, null, null, null, null, null, rule.directBody), trace);
      default:
        break;
    }
    RouteTarget[] targets = rule.targets;
    int chosen = 0;
    String key = null;
    HashKey keyDef = null;
    Decision.SetCookie setCookie = null;
    if (targets.length > 1) {
      SubsetPool first = targets[0].pool();
      if (first.portPools != null) {
        first = first.forPort(policyPort(targets[0].target(), r));
      }
      keyDef = first.hashKey;
      if (keyDef != null) {
        key = HashKeys.read(keyDef, r);
        if (key == null && keyDef instanceof HashKey.HttpCookie c && c.ttl() != null) {
          setCookie = newCookie(c);
          key = setCookie.value();
        }
      }
      if (key != null) {
        double point = WeightedChoice.pointOf(XxHash64.hash(key, STICKY_SUBSET_SEED));
        chosen = rule.weights.pickAtPoint(point);
        if (trace != null) {
          trace.add("sticky canary: " + HashKeys.describe(keyDef, key) + " hashes to " + round(point)
              + ", in the range of " + targetName(targets[chosen]) + " " + ranges(rule));
        }
      } else {
        chosen = rule.weights.pickRandom(random());
        if (trace != null) {
          trace.add("destination " + targetName(targets[chosen]) + " chosen at random by weight " + ranges(rule)
              + (keyDef != null ? " (request has no " + HashKeys.name(keyDef) + ")" : ""));
        }
      }
    } else if (trace != null) {
      trace.add("single destination " + targetName(targets[0]));
    }
    RouteTarget target = targets[chosen];
    SubsetPool pool = target.pool();
    Decision.Target destination = target.target();
    // One check when the DestinationRule has no portLevelSettings: the usual case costs nothing more.
    if (pool.portPools != null) {
      pool = portPool(pool, destination, r, trace);
      if (pool.port != 0) {
        destination = new Decision.Target(destination.host(), destination.subset(), destination.port(), pool.port);
      }
    }
    if (pool.hashKey != null && !pool.hashKey.equals(keyDef)) {
      keyDef = pool.hashKey;
      key = HashKeys.read(keyDef, r);
      if (key == null && keyDef instanceof HashKey.HttpCookie c && c.ttl() != null) {
        setCookie = newCookie(c);
        key = setCookie.value();
      }
    }
    String rewritten = rule.rewriteUri != null ? rewritePath(rule, block, r.path())
        : rule.regexRewrite != null ? rule.regexRewrite.apply(r.path())
        : null;
    Decision d = send(rule, rule.reason, destination, pool, target.actions(), key, setCookie, r, trace, rewritten);
    if (d.hashKey() == null && key != null && keyDef != null && d.outcome() == Decision.Outcome.ROUTE) {
      // The key chose the subset (sticky canary) though the subset's own balancer does not hash.
      return new Decision(d.outcome(), d.status(), d.reason(), d.matched(), d.destination(), d.instance(),
          HashKeys.describe(keyDef, key), d.actions(), d.trace());
    }
    return d;
  }

  private Decision send(Rule rule, String reason, Decision.Target target, SubsetPool pool,
      Decision.Actions actions, String key, Decision.SetCookie setCookie, RequestView r, List<String> trace) {
    return send(rule, reason, target, pool, actions, key, setCookie, r, trace, null);
  }

  private Decision send(Rule rule, String reason, Decision.Target target, SubsetPool pool,
      Decision.Actions actions, String key, Decision.SetCookie setCookie, RequestView r, List<String> trace,
      String rewrittenPath) {
    Decision.Match match = rule == null ? null : rule.match;
    if (pool.emptyReason != null) {
      if (trace != null) {
        trace.add(pool.emptyReason);
      }
      return new Decision(Decision.Outcome.NO_INSTANCE, 503, pool.emptyReason, match, target, null, null,
          corsOnly(actions), trace);
    }
    Instance instance;
    String hashKey = null;
    List<Instance> endpoints = pool.endpoints;
    // One check when the destination has no outlier detection: the usual case costs nothing more.
    DestinationOutliers health = outliers == null || pool.outlierSlot < 0 ? null : outliers[pool.outlierSlot];
    List<Instance> candidates = endpoints;
    // One check when no locality preference applies here: the usual case costs nothing more.
    LocalityLoadBalancer locality = pool.locality;
    int group = -1;
    if (locality != null) {
      if (pool.hashKey != null && key == null && setCookie == null) {
        key = HashKeys.read(pool.hashKey, r);
      }
      List<Instance> previousTries = r.previousTries();
      double point = 0;
      if (locality.rolls(health, previousTries)) {
        // As Envoy's hashing balancers, a key chooses the priority (or locality) too, so it stays put.
        point = key != null ? WeightedChoice.pointOf(XxHash64.hash(key, LOCALITY_SEED)) : random().nextDouble();
      }
      group = previousTries.isEmpty() ? locality.choose(point, health) : locality.choose(point, health, previousTries);
      if (trace != null) {
        trace.add(locality.describe(group, health, previousTries));
      }
      if (group >= 0) {
        candidates = locality.members(group, health, pool.outlierDetection);
      }
    } else if (trace != null && pool.localityNote != null) {
      trace.add(pool.localityNote);
    }
    if (group < 0 && health != null && health.anyEjected()) {
      candidates = available(health, pool, trace);
      if (candidates.isEmpty()) {
        return noHealthyInstance(pool, match, target, actions, trace);
      }
    }
    if (pool.hashKey != null) {
      if (key == null && setCookie == null) {
        key = HashKeys.read(pool.hashKey, r);
        if (key == null && pool.hashKey instanceof HashKey.HttpCookie c && c.ttl() != null) {
          setCookie = newCookie(c);
          key = setCookie.value();
        }
      }
      if (key != null) {
        hashKey = HashKeys.describe(pool.hashKey, key);
        long keyHash = XxHash64.hash(key, INSTANCE_SEED);
        // A retry's picks after its first move on along the ring or table, as Envoy's (RetryPolicy).
        int attempt = r.hostSelectionAttempt();
        if (candidates == endpoints) {
          instance = endpoints.get(attempt == 0 ? pool.table.pick(keyHash) : pool.table.pick(keyHash, attempt));
        } else if (group >= 0) {
          // Along the ring or table to the first instance of the chosen group that may take traffic.
          int[] groupOf = locality.groupOf;
          int chosen = group;
          DestinationOutliers ejections = health;
          boolean whole = candidates == locality.groups.get(group);
          instance = endpoints.get(pool.table.pick(keyHash, attempt,
              i -> groupOf[i] == chosen && (whole || !ejections.isEjected(endpoints.get(i)))));
        } else {
          DestinationOutliers ejections = health;
          instance = endpoints.get(pool.table.pick(keyHash, attempt, i -> !ejections.isEjected(endpoints.get(i))));
        }
        if (trace != null) {
          trace.add("instance " + instance.id() + " chosen by " + pool.balancerName + " of " + hashKey
              + " among " + candidates.size() + " instance(s) of " + pool.label()
              + (attempt == 0 ? "" : " (a retry's host selection attempt " + attempt + ")"));
        }
      } else {
        // As Envoy: a hash policy that finds no key falls back to a random endpoint.
        instance = candidates.get(random().nextInt(candidates.size()));
        if (trace != null) {
          trace.add("instance " + instance.id() + " chosen at random: request has no "
              + HashKeys.name(pool.hashKey) + " (" + pool.balancerName + ")");
        }
      }
    } else {
      // One check when the destination has no warm-up: the usual case costs nothing more.
      DestinationArrivals warming = arrivals == null || pool.warmSlot < 0 ? null : arrivals[pool.warmSlot];
      int i = warming == null
          ? pool.simple.pick(candidates, random(), inFlight, pool.cursor)
          : warming.pick(pool.simple, candidates, random(), inFlight, pool.cursor);
      instance = i < 0 ? null : candidates.get(i);
      if (trace != null && warming != null) {
        warmingStep(warming, candidates, trace);
      }
      if (trace != null) {
        trace.add(instance == null
            ? "PASSTHROUGH balancer: the request goes to the address it was sent to"
            : "instance " + instance.id() + " chosen by " + pool.balancerName + " among " + candidates.size()
                + " instance(s) of " + pool.label());
      }
    }
    Decision.Fault fault = rule == null ? null : rollFault(rule.fault, trace);
    List<Decision.Mirror> mirrors = rule == null || rule.mirrors == null ? null : rollMirrors(rule.mirrors, trace);
    if (rewrittenPath != null || fault != null || mirrors != null || setCookie != null) {
      actions = with(actions, rewrittenPath, fault, mirrors, setCookie, null, null);
    }
    if (trace != null && actions.cors() != null) {
      trace.add(corsStep(actions.cors(), r));
    }
    return new Decision(Decision.Outcome.ROUTE, 200, reason, match, target, instance, hashKey, actions, trace);
  }

  /** What the gateway does with this request under the rule's corsPolicy, for explain traces. */
  private static String corsStep(Cors cors, RequestView r) {
    String origin = r.header("origin");
    if (origin == null || origin.isEmpty()) {
      return "corsPolicy: no Origin header, no CORS headers";
    }
    boolean allowed = cors.allowsOrigin(origin);
    if (Cors.isPreflight(r.method(), origin, r.header("access-control-request-method"))) {
      return "corsPolicy: preflight from " + (allowed ? "allowed" : "not allowed") + " origin " + origin
          + (allowed ? " answered by the gateway"
              : cors.forwardsUnmatchedPreflights() ? " forwarded (unmatchedPreflights FORWARD)"
                  : " answered by the gateway without Access-Control-Allow-Origin (unmatchedPreflights IGNORE)");
    }
    return "corsPolicy: origin " + origin + (allowed ? " allowed: the answer gets Access-Control-Allow-Origin"
        : " not allowed: the answer gets no CORS headers");
  }

  /**
   * The instances of {@code pool} to balance over while outlier detection has ejected some: those
   * not ejected; all of them while fewer than {@code minHealthPercent} are (Envoy's panic mode);
   * none when every one is ejected and the threshold is 0, as Istio sets it by default.
   */
  private static List<Instance> available(DestinationOutliers health, SubsetPool pool, List<String> trace) {
    List<Instance> endpoints = pool.endpoints;
    List<Instance> available = health.available(endpoints);
    if (available == endpoints) {
      return endpoints;
    }
    int minHealth = pool.outlierDetection.minHealthPercent();
    boolean panic = pool.outlierDetection.panics(available.size(), endpoints.size());
    if (trace != null) {
      StringBuilder why = new StringBuilder();
      long now = health.now();
      for (Instance i : endpoints) {
        long returnsAt = health.returnsAtNanos(i);
        if (returnsAt >= 0) {
          why.append(why.length() == 0 ? "" : ", ").append(i.id()).append(" for ")
              .append(Math.max(0, (returnsAt - now) / 1_000_000)).append(" ms more");
        }
      }
      String ejected = available.isEmpty()
          ? "outlier detection has ejected every instance of " + pool.label() + " (" + why + ")"
          : "outlier detection has ejected " + (endpoints.size() - available.size()) + " of " + endpoints.size()
              + " instance(s) of " + pool.label() + " (" + why + ")";
      trace.add(panic
          ? ejected + "; " + available.size() + " of " + endpoints.size() + " healthy is below minHealthPercent "
              + minHealth + "%: choosing among all of them (panic)"
          : available.isEmpty()
              ? ejected + "; minHealthPercent is " + minHealth + ", so no panic mode: no healthy instance"
              : ejected + "; choosing among the others");
    }
    return panic ? endpoints : available;
  }

  /** The 503 of a destination whose every instance is ejected, without panic mode (Envoy's "no healthy upstream"). */
  private static Decision noHealthyInstance(SubsetPool pool, Decision.Match match, Decision.Target target,
      Decision.Actions actions, List<String> trace) {
    return new Decision(Decision.Outcome.NO_INSTANCE, 503,
        "no healthy instance of " + pool.label() + ": outlier detection has ejected every one (minHealthPercent "
            + pool.outlierDetection.minHealthPercent() + ")", match, target, null, null, corsOnly(actions), trace);
  }

  /** The actions of an answer without an instance: the rule's CORS policy still applies to it and to preflights, as in Envoy. */
  private static Decision.Actions corsOnly(Decision.Actions actions) {
    return actions.cors() == null ? null
        : new Decision.Actions(null, null, null, null, null, null, null, null, null, null, null, actions.cors());
  }

  /** Explain's line for the instances still warming up: the share of its weight each gets now. */
  private static void warmingStep(DestinationArrivals warming, List<Instance> candidates, List<String> trace) {
    long now = warming.now();
    StringBuilder line = new StringBuilder();
    for (Instance i : candidates) {
      long since = warming.warmingNanos(i, now);
      if (since >= 0) {
        line.append(line.length() == 0 ? "" : ", ").append(i.id()).append(" at ")
            .append(Math.round(warming.factor(i, now) * 1000) / 10.0).append("% of its weight (")
            .append(since / 1_000_000).append(" ms of its ").append(warming.warmup().duration().toMillis())
            .append(" ms warm-up)");
      }
    }
    trace.add(line.length() == 0
        ? "slow start: no instance of these is warming up"
        : "slow start: " + line);
  }

  private Decision.Fault rollFault(HTTPFaultInjection fault, List<String> trace) {
    if (fault == null) {
      return null;
    }
    Duration delay = null;
    int abort = 0;
    int grpc = -1;
    if (fault.delay() != null && roll(fault.delay().percentage() == null ? 0 : fault.delay().percentage().value())) {
      delay = fault.delay().fixedDelay();
    }
    if (fault.abort() != null && roll(fault.abort().percentage() == null ? 0 : fault.abort().percentage().value())) {
      abort = fault.abort().httpStatus();
      grpc = fault.abort().grpcStatus();
    }
    if (trace != null) {
      trace.add("fault: " + (delay == null ? "no delay" : "delay " + delay) + ", " + (abort == 0 ? "no abort"
          : grpc >= 0 ? "abort with gRPC status " + GrpcStatus.name(grpc) + " (HTTP " + abort + " to a client not speaking gRPC)"
          : "abort " + abort));
    }
    return delay == null && abort == 0 ? null : new Decision.Fault(delay, abort, grpc);
  }

  /**
   * Rolls each of the rule's mirrors on its own, as Envoy rolls each of a route's mirror policies;
   * {@code null} when none was rolled, so that only requests with copies to send get a list.
   */
  private List<Decision.Mirror> rollMirrors(MirrorTarget[] mirrors, List<String> trace) {
    if (mirrors.length == 1) {
      Decision.Mirror copy = rollMirror(mirrors[0], trace);
      return copy == null ? null : List.of(copy);
    }
    Decision.Mirror[] rolled = null;
    int count = 0;
    for (MirrorTarget mirror : mirrors) {
      Decision.Mirror copy = rollMirror(mirror, trace);
      if (copy != null) {
        if (rolled == null) {
          rolled = new Decision.Mirror[mirrors.length];
        }
        rolled[count++] = copy;
      }
    }
    return rolled == null ? null : count == 1 ? List.of(rolled[0]) : List.of(Arrays.copyOf(rolled, count));
  }

  private Decision.Mirror rollMirror(MirrorTarget mirror, List<String> trace) {
    Decision.Target target = mirror.target().target();
    if (!roll(mirror.percent())) {
      if (trace != null) {
        trace.add("mirror to " + mirrorLabel(target) + " not rolled (" + mirror.percent() + "%)");
      }
      return null;
    }
    List<Instance> endpoints = mirror.target().pool().endpoints;
    Instance instance = endpoints.isEmpty() ? null : endpoints.get(random().nextInt(endpoints.size()));
    if (trace != null) {
      trace.add("mirror to " + mirrorLabel(target) + (instance == null ? " (no instance)" : " instance " + instance.id()));
    }
    return new Decision.Mirror(target, instance);
  }

  /** The host, and the subset when there is one: a rule may mirror to two subsets of one host. */
  private static String mirrorLabel(Decision.Target target) {
    return target.subset() == null ? target.host() : target.host() + " subset " + target.subset();
  }

  /** True for {@code percent}% of calls; 0 never, 100 always. */
  private boolean roll(double percent) {
    return percent >= 100 || (percent > 0 && random().nextDouble() * 100 < percent);
  }

  private Decision.SetCookie newCookie(HashKey.HttpCookie c) {
    String value = Long.toHexString(random().nextLong() | Long.MIN_VALUE);
    return new Decision.SetCookie(c.name(), value, c.path(), c.ttl(), c.attributes());
  }

  private Decision redirect(Rule rule, RequestView r, List<String> trace) {
    HTTPRedirect red = rule.redirect;
    String scheme = red.scheme() != null ? red.scheme() : r.scheme() == null ? "http" : r.scheme();
    String authority = red.authority() != null ? red.authority() : r.authority();
    if (red.port() > 0) {
      authority = Authority.withoutPort(authority) + ":" + red.port();
    } else if (red.derivePort() == HTTPRedirect.DerivePort.FROM_PROTOCOL_DEFAULT) {
      authority = Authority.withoutPort(authority);
    } else if (red.derivePort() == HTTPRedirect.DerivePort.FROM_REQUEST_PORT) {
      String requestPort = Authority.portText(r.authority());
      authority = Authority.withoutPort(authority) + (requestPort == null ? "" : ":" + requestPort);
    }
    String path = red.uri() != null ? red.uri() : r.path();
    String location = scheme + "://" + authority + path
        + (r.query() != null && !r.query().isEmpty() && path.indexOf('?') < 0 ? "?" + r.query() : "");
    int code = red.redirectCode() > 0 ? red.redirectCode() : HTTPRedirect.DEFAULT_CODE;
    if (trace != null) {
      trace.add("redirect " + code + " to " + location);
    }
    return new Decision(Decision.Outcome.REDIRECT, code, rule.reason, rule.match, null, null, null,
        with(rule.baseActions, null, null, null, null, location, null), trace);
  }

  /**
   * The path after a uri rewrite. As in Istio, a prefix match has its matched prefix replaced and
   * an exact or regex match the whole path; a rule without a uri condition counts as matching
   * prefix {@code /}. Unlike Envoy, joining never produces an empty segment: prefix {@code /user}
   * rewritten to {@code /} turns {@code /user/list} into {@code /list}, not {@code //list}.
   */
  static String rewritePath(Rule rule, int block, String path) {
    String replacement = rule.rewriteUri;
    ValueMatcher uri = block >= 0 ? rule.blocks[block].uri : null;
    int matched;
    if (uri == null) {
      matched = path.startsWith("/") ? 1 : 0;
    } else if (uri.kind == ValueMatcher.Kind.PREFIX) {
      matched = Math.min(uri.value.length(), path.length());
    } else {
      matched = path.length();
    }
    String rest = path.substring(matched);
    String result;
    if (replacement.endsWith("/") && rest.startsWith("/")) {
      result = replacement + rest.substring(1);
    } else {
      result = replacement + rest;
    }
    return result.isEmpty() ? "/" : result;
  }

  private static Decision.Actions with(Decision.Actions a, String path, Decision.Fault fault,
      List<Decision.Mirror> mirrors, Decision.SetCookie cookie, String location, String body) {
    return new Decision.Actions(
        path != null ? path : a.rewrittenPath(), a.rewrittenAuthority(), a.requestHeaders(), a.responseHeaders(),
        a.timeout(), a.retries(), fault != null ? fault : a.fault(), mirrors != null ? mirrors : a.mirrors(),
        location != null ? location : a.redirectLocation(), body != null ? body : a.directResponseBody(),
        cookie != null ? cookie : a.setCookie(), a.cors());
  }

  private static Decision noRoute(String reason, List<String> trace) {
    if (trace != null) {
      trace.add(reason);
    }
    return new Decision(Decision.Outcome.NO_ROUTE, 404, reason, null, null, null, null, null, trace);
  }

  private static String targetName(RouteTarget t) {
    Decision.Target d = t.target();
    return d.subset() == null ? d.host() : d.host() + " subset " + d.subset();
  }

  private static String ranges(Rule rule) {
    StringBuilder b = new StringBuilder("[");
    double lower = 0;
    for (int i = 0; i < rule.targets.length; i++) {
      double upper = rule.weights.upperBound(i);
      Decision.Target d = rule.targets[i].target();
      b.append(i == 0 ? "" : ", ").append(d.subset() != null ? d.subset() : d.host())
          .append(' ').append(round(lower)).append('-').append(round(upper));
      lower = upper;
    }
    return b.append(']').toString();
  }

  private static String round(double v) {
    return String.valueOf(Math.round(v * 10000) / 10000.0);
  }
}
