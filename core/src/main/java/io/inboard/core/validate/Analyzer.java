package io.inboard.core.validate;

import io.inboard.core.diag.Diagnostic;
import io.inboard.core.mesh.Instance;
import io.inboard.core.model.Destination;
import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.Gateway;
import io.inboard.core.model.HTTPMatchRequest;
import io.inboard.core.model.HTTPRoute;
import io.inboard.core.model.Resource;
import io.inboard.core.model.Server;
import io.inboard.core.model.Subset;
import io.inboard.core.model.VirtualService;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.route.Delegation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Warnings about a set of valid resources taken together, in the spirit of {@code istioctl
 * analyze}: things that are allowed but almost certainly not what the author meant. Never errors:
 * each resource is valid on its own.
 */
public final class Analyzer {
  private static final String CLUSTER_SUFFIX = ".svc.cluster.local";

  private final List<Resource> resources;
  private final List<Instance> instances;
  private final List<Diagnostic> warnings = new ArrayList<>();

  private Analyzer(List<Resource> resources, List<Instance> instances) {
    this.resources = resources;
    this.instances = instances;
  }

  /**
   * @param instances the known instances, or {@code null} when unknown (then nothing is said
   *     about instances)
   */
  public static List<Diagnostic> analyze(List<ParsedResource> resources, List<Instance> instances) {
    Analyzer analyzer = new Analyzer(
        resources.stream().map(ParsedResource::resource).toList(), instances);
    Map<String, Set<String>> delegatedFrom = analyzer.delegatingNamespaces();
    analyzer.run(delegatedFrom);
    analyzer.delegation(resources, delegatedFrom);
    return List.copyOf(analyzer.warnings);
  }

  /**
   * The FQDN a host written in a resource of {@code namespace} stands for: a short name
   * ({@code user}) is a service of that namespace; a name with a dot is taken as written.
   */
  public static String fqdn(String host, String namespace) {
    return host.contains(".") || host.startsWith("*") ? host : host + "." + namespace + CLUSTER_SUFFIX;
  }

  /** @param delegatedFrom {@link #delegatingNamespaces()} */
  private void run(Map<String, Set<String>> delegatedFrom) {
    for (Resource r : resources) {
      if (r instanceof VirtualService vs) {
        unreachableRules(vs);
        if (vs.spec().hosts().isEmpty()) {
          // A delegate's short hosts resolve in the namespace of the VirtualService delegating to it.
          for (String ns : delegatedFrom.getOrDefault(vs.key(), Set.of(vs.metadata().namespace()))) {
            destinations(vs, ns);
          }
        } else {
          destinations(vs, vs.metadata().namespace());
        }
        gateways(vs);
      } else if (r instanceof DestinationRule dr && instances != null) {
        emptySubsets(dr);
      }
    }
  }

  private void warn(Resource r, String path, String message) {
    warnings.add(Diagnostic.warning(r.kind() + " " + r.key(), path, message));
  }

  /** Delegate VirtualService key → the namespaces of the VirtualServices whose rules delegate to it. */
  private Map<String, Set<String>> delegatingNamespaces() {
    Map<String, Set<String>> out = new java.util.HashMap<>();
    for (Resource r : resources) {
      if (r instanceof VirtualService vs) {
        String ns = vs.metadata().namespace();
        for (HTTPRoute rule : vs.spec().http()) {
          if (rule.delegate() != null) {
            out.computeIfAbsent(rule.delegate().key(ns), k -> new java.util.TreeSet<>()).add(ns);
          }
        }
      }
    }
    return out;
  }

