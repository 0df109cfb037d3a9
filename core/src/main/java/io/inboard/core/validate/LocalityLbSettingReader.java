package io.inboard.core.validate;

import io.inboard.core.model.LocalityLbSetting;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and validates a {@code loadBalancer.localityLbSetting} with Istio's rules. */
final class LocalityLbSettingReader {
  private static final Schema LOCALITY_LB = Schema.of("enabled", "distribute", "failover", "failoverPriority");
  private static final Schema DISTRIBUTE = Schema.of("from", "to");
  private static final Schema FAILOVER = Schema.of("from", "to");

  private LocalityLbSettingReader() {}

  /** The setting, or {@code null} when absent or not a mapping. */
  static LocalityLbSetting read(Field f) {
    if (!f.object(LOCALITY_LB)) {
      return null;
    }
    Boolean enabled = f.get("enabled").bool();
    List<LocalityLbSetting.Distribute> distribute = distribute(f.get("distribute"));
    List<LocalityLbSetting.Failover> failover = failover(f.get("failover"));
    List<String> failoverPriority = failoverPriority(f.get("failoverPriority"));
    if (!distribute.isEmpty() && !failover.isEmpty()) {
      f.error("has distribute and failover; Istio allows only one of them: keep distribute to split "
          + "traffic by locality, or failover to prefer the caller's own locality");
    } else if (!distribute.isEmpty() && !failoverPriority.isEmpty()) {
      f.get("failoverPriority").warning("is ignored while distribute is given, as in Istio; remove one of them");
    }
    return new LocalityLbSetting(enabled == null || enabled, distribute, failover, failoverPriority);
  }

  /**
   * Warns when {@code setting} asks for failover without outlier detection: without it no instance is
   * ever found unhealthy, so traffic would never leave the caller's own locality (Istio warns too).
   */
  static void checkFailoverHasOutlierDetection(Field f, LocalityLbSetting setting, boolean outlierDetection) {
    if (setting == null || !setting.enabled() || outlierDetection || !setting.distribute().isEmpty()) {
      return;
    }
    if (!setting.failover().isEmpty() || !setting.failoverPriority().isEmpty()) {
      f.warning("failover takes effect only with outlierDetection (it finds the unhealthy instances that "
          + "make traffic leave a locality), as in Istio; add trafficPolicy.outlierDetection, e.g. "
          + "{consecutive5xxErrors: 5}");
    }
  }

  private static List<LocalityLbSetting.Distribute> distribute(Field f) {
    List<LocalityLbSetting.Distribute> out = new ArrayList<>();
    Set<String> froms = new HashSet<>();
    for (Field item : f.items()) {
      if (!item.object(DISTRIBUTE)) {
        if (!item.present()) {
          item.error("is empty; an entry needs from and to, e.g. {from: us-west/zone1/*, to: {us-west/zone1/*: 80, "
              + "us-west/zone2/*: 20}}");
        }
        continue;
      }
      String from = locality(item.get("from"), true);
      if (from != null && !froms.add(from)) {
        item.get("from").error("locality " + from + " is already the from of an earlier entry; merge the two");
      }
      Field toField = item.get("to");
      Map<String, Integer> to = new LinkedHashMap<>();
      long total = 0;
      boolean valid = true;
      for (Map.Entry<String, Field> e : toField.entries().entrySet()) {
        String problem = localityProblem(e.getKey());
        if (problem != null) {
          e.getValue().error(problem);
          valid = false;
          continue;
        }
        Integer weight = e.getValue().integer(0, 100);
        if (weight == null) {
          valid = false;
          continue;
        }
        to.put(e.getKey(), weight);
        total += weight;
      }
      if (!toField.present() || to.isEmpty() && valid) {
        toField.error("is required: the share of traffic (percent) for each locality, e.g. to: {us-west/zone1/*: 80, "
            + "us-west/zone2/*: 20}");
        continue;
      }
      if (valid && total != 100) {
        toField.error("weights sum to " + total + "; they must sum to 100 (the percent of traffic each locality "
            + "gets)");
        continue;
      }
      if (from != null && valid) {
        out.add(new LocalityLbSetting.Distribute(from, to));
      }
    }
    return out;
  }

  private static List<LocalityLbSetting.Failover> failover(Field f) {
    List<LocalityLbSetting.Failover> out = new ArrayList<>();
    for (Field item : f.items()) {
      if (!item.object(FAILOVER)) {
        if (!item.present()) {
          item.error("is empty; an entry needs from and to regions, e.g. {from: us-east, to: eu-west}");
        }
        continue;
      }
      String from = region(item.get("from"));
      String to = region(item.get("to"));
      if (from != null && from.equals(to)) {
        item.error("from and to are both " + from + "; failover goes to another region");
        continue;
      }
      if (from != null && to != null) {
        out.add(new LocalityLbSetting.Failover(from, to));
      }
    }
    return out;
  }

  private static String region(Field f) {
    if (!f.present()) {
      f.error("is required: a region, e.g. us-east");
      return null;
    }
    String region = f.nonEmptyString();
    if (region != null && (region.contains("/") || region.contains("*"))) {
      f.error("must be a region, without '/' or '*' (failover moves between regions), not " + region);
      return null;
    }
    return region;
  }

  private static List<String> failoverPriority(Field f) {
    List<String> out = new ArrayList<>();
    for (Field item : f.items()) {
      String label = item.nonEmptyString();
      if (label == null) {
        if (!item.present()) {
          item.error("is empty; give a label key, e.g. topology.istio.io/network");
        }
        continue;
      }
      int eq = label.indexOf('=');
      String key = eq < 0 ? label : label.substring(0, eq);
      String problem = Names.labelKeyProblem(key);
      if (problem != null) {
        item.error(problem);
        continue;
      }
      if (out.stream().anyMatch(k -> k.equals(key) || k.startsWith(key + "="))) {
        item.error("label " + key + " is already listed; give each label once");
        continue;
      }
      out.add(label);
    }
    return out;
  }

  /** A locality pattern, or {@code null} (reported) when missing or not valid. */
  private static String locality(Field f, boolean required) {
    if (!f.present()) {
      if (required) {
        f.error("is required: a locality region/zone/subzone, where * matches any, e.g. us-west/zone1/*");
      }
      return null;
    }
    String text = f.nonEmptyString();
    if (text == null) {
      return null;
    }
    String problem = localityProblem(text);
    if (problem != null) {
      f.error(problem);
      return null;
    }
    return text;
  }

  /**
   * What is wrong with a locality pattern, or {@code null}: at most region/zone/subzone, no empty part,
   * and {@code *} only as a whole part and the last one (as Istio requires).
   */
  static String localityProblem(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length > 3) {
      return "locality " + text + " has more than three parts; write region/zone/subzone, e.g. us-west/zone1/*";
    }
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        return "locality " + text + " has an empty part; write region/zone/subzone, e.g. us-west/zone1/*";
      }
      if (part.contains("*") && (!part.equals("*") || i != parts.length - 1)) {
        return "locality " + text + ": '*' may only be the whole last part, e.g. us-west/* or us-west/zone1/*";
      }
    }
    return null;
  }
}
