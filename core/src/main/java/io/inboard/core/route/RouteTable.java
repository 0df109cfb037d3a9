package io.inboard.core.route;

import io.inboard.core.breaker.LimitedDestination;
import io.inboard.core.health.TrackedDestination;
import io.inboard.core.lb.WarmingDestination;
import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.lb.WeightedChoice;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.model.Destination;
import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.ExportTo;
import io.inboard.core.model.Gateway;
import io.inboard.core.model.HTTPMatchRequest;
import io.inboard.core.model.HTTPRetry;
import io.inboard.core.model.HTTPRoute;
import io.inboard.core.model.HTTPRouteDestination;
import io.inboard.core.model.HashKey;
import io.inboard.core.model.HeaderOperations;
import io.inboard.core.model.LoadBalancerSettings;
import io.inboard.core.model.Percent;
import io.inboard.core.model.Resource;
import io.inboard.core.model.Server;
import io.inboard.core.model.Subset;
import io.inboard.core.model.TrafficPolicy;
import io.inboard.core.model.VirtualService;
import io.inboard.core.parse.ParsedResource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resources and instances compiled into the look-up structures the {@link Router} walks: hosts by
 * exact name in a hash map (with Kubernetes-style aliases), wildcard hosts by suffix, rules with
 * their regexes compiled, instances grouped per host and subset with their balancers. Built once
 * per snapshot, never changed afterwards.
 */
public final class RouteTable {
  /** Istio's retry policy when a rule sets none (Envoy {@code num_retries: 2}). */
  static final List<String> DEFAULT_RETRY_ON =
      List.of("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes");
  static final Decision.Retries DEFAULT_RETRIES = new Decision.Retries(2, null, DEFAULT_RETRY_ON);
  static final Decision.Actions DEFAULT_ACTIONS =
      new Decision.Actions(null, null, null, null, null, DEFAULT_RETRIES, null, null, null, null, null);