  /**
   * Delegation that routes less than it says: a delegating rule left out or narrowed
   * ({@link Delegation}), and a delegate no rule delegates to.
   */
  private void delegation(List<ParsedResource> parsed, Map<String, Set<String>> delegatedFrom) {
    for (Delegation.Finding f : Delegation.expand(parsed).findings()) {
      warnings.add(Diagnostic.warning(VirtualService.KIND + " " + f.virtualService(),
          "spec.http[" + f.rule() + "].delegate", f.message() + ", as Istio does"));
    }
    for (Resource r : resources) {
      if (r instanceof VirtualService vs && vs.spec().hosts().isEmpty() && !delegatedFrom.containsKey(vs.key())) {
        warn(vs, "spec.hosts", "is empty, so this VirtualService serves only as a delegate, and no rule delegates"
            + " to it: it routes nothing; give it hosts, or delegate to it from a rule (delegate: {name: "
            + vs.metadata().name() + ", namespace: " + vs.metadata().namespace() + "})");
      }
    }
  }

  private void unreachableRules(VirtualService vs) {
    List<HTTPRoute> rules = vs.spec().http();
    int catchAll = -1;
    for (int i = 0; i < rules.size(); i++) {
      if (catchAll >= 0) {
        HTTPRoute earlier = rules.get(catchAll);
        warn(vs, "spec.http[" + i + "]", "can never match: rule " + catchAll
            + (earlier.name() != null ? " (" + earlier.name() + ")" : "")
            + " matches every request first; move this rule above it, or remove it");
      } else if (rules.get(i).isCatchAll() && rules.get(i).delegate() == null) {
        // A delegating rule is not one: its delegate's rules take its place, with match blocks of their own.
        catchAll = i;
      }
    }
  }

  private void destinations(VirtualService vs, String ns) {
    List<HTTPRoute> rules = vs.spec().http();
    for (int i = 0; i < rules.size(); i++) {
      HTTPRoute rule = rules.get(i);
      for (int j = 0; j < rule.route().size(); j++) {
        destination(vs, ns, rule.route().get(j).destination(),
            "spec.http[" + i + "].route[" + j + "].destination", false);
      }
      if (rule.mirror() != null) {
        destination(vs, ns, rule.mirror(), "spec.http[" + i + "].mirror", true);
      }
      for (int j = 0; j < rule.mirrors().size(); j++) {
        destination(vs, ns, rule.mirrors().get(j).destination(),
            "spec.http[" + i + "].mirrors[" + j + "].destination", true);
      }
    }
  }

  /** A route's or a mirror's destination: a subset or instances missing. */
  private void destination(VirtualService vs, String ns, Destination d, String path, boolean mirror) {
    String host = fqdn(d.host(), ns);
    // A mirror without an instance sends no copy; the request itself is not affected.
    String consequence = mirror ? "no copies would be sent to it" : "requests to it would get 503";
    if (d.subset() != null) {
      List<DestinationRule> rules = destinationRulesFor(host);
      Subset subset = rules.stream()
          .flatMap(r -> r.spec().subsets().stream())
          .filter(s -> s.name().equals(d.subset()))
          .findFirst()
          .orElse(null);
      if (subset == null) {
        warn(vs, path + ".subset", "subset '" + d.subset() + "' is not defined: "
            + (rules.isEmpty()
                ? "no DestinationRule has host " + host
                : "DestinationRule " + rules.get(0).key() + " has no subset of that name")
            + "; define it (" + consequence + ")");
        return;
      }
    }
    if (instances != null && host.endsWith(CLUSTER_SUFFIX) && instancesOf(host).isEmpty()) {
      warn(vs, path + ".host", "no known instance of " + host + "; " + consequence
          + " until one registers");
    }
  }

  private List<DestinationRule> destinationRulesFor(String host) {
    List<DestinationRule> out = new ArrayList<>();
    for (Resource r : resources) {
      if (r instanceof DestinationRule dr) {
        String drHost = fqdn(dr.spec().host(), dr.metadata().namespace());
        if (drHost.equals(host)
            || (drHost.startsWith("*.") && host.endsWith(drHost.substring(1)))) {
          out.add(dr);
        }
      }
    }
    return out;
  }

  private List<Instance> instancesOf(String host) {
    return instances.stream().filter(i -> i.fqdn().equals(host)).toList();
  }

