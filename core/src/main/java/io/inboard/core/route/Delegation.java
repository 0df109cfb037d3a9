package io.inboard.core.route;

import io.inboard.core.model.ExportTo;
import io.inboard.core.model.HTTPMatchRequest;
import io.inboard.core.model.HTTPRoute;
import io.inboard.core.model.StringMatch;
import io.inboard.core.model.VirtualService;
import io.inboard.core.model.VirtualServiceSpec;
import io.inboard.core.parse.ParsedResource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * VirtualService delegation, as Istio merges it before routing: a rule with {@code delegate} is
 * replaced by the rules of the delegate VirtualService (one without hosts), each merged with it.
 * A merged rule matches where both match: each of the delegate rule's match blocks must narrow one
 * of the delegating rule's (a uri prefix {@code /api/users} under {@code /api}, a header the
 * delegating rule does not test...), and the two are joined; a delegate rule that narrows none of
 * them is left out. The delegate rule keeps its own settings and takes the delegating rule's
 * rewrite, timeout, retries, fault, mirrors, headers and CORS policy where it has none. Its name is
 * {@code <delegating rule's>-<its own>}. Short host names in the delegate's rules resolve in the
 * delegating VirtualService's namespace, as Istio resolves them after merging.
 *
 * <p>A delegate that does not exist, or that has hosts (so it is a VirtualService of its own), leaves
 * the delegating rule out. Each of these cases is a {@link Finding}; {@code analyze} reports them.
 */
public final class Delegation {
  private Delegation() {}

  /**
   * What became of a delegating rule's delegate, when not every one of its rules took the
   * delegating rule's place.
   *
   * @param virtualService the delegating VirtualService's key
   * @param rule the delegating rule's index in its {@code http} list
   * @param message what was left out, and why
   */
  public record Finding(String virtualService, int rule, String message) {}

  /**
   * The resources as the router sees them: each delegating VirtualService with its rules merged,
   * the delegates themselves left out (they have no hosts to route); what was left out; and where
   * each merged rule came from, for explain ({@link #origin}).
   */
  public record Result(List<ParsedResource> routed, List<Finding> findings, Map<HTTPRoute, String> origins) {
    /**
     * Where {@code rule}, one of {@link #routed}'s, came from when delegation made it, e.g. {@code from rule 0
     * of delegate user-team/user-routes, in place of rule 1 "users"}; else {@code null}.
     */
    public String origin(HTTPRoute rule) {
      return origins.get(rule);
    }
  }

  public static Result expand(List<ParsedResource> resources) {
    Map<String, VirtualService> delegates = new HashMap<>();
    Set<String> withHosts = new HashSet<>();
    boolean anyDelegating = false;
    for (ParsedResource p : resources) {
      if (p.resource() instanceof VirtualService vs) {
        if (vs.spec().hosts().isEmpty()) {
          delegates.put(vs.key(), vs);
        } else {
          withHosts.add(vs.key());
          anyDelegating |= vs.spec().http().stream().anyMatch(r -> r.delegate() != null);
        }
      }
    }
    if (!anyDelegating && delegates.isEmpty()) {
      return new Result(resources, List.of(), Map.of());
    }
    List<ParsedResource> routed = new ArrayList<>(resources.size());
    List<Finding> findings = new ArrayList<>();
    // By identity: two merged rules may be equal records (one delegate used twice).
    Map<HTTPRoute, String> origins = new IdentityHashMap<>();
    for (ParsedResource p : resources) {
      if (!(p.resource() instanceof VirtualService vs)) {
        routed.add(p);
      } else if (!vs.spec().hosts().isEmpty()) {
        routed.add(delegating(vs) ? new ParsedResource(merged(vs, delegates, withHosts, findings, origins),
            p.source(), p.documentIndex()) : p);
      }
    }
    return new Result(List.copyOf(routed), List.copyOf(findings), Collections.unmodifiableMap(origins));
  }

  private static boolean delegating(VirtualService vs) {
    for (HTTPRoute rule : vs.spec().http()) {
      if (rule.delegate() != null) {
        return true;
      }
    }
    return false;
  }

  private static VirtualService merged(VirtualService root, Map<String, VirtualService> delegates,
      Set<String> withHosts, List<Finding> findings, Map<HTTPRoute, String> origins) {
    String ns = root.metadata().namespace();
    List<HTTPRoute> rules = root.spec().http();
    List<HTTPRoute> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      HTTPRoute rule = rules.get(i);
      if (rule.delegate() == null) {
        out.add(rule);
        continue;
      }
      String key = rule.delegate().key(ns);
      VirtualService delegate = delegates.get(key);
      if (delegate == null) {
        findings.add(new Finding(root.key(), i, withHosts.contains(key)
            ? "delegate VirtualService " + key + " has hosts, so it is not a delegate; this rule is left out"
                + " (remove its hosts and gateways to make it one)"
            : "delegate VirtualService " + key + " is not defined; this rule is left out until it is"));
        continue;
      }
      // As Istio: a delegate serves only VirtualServices of the namespaces it is exported to.
      if (!ExportTo.reaches(delegate, ns)) {
        findings.add(new Finding(root.key(), i, "delegate VirtualService " + key + " is not exported to namespace "
            + ns + " (its exportTo is " + ExportTo.describe(delegate.spec().exportTo()) + "); this rule is left out"
            + " until the delegate's exportTo includes " + ns + " or '*'"));
        continue;
      }
      List<HTTPRoute> subRules = delegate.spec().http();
      for (int j = 0; j < subRules.size(); j++) {
        HTTPRoute sub = subRules.get(j);
        MergedMatch match = mergeMatches(rule.match(), sub.match());
        if (match.conflict() != null) {
          findings.add(new Finding(root.key(), i, "rule " + j + (sub.name() == null ? "" : " (" + sub.name() + ")")
              + " of delegate VirtualService " + key + " is left out: " + match.conflict()));
          continue;
        }
        HTTPRoute merged = sub.merged(joinNames(rule.name(), sub.name()), match.blocks(), rule);
        origins.put(merged, "from rule " + j + " of delegate " + key + ", in place of rule " + i
            + (rule.name() == null ? "" : " \"" + rule.name() + "\""));
        out.add(merged);
      }
    }
    return new VirtualService(root.apiVersion(), root.metadata(),
        new VirtualServiceSpec(root.spec().hosts(), root.spec().gateways(), out, root.spec().exportTo()));
  }

  /** The merged blocks, or why the delegate's blocks do not narrow the delegating rule's. */
  record MergedMatch(List<HTTPMatchRequest> blocks, String conflict) {}

  /**
   * Each of the delegate's blocks joined with every delegating block it narrows; a conflict when
   * one of the delegate's blocks narrows none (Istio's rule: the delegate's conditions must be a
   * subset of the root's).
   */
  static MergedMatch mergeMatches(List<HTTPMatchRequest> root, List<HTTPMatchRequest> leaf) {
    if (root.isEmpty()) {
      return new MergedMatch(leaf, null);
    }
    if (leaf.isEmpty()) {
      return new MergedMatch(root, null);
    }
    List<HTTPMatchRequest> out = new ArrayList<>();
    for (int l = 0; l < leaf.size(); l++) {
      String reason = null;
      boolean narrowsOne = false;
      for (HTTPMatchRequest r : root) {
        String conflict = conflict(r, leaf.get(l));
        if (conflict == null) {
          out.add(merge(r, leaf.get(l)));
          narrowsOne = true;
        } else if (reason == null) {
          reason = conflict;
        }
      }
      if (!narrowsOne) {
        return new MergedMatch(List.of(), "its match[" + l + "] narrows none of the delegating rule's match blocks ("
            + reason + ")");
      }
    }
    return new MergedMatch(out, null);
  }

  /** Why {@code leaf} does not narrow {@code root}, or {@code null} when it does (Istio's {@code hasConflict}). */
  static String conflict(HTTPMatchRequest root, HTTPMatchRequest leaf) {
    String c = firstOf(
        stringConflict("uri", root.uri(), leaf.uri()),
        stringConflict("scheme", root.scheme(), leaf.scheme()),
        stringConflict("method", root.method(), leaf.method()),
        stringConflict("authority", root.authority(), leaf.authority()),
        mapConflict("headers", root.headers(), leaf.headers()),
        mapConflict("withoutHeaders", root.withoutHeaders(), leaf.withoutHeaders()),
        mapConflict("queryParams", root.queryParams(), leaf.queryParams()));
    if (c != null) {
      return c;
    }
    if (root.ignoreUriCase() != leaf.ignoreUriCase()) {
      return "ignoreUriCase differs";
    }
    if (root.port() > 0 && leaf.port() > 0 && root.port() != leaf.port()) {
      return "port " + leaf.port() + " is not the delegating rule's port " + root.port();
    }
    if (root.sourceNamespace() != null && !root.sourceNamespace().equals(leaf.sourceNamespace())) {
      return "sourceNamespace must be the delegating rule's, " + root.sourceNamespace();
    }
    for (Map.Entry<String, String> label : leaf.sourceLabels().entrySet()) {
      String rootValue = root.sourceLabels().get(label.getKey());
      if (rootValue != null && !rootValue.equals(label.getValue())) {
        return "sourceLabels." + label.getKey() + " differs from the delegating rule's";
      }
    }
    if (!root.gateways().isEmpty() && !leaf.gateways().isEmpty() && !root.gateways().containsAll(leaf.gateways())) {
      return "gateways " + leaf.gateways() + " are not among the delegating rule's " + root.gateways();
    }
    return null;
  }

  private static String firstOf(String... reasons) {
    for (String reason : reasons) {
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  private static String mapConflict(String what, Map<String, StringMatch> root, Map<String, StringMatch> leaf) {
    for (Map.Entry<String, StringMatch> e : leaf.entrySet()) {
      String c = stringConflict(what + "." + e.getKey(), root.get(e.getKey()), e.getValue());
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  /**
   * Istio's {@code stringMatchConflict}: none when either side does not test; else only an equal
   * exact value, or a prefix or exact value under the delegating rule's prefix, narrows it.
   */
  static String stringConflict(String what, StringMatch root, StringMatch leaf) {
    if (root == null || leaf == null) {
      return null;
    }
    if (root instanceof StringMatch.Exact e && leaf instanceof StringMatch.Exact l && e.value().equals(l.value())) {
      return null;
    }
    if (root instanceof StringMatch.Prefix p) {
      String value = leaf instanceof StringMatch.Prefix l ? l.value()
          : leaf instanceof StringMatch.Exact l ? l.value() : null;
      if (value != null && value.startsWith(p.value())) {
        return null;
      }
    }
    return what + " " + describe(leaf) + " is not within the delegating rule's " + describe(root);
  }

  private static String describe(StringMatch m) {
    if (m instanceof StringMatch.Exact e) {
      return "exact \"" + e.value() + "\"";
    }
    if (m instanceof StringMatch.Prefix p) {
      return "prefix \"" + p.value() + "\"";
    }
    if (m instanceof StringMatch.Regex r) {
      return "regex \"" + r.pattern() + "\"";
    }
    return "{} (present)";
  }

  /** Istio's {@code mergeHTTPMatchRequest}: the delegate's conditions, the root's where it has none. */
  static HTTPMatchRequest merge(HTTPMatchRequest root, HTTPMatchRequest leaf) {
    return new HTTPMatchRequest(
        joinNames(root.name(), leaf.name()),
        either(leaf.uri(), root.uri()),
        either(leaf.scheme(), root.scheme()),
        either(leaf.method(), root.method()),
        either(leaf.authority(), root.authority()),
        union(root.headers(), leaf.headers()),
        union(root.queryParams(), leaf.queryParams()),
        union(root.withoutHeaders(), leaf.withoutHeaders()),
        leaf.ignoreUriCase(),
        union(root.sourceLabels(), leaf.sourceLabels()),
        leaf.sourceNamespace() != null ? leaf.sourceNamespace() : root.sourceNamespace(),
        leaf.gateways().isEmpty() ? root.gateways() : leaf.gateways(),
        leaf.port() != 0 ? leaf.port() : root.port());
  }

  private static StringMatch either(StringMatch leaf, StringMatch root) {
    return leaf != null ? leaf : root;
  }

  private static <V> Map<String, V> union(Map<String, V> root, Map<String, V> leaf) {
    if (root.isEmpty()) {
      return leaf;
    }
    if (leaf.isEmpty()) {
      return root;
    }
    Map<String, V> out = new LinkedHashMap<>(root);
    out.putAll(leaf);
    return out;
  }

  /** Istio's names of a merged rule or block: {@code root-leaf}, or whichever there is. */
  private static String joinNames(String root, String leaf) {
    if (leaf == null) {
      return root;
    }
    return root == null ? leaf : root + "-" + leaf;
  }
}