  /** Headers that tracing systems use; always propagated. */
  public static final List<String> TRACE_HEADERS = List.of(
      "x-request-id", "traceparent", "tracestate", "baggage", "b3", "x-b3-traceid", "x-b3-spanid",
      "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "x-ot-span-context");

  /** Exact host names and aliases ({@code user.ns}, {@code user.ns.svc}, FQDN). */
  final Map<String, KnownHost> exact;
  /** Short names per namespace: {@code ns -> user -> host}. */
  final Map<String, Map<String, KnownHost>> shortNames;
  /** Wildcard hosts by suffix including the dot: {@code .example.com}. */
  final Map<String, KnownHost> wildcards;
  /** The host {@code *}, or {@code null}. */
  final KnownHost anyHost;
  final Map<String, GatewayHosts> gateways;
  /** Every VirtualService, oldest first as Istio orders them ({@link CreationOrder}). */
  final List<VirtualServiceRoutes> virtualServices;
  final Set<String> propagatedHeaders;
  /** The pools whose DestinationRule sets {@code outlierDetection}, by their {@code outlierSlot}. */
  final SubsetPool[] trackedPools;
  /** The pools whose DestinationRule sets a {@code connectionPool} that applies anything. */
  final SubsetPool[] limitedPools;
  /** The pools whose balancer has a {@code warmup}, by their {@code warmSlot}. */
  final SubsetPool[] warmingPools;
  /** The pools whose DestinationRule has the caller open TLS ({@code tls} SIMPLE or MUTUAL). */
  final SubsetPool[] originatingPools;

  private RouteTable(
      Map<String, KnownHost> exact,
      Map<String, Map<String, KnownHost>> shortNames,
      Map<String, KnownHost> wildcards,
      KnownHost anyHost,
      Map<String, GatewayHosts> gateways,
      List<VirtualServiceRoutes> virtualServices,
      Set<String> propagatedHeaders,
      SubsetPool[] trackedPools,
      SubsetPool[] limitedPools,
      SubsetPool[] warmingPools,
      SubsetPool[] originatingPools) {
    this.exact = exact;
    this.shortNames = shortNames;
    this.wildcards = wildcards;
    this.anyHost = anyHost;
    this.gateways = gateways;
    this.virtualServices = virtualServices;
    this.propagatedHeaders = propagatedHeaders;
    this.trackedPools = trackedPools;
    this.limitedPools = limitedPools;
    this.warmingPools = warmingPools;
    this.originatingPools = originatingPools;
  }

  /** Whether any destination's DestinationRule has the caller open TLS to its instances. */
  public boolean usesTlsOrigination() {
    return originatingPools.length > 0;
  }

  /** The destinations whose DestinationRule has the caller open TLS, for the gateway's TLS contexts. */
  public List<TlsDestination> tlsDestinations() {
    return each(originatingPools, pool -> pool.tls);
  }

  /** The TLS the caller opens to a destination at {@code port} (its {@code policyPort}), or {@code null}. */
  public TlsDestination tls(String host, String subset, int port) {
    for (SubsetPool pool : originatingPools) {
      if (pool.host.equals(host) && java.util.Objects.equals(pool.subset, subset) && pool.port == port) {
        return pool.tls;
      }
    }
    return null;
  }

  /** Whether any destination's balancer has a {@code warmup} (slow start). */
  public boolean usesSlowStart() {
    return warmingPools.length > 0;
  }

  /** The destinations with a {@code warmup} under this table, for {@code SlowStart#apply}. */
  public List<WarmingDestination> warmingDestinations() {
    return each(warmingPools, SubsetPool::warming);
  }

  /** Whether any destination's DestinationRule sets {@code outlierDetection}. */
  public boolean usesOutlierDetection() {
    return trackedPools.length > 0;
  }

  /** The destinations outlier detection tracks under this table, for {@code OutlierDetector#apply}. */
  public List<TrackedDestination> trackedDestinations() {
    return each(trackedPools, SubsetPool::tracked);
  }

  /** Whether any destination's DestinationRule sets a {@code connectionPool} that applies anything. */
  public boolean usesConnectionPool() {
    return limitedPools.length > 0;
  }

  /** The destinations with a {@code connectionPool} under this table, for {@code CircuitBreakers#apply}. */
  public List<LimitedDestination> limitedDestinations() {
    return each(limitedPools, SubsetPool::limited);
  }

  /** What {@code of} makes of each pool, in order. */
  private static <T> List<T> each(SubsetPool[] pools, java.util.function.Function<SubsetPool, T> of) {
    List<T> out = new ArrayList<>(pools.length);
    for (SubsetPool pool : pools) {
      out.add(of.apply(pool));
    }
    return out;
  }

  /** The {@code connectionPool} in force for a destination ({@code subset} {@code null}: the host), or {@code null}. */
  public ConnectionPoolSettings connectionPool(String host, String subset) {
    return connectionPool(host, subset, 0);
  }

  /** {@link #connectionPool(String, String)} at a port given its own by {@code portLevelSettings} ({@code policyPort}). */
  public ConnectionPoolSettings connectionPool(String host, String subset, int port) {
    for (SubsetPool pool : limitedPools) {
      if (pool.host.equals(host) && java.util.Objects.equals(pool.subset, subset) && pool.port == port) {
        return pool.connectionPool;
      }
    }
    return null;
  }

  /** Lower-case names of headers to propagate: see {@code Snapshot#propagatedHeaders()}. */
  public Set<String> propagatedHeaders() {
    return propagatedHeaders;
  }

  /** Whether the mesh knows {@code host} as seen from {@code namespace} (may be null). */
  public boolean knows(String host, String namespace) {
    return lookup(Authority.host(host), namespace) != null;
  }

  /** Gateways by {@code ns/name}. */
  public Set<String> gatewayNames() {
    return gateways.keySet();
  }

  KnownHost lookup(String host, String callerNamespace) {
    return lookup(host, callerNamespace, 0);
  }

  /**
   * The {@code skip}-th host that could serve {@code host}, most specific first: the exact name
   * (or alias, or short name in the caller's namespace), then wildcards from the longest suffix,
   * then {@code *}; {@code null} when there are no more. The router moves on to the next when a
   * host has nothing that applies where the request is (e.g. only gateway services, in the mesh).
   */
  KnownHost lookup(String host, String callerNamespace, int skip) {
    KnownHost k = exact.get(host);
    if (k == null && callerNamespace != null && host.indexOf('.') < 0) {
      Map<String, KnownHost> inNs = shortNames.get(callerNamespace);
      k = inNs == null ? null : inNs.get(host);
    }
    if (k != null && skip-- == 0) {
      return k;
    }
    if (!wildcards.isEmpty()) {
      for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
        k = wildcards.get(host.substring(dot));
        if (k != null && skip-- == 0) {
          return k;
        }
      }
    }
    return skip == 0 ? anyHost : null;
  }

