package io.inboard.core.route;

import io.inboard.core.lb.WeightedChoice;
import io.inboard.core.model.HTTPFaultInjection;
import io.inboard.core.model.HTTPRedirect;
import java.util.Set;

/** One compiled rule of a VirtualService's {@code http} list, with everything its actions need. */
final class Rule {
  enum Action {
    ROUTE,
    REDIRECT,
    DIRECT_RESPONSE
  }

  final int index;
  /** E.g. {@code rule 0 "dark-release"}, for traces. */
  final String label;
  final Decision.Match match;
  /** Empty: the rule matches every request (where its service applies). */
  final MatchBlock[] blocks;
  final Action action;
  final RouteTarget[] targets;
  final WeightedChoice weights;
  final HTTPRedirect redirect;
  final int directStatus;
  final String directBody;
  /** The uri rewrite, or {@code null}. */
  final String rewriteUri;
  /** The uriRegexRewrite, or {@code null} (never together with {@link #rewriteUri}). */
  final PathRegexRewrite regexRewrite;
  final HTTPFaultInjection fault;
  /** The rule's mirrors in order ({@code mirror}, or the entries of {@code mirrors}); {@code null} when none. */
  final MirrorTarget[] mirrors;
  /** Base actions for redirects and direct responses (header operations, etc.). */
  final Decision.Actions baseActions;
  /**
   * When the rule's one block tests one header and nothing else: that header's (interned) name
   * and matcher, else {@code null}.
   */
  final String singleHeaderName;
  final ValueMatcher singleHeaderMatcher;
  /** E.g. {@code matched rule 0 "user-canary" of VirtualService traffic-management/user-vs}. */
  final String reason;

  /**
   * @param origin where delegation took the rule from ({@link Delegation.Result#origin}), or
   *     {@code null}: said in the rule's label and reason
   */
  Rule(
      int index,
      String name,
      String origin,
      String virtualService,
      MatchBlock[] blocks,
      Action action,
      RouteTarget[] targets,
      WeightedChoice weights,
      HTTPRedirect redirect,
      int directStatus,
      String directBody,
      String rewriteUri,
      PathRegexRewrite regexRewrite,
      HTTPFaultInjection fault,
      MirrorTarget[] mirrors,
      Decision.Actions baseActions) {
    this.index = index;
    this.label = (name == null ? "rule " + index : "rule " + index + " \"" + name + "\"")
        + (origin == null ? "" : " (" + origin + ")");
    this.match = new Decision.Match(virtualService, index, name);
    this.blocks = blocks;
    this.action = action;
    this.targets = targets;
    this.weights = weights;
    this.redirect = redirect;
    this.directStatus = directStatus;
    this.directBody = directBody;
    this.rewriteUri = rewriteUri;
    this.regexRewrite = regexRewrite;
    this.fault = fault;
    this.mirrors = mirrors;
    this.baseActions = baseActions;
    this.reason = "matched " + label + " of VirtualService " + virtualService;
    String single = blocks.length == 1 ? blocks[0].singleHeaderName() : null;
    this.singleHeaderName = single == null ? null : single.intern();
    this.singleHeaderMatcher = single == null ? null : blocks[0].singleHeaderMatcher();
  }

  /** Whether any block (or, without blocks, the rule itself) can apply in {@code context}. */
  boolean appliesIn(String context, Set<String> inherited) {
    if (blocks.length == 0) {
      return inherited.contains(context);
    }
    for (MatchBlock b : blocks) {
      if ((b.gateways.isEmpty() ? inherited : b.gateways).contains(context)) {
        return true;
      }
    }
    return false;
  }
}