  private void emptySubsets(DestinationRule dr) {
    String host = fqdn(dr.spec().host(), dr.metadata().namespace());
    if (!host.endsWith(CLUSTER_SUFFIX)) {
      return;
    }
    List<Instance> ofHost = instancesOf(host);
    if (ofHost.isEmpty()) {
      warn(dr, "spec.host", "no known instance of " + host + "; its subsets select nothing yet");
      return;
    }
    List<Subset> subsets = dr.spec().subsets();
    for (int k = 0; k < subsets.size(); k++) {
      Map<String, String> labels = subsets.get(k).labels();
      boolean any = ofHost.stream()
          .anyMatch(i -> i.labels().entrySet().containsAll(labels.entrySet()));
      if (!any) {
        warn(dr, "spec.subsets[" + k + "].labels", "subset '" + subsets.get(k).name()
            + "' selects no known instance of " + host + " (none has " + format(labels)
            + "); requests to it would get 503");
      }
    }
  }

  private void gateways(VirtualService vs) {
    Set<String> defined = new HashSet<>();
    for (Resource r : resources) {
      if (r instanceof Gateway g) {
        defined.add(g.key());
      }
    }
    String ns = vs.metadata().namespace();
    List<String> gateways = vs.spec().gateways();
    for (int k = 0; k < gateways.size(); k++) {
      gateway(vs, ns, gateways.get(k), "spec.gateways[" + k + "]", defined);
    }
    List<HTTPRoute> rules = vs.spec().http();
    for (int i = 0; i < rules.size(); i++) {
      List<HTTPMatchRequest> matches = rules.get(i).match();
      for (int m = 0; m < matches.size(); m++) {
        List<String> names = matches.get(m).gateways();
        for (int k = 0; k < names.size(); k++) {
          gateway(vs, ns, names.get(k),
              "spec.http[" + i + "].match[" + m + "].gateways[" + k + "]", defined);
        }
      }
    }
  }

  private void gateway(VirtualService vs, String ns, String name, String path, Set<String> defined) {
    if (name.equals(VirtualServiceReader.MESH)) {
      return;
    }
    String key = name.contains("/") ? name : ns + "/" + name;
    if (!defined.contains(key)) {
      warn(vs, path, "no Gateway " + key + " is defined here; this VirtualService is not served "
          + "there until it is (check the name and namespace)");
      return;
    }
    Gateway gateway = resources.stream()
        .filter(r -> r instanceof Gateway && r.key().equals(key))
        .map(Gateway.class::cast)
        .findFirst()
        .orElseThrow();
    if (vs.spec().hosts().stream().noneMatch(host -> servedBy(gateway, host, ns))) {
      List<String> served = gateway.spec().servers().stream()
          .flatMap(s -> s.hosts().stream())
          .toList();
      warn(vs, path, "Gateway " + key + " serves none of this VirtualService's hosts (it serves "
          + String.join(", ", served) + "); add a host it serves, or a host to its servers");
    }
  }

  /** Whether a server host of {@code gateway} ({@code [ns/]dns}) admits {@code host} of {@code ns}. */
  private static boolean servedBy(Gateway gateway, String host, String ns) {
    for (Server server : gateway.spec().servers()) {
      for (String entry : server.hosts()) {
        String scope = "*";
        String dns = entry;
        int slash = entry.indexOf('/');
        if (slash >= 0) {
          scope = entry.substring(0, slash);
          dns = entry.substring(slash + 1);
        }
        boolean namespaceOk = scope.equals("*")
            || (scope.equals(".") ? gateway.metadata().namespace().equals(ns) : scope.equals(ns));
        if (namespaceOk && hostsOverlap(dns, host)) {
          return true;
        }
      }
    }
    return false;
  }

  // A wildcard on either side admits the names under its suffix, as Istio's gateway binding does.
  private static boolean hostsOverlap(String a, String b) {
    if (a.equals("*") || b.equals("*") || a.equals(b)) {
      return true;
    }
    if (a.startsWith("*.") && b.endsWith(a.substring(1))) {
      return true;
    }
    return b.startsWith("*.") && a.endsWith(b.substring(1));
  }

  private static String format(Map<String, String> labels) {
    return labels.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .sorted()
        .collect(Collectors.joining(", "));
  }
}