  /** Compiles valid resources and instances, every resource visible (the whole mesh's view). */
  public static RouteTable compile(List<ParsedResource> resources, List<Instance> instances) {
    return new Compiler(resources, instances, null).compile();
  }

  /**
   * Compiles valid resources and instances as {@code workload} sees them: only the VirtualServices
   * exported to its namespace, and for each host the DestinationRule Istio would choose for it
   * ({@link DestinationRuleIndex}); {@code null}: as {@link #compile(List, List)}.
   */
  public static RouteTable compile(List<ParsedResource> resources, List<Instance> instances, Workload workload) {
    return new Compiler(resources, instances, workload).compile();
  }

  /** The compilation, in one place so the steps share their look-ups. */
  private static final class Compiler {
    private final List<VirtualService> virtualServices = new ArrayList<>();
    /** The VirtualServices' documents, for their creation time. */
    private final List<ParsedResource> virtualServiceDocuments = new ArrayList<>();
    private final List<DestinationRule> destinationRules = new ArrayList<>();
    private final List<Gateway> gatewayResources = new ArrayList<>();
    private final Map<String, List<Instance>> instancesByHost = new HashMap<>();
    private final Map<String, DestinationRule> rulesByHost = new HashMap<>();
    private final Map<String, DestinationRule> wildcardRules = new HashMap<>();
    private final Map<String, SubsetPool> pools = new HashMap<>();
    private final Set<String> headerNames = new TreeSet<>();
    /** Where delegation's merged rules came from, for the rules' explanations. */
    private final Delegation.Result delegation;
    /** The workload whose view this is, or {@code null} for the whole mesh's. */
    private final Workload workload;
    /** The DestinationRules by namespace, for {@code workload}'s choice; {@code null} without one. */
    private final DestinationRuleIndex ruleIndex;

    Compiler(List<ParsedResource> resources, List<Instance> instances, Workload workload) {
      this.workload = workload;
      // Delegating rules replaced by their delegates' rules; delegates (no hosts) left out.
      delegation = Delegation.expand(workload == null ? resources : exportedTo(resources, workload.namespace()));
      for (ParsedResource p : delegation.routed()) {
        Resource r = p.resource();
        if (r instanceof VirtualService vs) {
          virtualServices.add(vs);
          virtualServiceDocuments.add(p);
        } else if (r instanceof DestinationRule dr) {
          destinationRules.add(dr);
        } else if (r instanceof Gateway gw) {
          gatewayResources.add(gw);
        }
      }
      List<Instance> sorted = new ArrayList<>(instances);
      sorted.sort(Comparator.comparing(Instance::id));
      for (Instance i : sorted) {
        instancesByHost.computeIfAbsent(i.fqdn().toLowerCase(java.util.Locale.ROOT), h -> new ArrayList<>()).add(i);
      }
      ruleIndex = workload == null ? null : new DestinationRuleIndex(destinationRules);
      for (DestinationRule dr : destinationRules) {
        if (dr.spec() == null || dr.spec().host() == null) {
          continue;
        }
        collectHashHeaders(dr);
        String host = HostNames.resolve(dr.spec().host(), dr.metadata().namespace());
        if (workload != null) {
          // Only hosts some rule applies to for this workload become known through their rules.
          DestinationRule applies = host.startsWith("*") ? null : ruleIndex.ruleFor(host, workload);
          if (applies != null) {
            rulesByHost.put(host, applies);
          }
          continue;
        }
        if (host.startsWith("*")) {
          wildcardRules.putIfAbsent(host.substring(1), dr);
        } else {
          DestinationRule existing = rulesByHost.get(host);
          // Several rules for one host: the one in the host's own namespace wins, else the first.
          if (existing == null || (!sameNamespace(existing, host) && sameNamespace(dr, host))) {
            rulesByHost.put(host, dr);
          }
        }
      }
    }

