package io.inboard.core.validate;

import io.inboard.core.lb.Maglev;
import io.inboard.core.model.ClientTLSSettings;
import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.model.DestinationRuleSpec;
import io.inboard.core.model.HashAlgorithm;
import io.inboard.core.model.HashKey;
import io.inboard.core.model.LoadBalancerSettings;
import io.inboard.core.model.LoadBalancerSettings.SimpleLB;
import io.inboard.core.model.LocalityLbSetting;
import io.inboard.core.model.OutlierDetection;
import io.inboard.core.model.PortTrafficPolicy;
import io.inboard.core.model.RetryBudget;
import io.inboard.core.model.Subset;
import io.inboard.core.model.TcpKeepalive;
import io.inboard.core.model.TrafficPolicy;
import io.inboard.core.model.Warmup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads and validates a DestinationRule {@code spec}. */
final class DestinationRuleReader {
  private static final Schema SPEC =
      Schema.of("host", "trafficPolicy", "subsets", "exportTo", "workloadSelector");
  private static final Schema WORKLOAD_SELECTOR = Schema.of("matchLabels");
  private static final Schema TRAFFIC_POLICY =
      Schema.of("loadBalancer", "connectionPool", "outlierDetection", "portLevelSettings", "retryBudget", "tls")
          .unsupported("tunnel", "proxyProtocol");
  private static final Schema RETRY_BUDGET =
      Schema.of("percent", "minRetryConcurrency").unsupported("budgetInterval");
  private static final Schema PORT_TRAFFIC_POLICY =
      Schema.of("port", "loadBalancer", "connectionPool", "outlierDetection", "tls");
  private static final Schema PORT_SELECTOR = Schema.of("number");
  private static final Schema LOAD_BALANCER =
      Schema.of("simple", "consistentHash", "warmupDurationSecs", "warmup", "localityLbSetting");
  private static final Schema WARMUP = Schema.of("duration", "minimumPercent", "aggression");
  private static final Schema CONSISTENT_HASH =
      Schema.of("httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName",
          "ringHash", "maglev", "minimumRingSize");
  private static final Schema COOKIE = Schema.of("name", "path", "ttl", "attributes");
  private static final Schema COOKIE_ATTRIBUTE = Schema.of("name", "value");
  private static final Schema RING_HASH = Schema.of("minimumRingSize");
  private static final Schema MAGLEV = Schema.of("tableSize");
  private static final Schema CONNECTION_POOL = Schema.of("tcp", "http");
  private static final Schema TCP =
      Schema.of("maxConnections", "connectTimeout", "maxConnectionDuration", "tcpKeepalive")
          .unsupported("idleTimeout");
  private static final Schema TCP_KEEPALIVE = Schema.of("probes", "time", "interval");
  private static final Schema HTTP =
      Schema.of("http1MaxPendingRequests", "http2MaxRequests", "maxRetries", "maxRequestsPerConnection",
              "idleTimeout", "h2UpgradePolicy", "useClientProtocol")
          .unsupported("maxConcurrentStreams");
  /** Why the agent leaves alone what only the gateway applies to its own connections. */
  private static final String GATEWAY_ONLY = "applied by the gateway to its own connections; an agent "
      + "ignores it (its calls go through the application's own client, whose connections that client "
      + "opens and pools)";
  private static final Schema OUTLIER_DETECTION =
      Schema.of("consecutive5xxErrors", "consecutiveGatewayErrors", "interval", "baseEjectionTime",
              "maxEjectionPercent", "minHealthPercent", "splitExternalLocalOriginErrors",
              "consecutiveLocalOriginFailures", "consecutiveErrors");
  private static final Schema SUBSET = Schema.of("name", "labels", "trafficPolicy");

  /** Envoy's upper bounds; they also keep a hostile config from allocating huge tables. */
  static final long MAX_RING_SIZE = 8_388_608;
  static final long MAX_MAGLEV_TABLE_SIZE = 5_000_011;
  /** Istio's {@code uint32} fields, such as {@code tcpKeepalive.probes}. */
  private static final long MAX_UINT32 = 4_294_967_295L;


  private DestinationRuleReader() {}

