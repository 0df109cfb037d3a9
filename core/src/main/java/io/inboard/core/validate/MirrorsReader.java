package io.inboard.core.validate;

import io.inboard.core.model.Destination;
import io.inboard.core.model.HTTPMirrorPolicy;
import io.inboard.core.model.Percent;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an {@code http} rule's mirroring, checked as Istio checks it: the single {@code mirror}
 * with {@code mirrorPercentage} (or the deprecated integer {@code mirrorPercent}), or the
 * {@code mirrors} list of {@code {destination, percentage}}, never both.
 */
final class MirrorsReader {
  private static final Schema POLICY = Schema.of("destination", "percentage");

  private MirrorsReader() {}

  /** The rule's {@code mirror}, or {@code null} when absent or invalid (reported). */
  static Destination mirror(Field rule) {
    return rule.has("mirror") ? Destinations.read(rule.get("mirror")) : null;
  }

  /** The rule's {@code mirrors}; empty when absent. Invalid entries are reported and left out. */
  static List<HTTPMirrorPolicy> mirrors(Field rule) {
    Field f = rule.get("mirrors");
    if (!f.present()) {
      return List.of();
    }
    if (rule.has("mirror")) {
      f.error("mirror and mirrors exclude each other (as in Istio); move mirror into mirrors as "
          + "{destination: {host: ...}, percentage: {value: ...}}, or remove mirrors");
    }
    if (f.json().isArray() && f.json().isEmpty()) {
      f.warning("is empty, so nothing is mirrored; list a {destination: {host: ...}} or remove it");
      return List.of();
    }
    List<HTTPMirrorPolicy> out = new ArrayList<>();
    for (Field item : f.items()) {
      HTTPMirrorPolicy policy = policy(item);
      if (policy != null) {
        out.add(policy);
      }
    }
    return out;
  }

  private static HTTPMirrorPolicy policy(Field item) {
    if (!item.object(POLICY)) {
      if (!item.present()) {
        item.error("is empty; give where the copies go, e.g. {destination: {host: user, subset: v2}}");
      }
      return null;
    }
    Destination destination = null;
    if (!item.has("destination")) {
      item.get("destination").error("is required: a mirror names where its copies go, e.g. "
          + "destination: {host: user, subset: v2}");
    } else {
      destination = Destinations.read(item.get("destination"));
    }
    Field percentageField = item.get("percentage");
    Percent percentage = percentageField.percent();
    boolean percentageValid = !percentageField.present() || percentage != null;
    return destination != null && percentageValid ? new HTTPMirrorPolicy(destination, percentage) : null;
  }

  /**
   * The share of requests {@code mirror} copies: {@code mirrorPercentage}, else the deprecated
   * {@code mirrorPercent} (with a warning); {@code null} when neither is given (every request).
   */
  static Percent mirrorPercentage(Field f) {
    Field old = f.get("mirrorPercent");
    Percent result;
    if (old.present() && f.has("mirrorPercentage")) {
      old.error("give mirrorPercentage or the deprecated mirrorPercent, not both");
      return null;
    }
    if (old.present()) {
      Integer p = old.integer(0, 100);
      if (p == null) {
        return null;
      }
      old.warning("mirrorPercent is deprecated; write mirrorPercentage: {value: " + p + "}");
      result = new Percent(p);
    } else {
      result = f.get("mirrorPercentage").percent();
    }
    if (result != null && !f.has("mirror")) {
      Field given = old.present() ? old : f.get("mirrorPercentage");
      if (f.has("mirrors")) {
        given.warning("applies to mirror only, not to mirrors; give each entry of mirrors its own "
            + "percentage: {value: ...} and remove it");
      } else {
        given.warning("has no effect without mirror; add mirror: {host: ...} or remove it");
      }
    }
    return result;
  }
}