    /** The resources without the VirtualServices with hosts that are not exported to {@code namespace}. */
    private static List<ParsedResource> exportedTo(List<ParsedResource> resources, String namespace) {
      List<ParsedResource> out = new ArrayList<>(resources.size());
      for (ParsedResource p : resources) {
        // Delegates stay: whether one serves is its exportTo against the delegating VirtualService's namespace.
        if (!(p.resource() instanceof VirtualService vs) || vs.spec().hosts().isEmpty()
            || ExportTo.reaches(vs, namespace)) {
          out.add(p);
        }
      }
      return out;
    }

    private static boolean sameNamespace(DestinationRule dr, String host) {
      return host.endsWith("." + dr.metadata().namespace() + HostNames.CLUSTER_SUFFIX);
    }

    private void collectHashHeaders(DestinationRule dr) {
      addHashHeader(dr.spec().trafficPolicy());
      for (Subset s : dr.spec().subsets()) {
        addHashHeader(s.trafficPolicy());
      }
    }

    private void addHashHeader(TrafficPolicy p) {
      if (p == null) {
        return;
      }
      addHashHeader(p.loadBalancer());
      p.portLevelSettings().forEach(port -> addHashHeader(port.loadBalancer()));
    }

    private void addHashHeader(LoadBalancerSettings lb) {
      if (lb instanceof LoadBalancerSettings.ConsistentHash ch && ch.key() instanceof HashKey.HttpHeaderName h) {
        headerNames.add(h.name().toLowerCase(java.util.Locale.ROOT));
      }
    }

    DestinationRule ruleFor(String host) {
      if (ruleIndex != null) {
        return ruleIndex.ruleFor(host, workload);
      }
      DestinationRule dr = rulesByHost.get(host);
      if (dr != null || wildcardRules.isEmpty()) {
        return dr;
      }
      for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
        dr = wildcardRules.get(host.substring(dot));
        if (dr != null) {
          return dr;
        }
      }
      return wildcardRules.get("");
    }

    SubsetPool pool(String host, String subset) {
      return pools.computeIfAbsent(host + "|" + subset, k -> newPool(host, subset));
    }

    /** Every pool, with the port-level pools of each. */
    private List<SubsetPool> allPools() {
      List<SubsetPool> all = new ArrayList<>();
      for (SubsetPool pool : pools.values()) {
        all.add(pool);
        if (pool.portPools != null) {
          all.addAll(List.of(pool.portPools));
        }
      }
      return all;
    }

    private SubsetPool newPool(String host, String subset) {
      DestinationRule dr = ruleFor(host);
      List<Instance> all = instancesByHost.getOrDefault(host, List.of());
      TrafficPolicy top = dr == null || dr.spec().trafficPolicy() == null ? TrafficPolicy.NONE : dr.spec().trafficPolicy();
      if (subset == null) {
        TrafficPolicy policy = top.forPort(0);
        SubsetPool pool = new SubsetPool(host, null, all, policy.effectiveLoadBalancer(), null,
            policy.outlierDetection(), policy.circuitBreaking());
        pool.originate(policy, dr == null ? null : dr.key());
        return withPortPools(pool, top, null, dr);
      }
      Subset def = dr == null ? null
          : dr.spec().subsets().stream().filter(s -> s.name().equals(subset)).findFirst().orElse(null);
      if (def == null) {
        String why = dr == null
            ? "subset " + subset + " of " + host + " is not defined: no DestinationRule for " + host
            : "subset " + subset + " of " + host + " is not defined in DestinationRule " + dr.key();
        return new SubsetPool(host, subset, List.of(), top.effectiveLoadBalancer(), why, null);
      }
      List<Instance> selected = new ArrayList<>();
      for (Instance i : all) {
        if (i.labels().entrySet().containsAll(def.labels().entrySet())) {
          selected.add(i);
        }
      }
      TrafficPolicy policy = TrafficPolicy.merged(top, def.trafficPolicy(), 0);
      SubsetPool pool = new SubsetPool(host, subset, selected, policy.effectiveLoadBalancer(), null,
          policy.outlierDetection(), policy.circuitBreaking());
      pool.originate(policy, dr.key());
      return withPortPools(pool, top, def.trafficPolicy(), dr);
    }