  /** @param namespace the resource's namespace, or {@code null} when its metadata is not valid */
  static DestinationRuleSpec read(Field spec, String namespace) {
    if (!spec.object(SPEC)) {
      return null;
    }
    Field hostField = spec.get("host");
    String host = hostField.string();
    if (!hostField.present()) {
      hostField.error("is required, e.g. host: user (a service in this namespace) or its FQDN");
    } else if (host != null) {
      host = host.toLowerCase(Locale.ROOT);
      String problem = host.equals("*")
          ? "'*' would apply this rule to every service; name a host (or a wildcard such as "
              + "*.example.com)"
          : Hosts.problem(host, true);
      if (problem != null) {
        hostField.error(problem);
      } else {
        host = Hosts.withoutTrailingDot(host);
      }
    }
    TrafficPolicy policy = trafficPolicy(spec.get("trafficPolicy"), false);
    boolean topOutlierDetection = policy != null && policy.outlierDetection() != null;
    List<Subset> subsets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Field item : spec.get("subsets").items()) {
      Subset subset = subset(item, topOutlierDetection);
      if (subset == null) {
        continue;
      }
      if (!names.add(subset.name())) {
        item.get("name").error("duplicate subset name '" + subset.name() + "'; give each subset "
            + "its own name");
        continue;
      }
      subsets.add(subset);
    }
    Map<String, String> selector = workloadSelector(spec.get("workloadSelector"), namespace);
    List<String> exportTo = ExportToReader.read(spec.get("exportTo"), namespace,
        selector == null ? null : "remove exportTo, or remove workloadSelector to share the rule with other namespaces");
    return new DestinationRuleSpec(host, policy, subsets, exportTo, selector);
  }

  /**
   * {@code workloadSelector.matchLabels}, or {@code null} when there is no selector. Label keys and values are
   * checked as Kubernetes labels, which also refuses Istio's "empty key" and "wildcard" cases.
   */
  private static Map<String, String> workloadSelector(Field f, String namespace) {
    if (!f.object(WORKLOAD_SELECTOR)) {
      return null;
    }
    Field matchLabels = f.get("matchLabels");
    Map<String, String> labels = Labels.read(matchLabels);
    if (!matchLabels.present() || (matchLabels.json().isObject() && matchLabels.json().isEmpty())) {
      f.warning("selects no labels, so the rule applies to every workload in namespace "
          + (namespace == null ? "of the rule" : namespace) + " (and to no other namespace); give matchLabels, "
          + "e.g. matchLabels: {app: frontend}, or remove workloadSelector");
    }
    return labels;
  }

  private static Subset subset(Field f, boolean topOutlierDetection) {
    if (!f.object(SUBSET)) {
      if (!f.present()) {
        f.error("is empty; a subset needs a name and labels");
      }
      return null;
    }
    Field nameField = f.get("name");
    String name = nameField.string();
    if (!nameField.present()) {
      nameField.error("is required, e.g. name: v1");
    } else if (name != null) {
      String problem = Names.dns1123LabelProblem(name, "a subset name");
      if (problem != null) {
        nameField.error(problem);
        name = null;
      }
    }
    Field labelsField = f.get("labels");
    Map<String, String> labels = Labels.read(labelsField);
    if (!labelsField.present() || (labelsField.json().isObject() && labelsField.json().isEmpty())) {
      labelsField.error("must not be empty: a subset needs labels to select its "
          + "instances, e.g. labels: {version: v1}");
    }
    TrafficPolicy policy = trafficPolicy(f.get("trafficPolicy"), topOutlierDetection);
    return name == null ? null : new Subset(name, labels, policy);
  }

  /** @param inheritedOutlierDetection whether the top-level policy a subset's policy merges with has one */
  private static TrafficPolicy trafficPolicy(Field f, boolean inheritedOutlierDetection) {
    if (!f.object(TRAFFIC_POLICY)) {
      return null;
    }
    LoadBalancerSettings lb = loadBalancer(f.get("loadBalancer"));
    ConnectionPoolSettings pool = connectionPool(f.get("connectionPool"));
    OutlierDetection outlier = outlierDetection(f.get("outlierDetection"));
    boolean outlierDetection = inheritedOutlierDetection || outlier != null;
    LocalityLbSettingReader.checkFailoverHasOutlierDetection(f.get("loadBalancer").get("localityLbSetting"),
        lb == null ? null : lb.locality(), outlierDetection);
    List<PortTrafficPolicy> ports = portLevelSettings(f.get("portLevelSettings"), outlierDetection);
    return new TrafficPolicy(lb, pool, outlier, ports, retryBudget(f.get("retryBudget")),
        ClientTlsReader.read(f.get("tls")));
  }

  /**
   * {@code retryBudget}: retries in flight limited to {@code percent} of the requests in flight
   * (default 20), never below {@code minRetryConcurrency} (default 3), as Envoy's retry budget.
   */
  private static RetryBudget retryBudget(Field f) {
    if (!f.object(RETRY_BUDGET)) {
      return null;
    }
    Field percentField = f.get("percent");
    double percent = RetryBudget.DEFAULT_PERCENT;
    if (percentField.present()) {
      if (!percentField.json().isNumber() || percentField.json().doubleValue() < 0
          || percentField.json().doubleValue() > 100) {
        percentField.error("must be a number from 0 to 100 (a share of the requests in flight), e.g. "
            + "percent: 25");
        return null;
      }
      percent = percentField.json().doubleValue();
    }
    Field minField = f.get("minRetryConcurrency");
    Long min = minField.longValue(0, Integer.MAX_VALUE);
    if (minField.present() && min == null) {
      return null;
    }
    return new RetryBudget(percent, min == null ? RetryBudget.DEFAULT_MIN_RETRY_CONCURRENCY : min);
  }

  private static List<PortTrafficPolicy> portLevelSettings(Field f, boolean outlierDetection) {
    List<PortTrafficPolicy> settings = new ArrayList<>();
    Set<Integer> ports = new HashSet<>();
    for (Field item : f.items()) {
      if (!item.object(PORT_TRAFFIC_POLICY)) {
        if (!item.present()) {
          item.error("is empty; an entry needs a port and what to change for it, e.g. "
              + "{port: {number: 9080}, loadBalancer: {simple: ROUND_ROBIN}}");
        }
        continue;
      }
      Integer port = portSelector(item.get("port"));
      LoadBalancerSettings lb = loadBalancer(item.get("loadBalancer"));
      ConnectionPoolSettings pool = connectionPool(item.get("connectionPool"));
      OutlierDetection outlier = outlierDetection(item.get("outlierDetection"));
      ClientTLSSettings tls = ClientTlsReader.read(item.get("tls"));
      LocalityLbSettingReader.checkFailoverHasOutlierDetection(item.get("loadBalancer").get("localityLbSetting"),
          lb == null ? null : lb.locality(), outlierDetection || outlier != null);
      if (port == null) {
        continue;
      }
      if (!ports.add(port)) {
        item.get("port").get("number").error("port " + port + " already has an entry in portLevelSettings; "
            + "give each port one entry (merge the two)");
        continue;
      }
      if (!item.has("loadBalancer") && !item.has("connectionPool") && !item.has("outlierDetection")
          && !item.has("tls")) {
        item.warning("sets nothing for port " + port + "; give loadBalancer, connectionPool, "
            + "outlierDetection or tls, or remove the entry");
      }
      settings.add(new PortTrafficPolicy(port, lb, pool, outlier, tls));
    }
    return settings;
  }

  /** A {@code PortSelector}: {@code {number: 1-65535}}; {@code null} (with an error) when not usable. */
  private static Integer portSelector(Field f) {
    if (!f.present()) {
      f.error("is required: the port these settings apply to, e.g. port: {number: 9080}");
      return null;
    }
    if (f.json().isNumber()) {
      f.error("must be a port selector, not a number: write port: {number: " + f.json().asText() + "}");
      return null;
    }
    if (!f.object(PORT_SELECTOR)) {
      return null;
    }
    Field number = f.get("number");
    if (!number.present()) {
      number.error("is required, e.g. port: {number: 9080}");
      return null;
    }
    return number.integer(1, 65535);
  }

  private static LoadBalancerSettings loadBalancer(Field f) {
    if (!f.object(LOAD_BALANCER)) {
      return null;
    }
    LocalityLbSetting locality = LocalityLbSettingReader.read(f.get("localityLbSetting"));
    LoadBalancerSettings lb = balancer(f);
    if (locality == null) {
      return lb;
    }
    if (lb instanceof LoadBalancerSettings.ConsistentHash ch) {
      return new LoadBalancerSettings.ConsistentHash(ch.key(), ch.algorithm(), locality);
    }
    // As Istio: a localityLbSetting without a policy keeps Istio's default balancer, LEAST_REQUEST.
    LoadBalancerSettings.Simple s = lb instanceof LoadBalancerSettings.Simple given ? given
        : f.has("simple") || f.has("consistentHash") ? null : new LoadBalancerSettings.Simple(SimpleLB.LEAST_REQUEST);
    return s == null ? null : new LoadBalancerSettings.Simple(s.policy(), s.warmup(), locality);
  }

  /** The balancer {@code simple} or {@code consistentHash} (with any warm-up), without the locality setting. */
  private static LoadBalancerSettings balancer(Field f) {
    boolean simple = f.has("simple");
    boolean hash = f.has("consistentHash");
    Warmup warmup = warmup(f);
    if (simple && hash) {
      f.error("has simple and consistentHash; choose one");
      return null;
    }
    if (hash) {
      if (warmup != null) {
        warmupIgnored(f, "consistentHash");
      }
      return consistentHash(f.get("consistentHash"));
    }
    if (simple) {
      LoadBalancerSettings.Simple s = simple(f.get("simple"));
      if (s == null || warmup == null) {
        return s;
      }
      if (s.policy() != SimpleLB.ROUND_ROBIN && s.policy() != SimpleLB.LEAST_REQUEST) {
        warmupIgnored(f, s.policy().name());
        return s;
      }
      return new LoadBalancerSettings.Simple(s.policy(), warmup);
    }
    if (warmup != null) {
      // As Istio: a warm-up without a policy warms Istio's default balancer, LEAST_REQUEST.
      return new LoadBalancerSettings.Simple(SimpleLB.LEAST_REQUEST, warmup);
    }
    if (!f.has("localityLbSetting") && !f.has("warmupDurationSecs") && !f.has("warmup")) {
      f.error("is empty; give simple (e.g. ROUND_ROBIN) or consistentHash");
    }
    return null;
  }

  /**
   * The loadBalancer's slow start: {@code warmup}, or the deprecated {@code warmupDurationSecs}
   * (Envoy's defaults for the rest), {@code warmup} winning when both are given, as in Istio.
   */
  private static Warmup warmup(Field lb) {
    Field seconds = lb.get("warmupDurationSecs");
    Field full = lb.get("warmup");
    if (full.present()) {
      if (seconds.present()) {
        seconds.warning("is ignored: warmup is given too and wins, as in Istio; remove warmupDurationSecs");
      }
      return warmupConfiguration(full);
    }
    if (!seconds.present()) {
      return null;
    }
    Duration d = seconds.istioDuration();
    if (d == null) {
      return null;
    }
    seconds.warning("is deprecated in Istio; write warmup: {duration: " + Durations.format(d) + "}");
    return Warmup.of(d);
  }

  private static Warmup warmupConfiguration(Field f) {
    if (!f.object(WARMUP)) {
      return null;
    }
    Field durationField = f.get("duration");
    if (!durationField.present()) {
      durationField.error("is required, e.g. warmup: {duration: 60s}");
    }
    Duration duration = durationField.istioDuration();
    Field minimumField = f.get("minimumPercent");
    Double minimum = minimumField.number();
    if (minimum != null && !(minimum >= 0 && minimum <= 100)) {
      minimumField.error(minimumField.json().asText() + " is not a percentage; use a number from 0 to 100"
          + " (the default is 10)");
      minimum = null;
    }
    Field aggressionField = f.get("aggression");
    Double aggression = aggressionField.number();
    if (aggression != null && (aggression < 0 || aggression.isInfinite())) {
      // Istio's CRD sets the minimum at 0.
      aggressionField.error(aggressionField.json().asText() + " is not an aggression; use a positive number: 1 "
          + "(linear, the default), more (faster at first) or less (slower at first)");
      aggression = null;
    } else if (aggression != null && aggression == 0) {
      // Envoy takes an aggression of 0 as 1 (and logs an error), which Istio passes on unchanged.
      aggressionField.warning("0 means 1 (linear), as Envoy reads it; write 1, or leave it out");
      aggression = Warmup.DEFAULT_AGGRESSION;
    }
    if (duration == null || minimumField.present() && minimum == null
        || aggressionField.present() && aggression == null) {
      return null;
    }
    return new Warmup(duration,
        minimum == null ? Warmup.DEFAULT_MINIMUM_PERCENT : minimum,
        aggression == null ? Warmup.DEFAULT_AGGRESSION : aggression);
  }

  private static void warmupIgnored(Field lb, String policy) {
    Field w = lb.has("warmup") ? lb.get("warmup") : lb.get("warmupDurationSecs");
    w.warning("is ignored under " + policy + ": Envoy slow-starts only ROUND_ROBIN and LEAST_REQUEST");
  }

  private static LoadBalancerSettings.Simple simple(Field f) {
    String value = f.string();
    if (value == null) {
      return null;
    }
    switch (value) {
      case "ROUND_ROBIN":
        return new LoadBalancerSettings.Simple(SimpleLB.ROUND_ROBIN);
      case "RANDOM":
        return new LoadBalancerSettings.Simple(SimpleLB.RANDOM);
      case "LEAST_REQUEST":
      case "UNSPECIFIED":
        return new LoadBalancerSettings.Simple(SimpleLB.LEAST_REQUEST);
      case "LEAST_CONN":
        f.warning("LEAST_CONN is deprecated; it means LEAST_REQUEST, write that instead");
        return new LoadBalancerSettings.Simple(SimpleLB.LEAST_REQUEST);
      case "PASSTHROUGH":
        return new LoadBalancerSettings.Simple(SimpleLB.PASSTHROUGH);
      default:
        f.error("'" + value + "' is not a load balancer; use ROUND_ROBIN, RANDOM, LEAST_REQUEST or"
            + " PASSTHROUGH");
        return null;
    }
  }

  private static LoadBalancerSettings consistentHash(Field f) {
    if (!f.object(CONSISTENT_HASH)) {
      return null;
    }
    List<String> keys = new ArrayList<>();
    for (String k : List.of("httpHeaderName", "httpCookie", "httpQueryParameterName")) {
      if (f.has(k)) {
        keys.add(k);
      }
    }
    Boolean sourceIp = f.get("useSourceIp").bool();
    if (Boolean.TRUE.equals(sourceIp)) {
      keys.add("useSourceIp");
    }
    HashKey key = null;
    if (keys.isEmpty()) {
      f.error("needs a hash key: one of httpHeaderName, httpCookie, httpQueryParameterName or "
          + "useSourceIp: true");
    } else if (keys.size() > 1) {
      f.error("has " + keys.size() + " hash keys (" + String.join(", ", keys) + "); keep exactly "
          + "one");
    } else {
      key = hashKey(f, keys.get(0));
    }
    HashAlgorithm algorithm = algorithm(f);
    return key == null ? null : new LoadBalancerSettings.ConsistentHash(key, algorithm);
  }

  private static HashKey hashKey(Field f, String kind) {
    switch (kind) {
      case "httpHeaderName": {
        Field h = f.get(kind);
        String name = h.string();
        if (name == null) {
          return null;
        }
        String problem = HeaderNames.nameProblem(name);
        if (problem != null) {
          h.error(problem);
          return null;
        }
        return new HashKey.HttpHeaderName(name.toLowerCase(Locale.ROOT));
      }
      case "httpQueryParameterName": {
        String name = f.get(kind).nonEmptyString();
        return name == null ? null : new HashKey.HttpQueryParameterName(name);
      }
      case "httpCookie": {
        Field c = f.get(kind);
        if (!c.object(COOKIE)) {
          return null;
        }
        Field nameField = c.get("name");
        String name = nameField.string();
        if (!nameField.present()) {
          nameField.error("is required, e.g. httpCookie: {name: user, ttl: 3600s}");
          return null;
        }
        if (name != null && !HeaderNames.isToken(name)) {
          nameField.error("'" + name + "' is not a valid cookie name: use letters, digits and "
              + "!#$%&'*+-.^_`|~ only");
          return null;
        }
        String path = c.get("path").string();
        Duration ttl = c.get("ttl").duration(Duration.ZERO);
        List<HashKey.CookieAttribute> attributes = cookieAttributes(c.get("attributes"));
        return name == null ? null : new HashKey.HttpCookie(name, path, ttl, attributes);
      }
      default:
        return new HashKey.UseSourceIp();
    }
  }

  /**
   * {@code httpCookie.attributes}: each {@code {name, value}} appended to a generated cookie as
   * {@code ; name=value} (just {@code ; name} without a value), as Envoy does.
   */
  private static List<HashKey.CookieAttribute> cookieAttributes(Field list) {
    List<HashKey.CookieAttribute> out = new ArrayList<>();
    for (Field item : list.items()) {
      if (!item.object(COOKIE_ATTRIBUTE)) {
        continue;
      }
      Field nameField = item.get("name");
      String name = nameField.string();
      if (!nameField.present()) {
        nameField.error("is required, e.g. attributes: [{name: SameSite, value: Strict}, {name: Secure}]");
        continue;
      }
      if (name == null) {
        continue;
      }
      if (!HeaderNames.isToken(name)) {
        nameField.error("'" + name + "' is not a valid cookie attribute name: use letters, digits and "
            + "!#$%&'*+-.^_`|~ only");
        continue;
      }
      Field valueField = item.get("value");
      String value = valueField.present() ? valueField.string() : "";
      if (value == null) {
        continue;
      }
      if (!validAttributeValue(value)) {
        valueField.error("'" + value + "' cannot be a cookie attribute value: it must not contain ';' "
            + "or control characters");
        continue;
      }
      out.add(new HashKey.CookieAttribute(name, value));
    }
    return out;
  }

  /** A cookie attribute's value: any character but ';' and control characters (RFC 6265). */
  private static boolean validAttributeValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == ';' || ch < 0x20 || ch == 0x7f) {
        return false;
      }
    }
    return true;
  }
  private static HashAlgorithm algorithm(Field f) {
    Field ring = f.get("ringHash");
    Field maglev = f.get("maglev");
    Field legacyRing = f.get("minimumRingSize");
    if (ring.present() && maglev.present()) {
      f.error("has ringHash and maglev; choose one hash algorithm");
      return null;
    }
    if (legacyRing.present()) {
      if (ring.present() || maglev.present()) {
        legacyRing.error("minimumRingSize here is the deprecated form of ringHash.minimumRingSize;"
            + " remove it (an algorithm is already chosen)");
        return null;
      }
      Long size = legacyRing.longValue(0, MAX_RING_SIZE);
      legacyRing.warning("deprecated; write ringHash: {minimumRingSize: "
          + (size == null ? "N" : size) + "}");
      return size == null ? null : new HashAlgorithm.RingHash(size == 0 ? HashAlgorithm.DEFAULT_RING_SIZE : size);
    }
    if (maglev.object(MAGLEV)) {
      Field sizeField = maglev.get("tableSize");
      Long size = sizeField.longValue(0, MAX_MAGLEV_TABLE_SIZE);
      if (size == null || size == 0) {
        return size == null && sizeField.present()
            ? null
            : new HashAlgorithm.Maglev(HashAlgorithm.DEFAULT_MAGLEV_TABLE_SIZE);
      }
      if (!Maglev.isPrime(size)) {
        sizeField.error(size + " is not a prime number; maglev needs a prime table size, e.g. "
            + Maglev.tableSizeFor(size, 0) + " (the default is 65537)");
        return null;
      }
      return new HashAlgorithm.Maglev(size);
    }
    if (ring.object(RING_HASH)) {
      Long size = ring.get("minimumRingSize").longValue(0, MAX_RING_SIZE);
      return size == null || size == 0
          ? new HashAlgorithm.RingHash(HashAlgorithm.DEFAULT_RING_SIZE)
          : new HashAlgorithm.RingHash(size);
    }
    return new HashAlgorithm.RingHash(HashAlgorithm.DEFAULT_RING_SIZE);
  }

  private static OutlierDetection outlierDetection(Field f) {
    if (!f.object(OUTLIER_DETECTION)) {
      return null;
    }
    OutlierDetection d = OutlierDetection.DEFAULTS;
    Integer c5xx = f.get("consecutive5xxErrors").integer(0, Integer.MAX_VALUE);
    Integer cGateway = f.get("consecutiveGatewayErrors").integer(0, Integer.MAX_VALUE);
    Field deprecatedField = f.get("consecutiveErrors");
    Integer deprecated = deprecatedField.integer(0, Integer.MAX_VALUE);
    if (deprecated != null && deprecated > 0) {
      // As Istio reads it: gateway errors only (502, 503, 504 and no answer), the 5xx count off;
      // either field given beside it wins.
      deprecatedField.warning("deprecated; Istio reads it as consecutiveGatewayErrors: " + deprecated
          + " with consecutive5xxErrors: 0, and so does Inboard; write those instead");
      cGateway = cGateway != null ? cGateway : deprecated;
      c5xx = c5xx != null ? c5xx : 0;
    }
    Duration interval = f.get("interval").istioDuration();
    Duration base = f.get("baseEjectionTime").istioDuration();
    Field maxField = f.get("maxEjectionPercent");
    Integer maxPercent = maxField.integer(0, 100);
    Integer minHealth = f.get("minHealthPercent").integer(0, 100);
    Field splitField = f.get("splitExternalLocalOriginErrors");
    Boolean split = splitField.bool();
    Field localField = f.get("consecutiveLocalOriginFailures");
    Integer local = localField.integer(0, Integer.MAX_VALUE);
    if (local != null && !Boolean.TRUE.equals(split)) {
      localField.warning("counts only with splitExternalLocalOriginErrors: true (without it a try that "
          + "got no answer counts as a 5xx and a gateway error); set it, or remove this");
    }
    if (maxPercent != null && maxPercent == 0) {
      // Istio cannot tell 0 from unset here and leaves Envoy's default in force.
      maxField.warning("0 means the default, " + d.maxEjectionPercent() + "%, as in Istio; to turn ejection "
          + "off set consecutive5xxErrors: 0 (and leave consecutiveGatewayErrors at 0)");
      maxPercent = null;
    }
    return new OutlierDetection(
        c5xx == null ? d.consecutive5xxErrors() : c5xx,
        cGateway == null ? d.consecutiveGatewayErrors() : cGateway,
        interval == null ? d.interval() : interval,
        base == null ? d.baseEjectionTime() : base,
        maxPercent == null ? d.maxEjectionPercent() : maxPercent,
        minHealth == null ? d.minHealthPercent() : minHealth,
        Boolean.TRUE.equals(split),
        local == null ? d.consecutiveLocalOriginFailures() : local);
  }

  private static ConnectionPoolSettings connectionPool(Field f) {
    if (!f.object(CONNECTION_POOL)) {
      return null;
    }
    Field tcp = f.get("tcp");
    Field http = f.get("http");
    if (!tcp.present() && !http.present()) {
      f.error("is empty; give tcp (e.g. {maxConnections: 100}) or http (e.g. {http2MaxRequests: 100})");
      return null;
    }
    boolean tcpRead = !tcp.present() || tcp.object(TCP);
    boolean httpRead = !http.present() || http.object(HTTP);
    Field maxConnectionsField = tcp.get("maxConnections");
    Field pendingField = http.get("http1MaxPendingRequests");
    Long maxConnections = limit(maxConnectionsField);
    Duration connectTimeout = tcp.get("connectTimeout").istioDuration();
    Long pending = limit(pendingField);
    Long maxRequests = limit(http.get("http2MaxRequests"));
    Long maxRetries = limit(http.get("maxRetries"));
    // 0 is Istio's "no limit" here, not a mistake to warn about.
    Long perConnection = http.get("maxRequestsPerConnection").longValue(0, Integer.MAX_VALUE);
    Duration maxDuration = tcp.get("maxConnectionDuration").istioDuration();
    Field idleField = http.get("idleTimeout");
    Duration idleTimeout = idleField.istioDuration();
    if (idleTimeout != null) {
      idleField.warning(GATEWAY_ONLY);
    }
    Field keepaliveField = tcp.get("tcpKeepalive");
    TcpKeepalive keepalive = tcpKeepalive(keepaliveField);
    if (keepalive != null) {
      keepaliveField.warning(GATEWAY_ONLY);
    }
    ConnectionPoolSettings.H2UpgradePolicy upgrade = h2UpgradePolicy(http.get("h2UpgradePolicy"));
    Field clientProtocolField = http.get("useClientProtocol");
    Boolean clientProtocol = clientProtocolField.bool();
    if (Boolean.TRUE.equals(clientProtocol)) {
      clientProtocolField.warning(GATEWAY_ONLY);
      if (upgrade == ConnectionPoolSettings.H2UpgradePolicy.UPGRADE) {
        http.get("h2UpgradePolicy").warning("has no effect with useClientProtocol: true (the client's protocol "
            + "is kept, as in Istio); remove one of them");
      }
    }
    if ((maxConnections == null) != (pending == null)) {
      // Envoy queues what maxConnections does not take without bound (and opens connections for
      // what waits, without bound): only the two together bound the requests in flight.
      Field alone = maxConnections != null ? maxConnectionsField : pendingField;
      alone.warning("bounds nothing alone: requests in flight are limited to tcp.maxConnections + "
          + "http.http1MaxPendingRequests (Envoy queues the requests beyond maxConnections without "
          + "a limit, and Inboard never holds a request back); give both, or http.http2MaxRequests");
    }
    if (!tcpRead || !httpRead || idleField.present() && idleTimeout == null
        || keepaliveField.present() && keepalive == null || upgrade == null
        || clientProtocolField.present() && clientProtocol == null) {
      return null;
    }
    long u = ConnectionPoolSettings.UNLIMITED;
    return new ConnectionPoolSettings(
        maxConnections == null ? u : maxConnections,
        connectTimeout,
        pending == null ? u : pending,
        maxRequests == null ? u : maxRequests,
        maxRetries == null ? u : maxRetries,
        perConnection == null ? 0 : perConnection,
        maxDuration,
        idleTimeout,
        keepalive).withUpstreamProtocol(upgrade, Boolean.TRUE.equals(clientProtocol));
  }

  /**
   * {@code http.h2UpgradePolicy}: {@code DEFAULT} when absent; {@code null} after an error. Only the gateway
   * applies it (an agent's calls keep the protocol the application's client chose).
   */
  private static ConnectionPoolSettings.H2UpgradePolicy h2UpgradePolicy(Field f) {
    if (!f.present()) {
      return ConnectionPoolSettings.H2UpgradePolicy.DEFAULT;
    }
    String text = f.string();
    if (text == null) {
      return null;
    }
    for (ConnectionPoolSettings.H2UpgradePolicy p : ConnectionPoolSettings.H2UpgradePolicy.values()) {
      if (p.name().equals(text)) {
        if (p == ConnectionPoolSettings.H2UpgradePolicy.UPGRADE) {
          f.warning(GATEWAY_ONLY);
        }
        return p;
      }
    }
    f.error("'" + text + "' is not an h2UpgradePolicy; use DEFAULT, DO_NOT_UPGRADE or UPGRADE");
    return null;
  }

  /**
   * {@code tcp.tcpKeepalive}: {@code time} and {@code interval} Istio durations, {@code probes} Istio's
   * uint32 (0, as in Istio, the system's count). Istio hands Envoy whole seconds, dropping any fraction;
   * below one second that would be 0, which Linux refuses, so it is read as 1s, with a warning either way.
   * {@code null} when something in it is not valid.
   */
  private static TcpKeepalive tcpKeepalive(Field f) {
    if (!f.present()) {
      return null;
    }
    if (!f.object(TCP_KEEPALIVE)) {
      return null;
    }
    Field timeField = f.get("time");
    Field intervalField = f.get("interval");
    Field probesField = f.get("probes");
    Duration time = keepaliveSeconds(timeField);
    Duration interval = keepaliveSeconds(intervalField);
    Long probes = probesField.longValue(0, Long.MAX_VALUE);
    if (probes != null && probes > MAX_UINT32) {
      probesField.error(probes + " is too large; probes is a 32-bit count, at most " + MAX_UINT32
          + " (Linux takes at most 127), e.g. probes: 9");
      probes = null;
    }
    if (timeField.present() && time == null || intervalField.present() && interval == null
        || probesField.present() && probes == null) {
      return null;
    }
    return new TcpKeepalive(time, interval, probes == null ? 0 : probes);
  }

  /** A keepalive {@code time} or {@code interval}: an Istio duration, used in whole seconds (at least 1). */
  private static Duration keepaliveSeconds(Field f) {
    Duration d = f.istioDuration();
    if (d == null) {
      return null;
    }
    Duration seconds = Duration.ofSeconds(Math.max(1, d.getSeconds()));
    if (!seconds.equals(d)) {
      f.warning("is used as " + Durations.format(seconds) + ": TCP keepalive counts whole seconds (Istio passes "
          + "the seconds on and drops the rest" + (d.getSeconds() == 0 ? "; 0 is not a keepalive time" : "")
          + "); write " + Durations.format(seconds));
    }
    return seconds;
  }

  /**
   * One of connectionPool's limits: a whole number from 0 to 2^31-1 (Istio's int32); 0 is
   * Istio's "not set", the default 2^32-1, so it comes back as {@code null} with a warning.
   */
  private static Long limit(Field f) {
    Long v = f.longValue(0, Long.MAX_VALUE);
    if (v != null && v > Integer.MAX_VALUE) {
      f.error(v + " is too large; Istio's limits are 32-bit numbers, at most " + Integer.MAX_VALUE);
      return null;
    }
    if (v != null && v == 0) {
      f.warning("0 means no limit (Istio's default, 2^32-1), as in Istio; remove it, or give a limit"
          + " of 1 or more");
      return null;
    }
    return v;
  }
}