    /**
     * Gives {@code pool} one pool per port that the top-level or the subset's {@code portLevelSettings}
     * name, each with the policy Istio merges for that port ({@link TrafficPolicy#merged}); a
     * destination whose rule names no port keeps none.
     */
    private static SubsetPool withPortPools(SubsetPool pool, TrafficPolicy top, TrafficPolicy subset,
        DestinationRule dr) {
      Set<Integer> ports = new TreeSet<>();
      top.portLevelSettings().forEach(p -> ports.add(p.port()));
      if (subset != null) {
        subset.portLevelSettings().forEach(p -> ports.add(p.port()));
      }
      if (ports.isEmpty()) {
        return pool;
      }
      pool.ports = ports.stream().mapToInt(Integer::intValue).toArray();
      pool.portPools = new SubsetPool[pool.ports.length];
      for (int i = 0; i < pool.ports.length; i++) {
        int port = pool.ports[i];
        TrafficPolicy policy = TrafficPolicy.merged(top, subset, port);
        pool.portPools[i] = new SubsetPool(pool.host, pool.subset, port, pool.endpoints,
            policy.effectiveLoadBalancer(), null, policy.outlierDetection(), policy.circuitBreaking());
        pool.portPools[i].originate(policy, dr.key());
      }
      return pool;
    }

    RouteTable compile() {
      Map<String, List<VirtualServiceRoutes>> byHost = new LinkedHashMap<>();
      Map<ParsedResource, VirtualServiceRoutes> compiled = new java.util.IdentityHashMap<>();
      for (int i = 0; i < virtualServices.size(); i++) {
        VirtualService vs = virtualServices.get(i);
        VirtualServiceRoutes routes = compile(vs);
        compiled.put(virtualServiceDocuments.get(i), routes);
        for (String host : routes.hosts()) {
          byHost.computeIfAbsent(host, k -> new ArrayList<>()).add(routes);
        }
      }
      List<ParsedResource> oldestFirst = new ArrayList<>(virtualServiceDocuments);
      oldestFirst.sort(CreationOrder.OLDEST_FIRST);
      List<VirtualServiceRoutes> inOrder = oldestFirst.stream().map(compiled::get).toList();
      Set<String> names = new LinkedHashSet<>(byHost.keySet());
      names.addAll(instancesByHost.keySet());
      names.addAll(rulesByHost.keySet());
      Map<String, KnownHost> exact = new HashMap<>();
      Map<String, KnownHost> wildcards = new HashMap<>();
      KnownHost any = null;
      for (String name : names) {
        boolean service = instancesByHost.containsKey(name) || rulesByHost.containsKey(name);
        KnownHost k = new KnownHost(
            name, List.copyOf(byHost.getOrDefault(name, List.of())), service ? pool(name, null) : null);
        if (name.equals("*")) {
          any = k;
        } else if (name.startsWith("*.")) {
          wildcards.put(name.substring(1), k);
        } else {
          exact.put(name, k);
        }
      }
      // Kubernetes DNS forms of cluster services; names users gave explicitly win over aliases.
      Map<String, Map<String, KnownHost>> shortNames = new HashMap<>();
      for (KnownHost k : List.copyOf(exact.values())) {
        if (!k.name().endsWith(HostNames.CLUSTER_SUFFIX)) {
          continue;
        }
        String serviceAndNs = k.name().substring(0, k.name().length() - HostNames.CLUSTER_SUFFIX.length());
        int dot = serviceAndNs.indexOf('.');
        if (dot < 0 || serviceAndNs.indexOf('.', dot + 1) >= 0) {
          continue;
        }
        exact.putIfAbsent(serviceAndNs, k);
        exact.putIfAbsent(serviceAndNs + ".svc", k);
        shortNames
            .computeIfAbsent(serviceAndNs.substring(dot + 1), n -> new HashMap<>())
            .put(serviceAndNs.substring(0, dot), k);
      }
      Map<String, GatewayHosts> gws = new HashMap<>();
      for (Gateway g : gatewayResources) {
        List<String> hosts = new ArrayList<>();
        for (Server s : g.spec().servers()) {
          hosts.addAll(s.hosts());
        }
        gws.put(g.key(), new GatewayHosts(g.key(), g.metadata().namespace(), hosts));
      }
      Set<String> propagated = new TreeSet<>(headerNames);
      propagated.addAll(TRACE_HEADERS);
      List<SubsetPool> tracked = new ArrayList<>();
      List<SubsetPool> everyPool = allPools();
      for (SubsetPool pool : everyPool) {
        // Locality is the caller's: the whole mesh's view (no workload) has none, as a caller without labels.
        pool.preferLocalityOf(workload);
        if (pool.outlierDetection != null) {
          pool.outlierSlot = tracked.size();
          tracked.add(pool);
        }
      }
      List<SubsetPool> limited = new ArrayList<>();
      for (SubsetPool pool : everyPool) {
        if (pool.connectionPool != null) {
          limited.add(pool);
        }
      }
      List<SubsetPool> warming = new ArrayList<>();
      for (SubsetPool pool : everyPool) {
        if (pool.warmup != null) {
          pool.warmSlot = warming.size();
          warming.add(pool);
        }
      }
      List<SubsetPool> originating = new ArrayList<>();
      for (SubsetPool pool : everyPool) {
        if (pool.tls != null) {
          originating.add(pool);
        }
      }
      return new RouteTable(
          Map.copyOf(exact), Map.copyOf(shortNames), Map.copyOf(wildcards), any, Map.copyOf(gws), inOrder,
          Collections.unmodifiableSet(propagated), tracked.toArray(new SubsetPool[0]),
          limited.toArray(new SubsetPool[0]), warming.toArray(new SubsetPool[0]),
          originating.toArray(new SubsetPool[0]));
    }

    private VirtualServiceRoutes compile(VirtualService vs) {
      String ns = vs.metadata().namespace();
      Set<String> gateways = new LinkedHashSet<>();
      for (String g : vs.spec().gateways()) {
        gateways.add(HostNames.gateway(g, ns));
      }
      if (gateways.isEmpty()) {
        gateways.add(HostNames.MESH);
      }
      Set<String> attached = new LinkedHashSet<>(gateways);
      List<HTTPRoute> http = vs.spec().http();
      Rule[] rules = new Rule[http.size()];
      for (int i = 0; i < rules.length; i++) {
        rules[i] = compile(vs, i, http.get(i), attached);
      }
      Set<String> hosts = new LinkedHashSet<>();
      for (String h : vs.spec().hosts()) {
        hosts.add(HostNames.resolve(h, ns));
      }
      return new VirtualServiceRoutes(
          vs.key(), ns, Set.copyOf(gateways), Set.copyOf(attached), List.copyOf(hosts), rules);
    }

    private Rule compile(VirtualService vs, int index, HTTPRoute r, Set<String> attached) {
      String ns = vs.metadata().namespace();
      MatchBlock[] blocks = new MatchBlock[r.match().size()];
      for (int b = 0; b < blocks.length; b++) {
        HTTPMatchRequest m = r.match().get(b);
        Set<String> gws = new LinkedHashSet<>();
        for (String g : m.gateways()) {
          gws.add(HostNames.gateway(g, ns));
        }
        attached.addAll(gws);
        blocks[b] = new MatchBlock(m, Set.copyOf(gws));
        blocks[b].collectHeaderNames(headerNames);
      }
      Decision.Retries retries = retries(r.retries());
      String authority = r.rewrite() == null ? null : r.rewrite().authority();
      String rewriteUri = r.rewrite() == null ? null : r.rewrite().uri();
      PathRegexRewrite regexRewrite = r.rewrite() == null || r.rewrite().uriRegexRewrite() == null
          ? null : PathRegexRewrite.compile(r.rewrite().uriRegexRewrite());
      Decision.Actions base = new Decision.Actions(
          null, authority, ops(r.headers().request(), HeaderOperations.NONE),
          ops(r.headers().response(), HeaderOperations.NONE), r.timeout(), retries,
          null, null, null, null, null);
      RouteTarget[] targets = new RouteTarget[r.route().size()];
      int[] weights = new int[targets.length];
      // Only routed requests carry it: as Envoy, no CORS headers on redirects and direct responses.
      Cors cors = Cors.of(r.corsPolicy());
      for (int t = 0; t < targets.length; t++) {
        HTTPRouteDestination d = r.route().get(t);
        Decision.Actions actions = new Decision.Actions(
            null, authority, ops(r.headers().request(), d.headers().request()),
            ops(r.headers().response(), d.headers().response()), r.timeout(), retries,
            null, null, null, null, null, cors);
        targets[t] = target(d.destination(), ns, actions);
        weights[t] = targets.length == 1 ? 1 : d.weight() == null ? 0 : d.weight();
      }
      WeightedChoice choice = null;
      if (targets.length > 0) {
        if (java.util.Arrays.stream(weights).sum() <= 0) {
          java.util.Arrays.fill(weights, 1); // validation refuses this; stay total anyway
        }
        choice = new WeightedChoice(weights);
      }
      Rule.Action action = r.redirect() != null ? Rule.Action.REDIRECT
          : r.directResponse() != null ? Rule.Action.DIRECT_RESPONSE : Rule.Action.ROUTE;
      return new Rule(
          index, r.name(), delegation.origin(r), vs.key(), blocks, action, targets, choice, r.redirect(),
          r.directResponse() == null ? 0 : r.directResponse().status(),
          r.directResponse() == null ? null : r.directResponse().body(),
          rewriteUri, regexRewrite, r.fault(), mirrors(r, ns), base);
    }

    /** The single {@code mirror} as a list of one, or the {@code mirrors} list; {@code null} when neither. */
    private MirrorTarget[] mirrors(HTTPRoute r, String ns) {
      if (r.mirror() != null) {
        return new MirrorTarget[] {mirror(r.mirror(), r.mirrorPercentage(), ns)};
      }
      if (r.mirrors().isEmpty()) {
        return null;
      }
      MirrorTarget[] out = new MirrorTarget[r.mirrors().size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = mirror(r.mirrors().get(i).destination(), r.mirrors().get(i).percentage(), ns);
      }
      return out;
    }

    // As Istio: no percentage mirrors every request.
    private MirrorTarget mirror(Destination d, Percent percentage, String ns) {
      return new MirrorTarget(target(d, ns, Decision.Actions.NONE), percentage == null ? 100.0 : percentage.value());
    }

    private RouteTarget target(Destination d, String ns, Decision.Actions actions) {
      String host = HostNames.resolve(d.host(), ns);
      return new RouteTarget(new Decision.Target(host, d.subset(), d.port()), pool(host, d.subset()), actions);
    }

    private static Decision.Retries retries(HTTPRetry r) {
      if (r == null) {
        return DEFAULT_RETRIES;
      }
      if (r.attempts() <= 0) {
        return new Decision.Retries(0, null, List.of());
      }
      return new Decision.Retries(
          r.attempts(), r.perTryTimeout(), r.retryOn().isEmpty() ? DEFAULT_RETRY_ON : r.retryOn(), r.backoff(),
          r.retryIgnorePreviousHosts(), r.retryRemoteLocalities());
    }

    // Destination-level operations apply after the rule's: its set/add win, removals add up.
    private static Decision.HeaderOps ops(HeaderOperations rule, HeaderOperations dest) {
      if (rule.isEmpty() && dest.isEmpty()) {
        return Decision.HeaderOps.NONE;
      }
      Map<String, String> set = new LinkedHashMap<>(rule.set());
      set.putAll(dest.set());
      Map<String, String> add = new LinkedHashMap<>(rule.add());
      add.putAll(dest.add());
      Set<String> remove = new LinkedHashSet<>(rule.remove());
      remove.addAll(dest.remove());
      return new Decision.HeaderOps(set, add, List.copyOf(remove));
    }
  }
}
