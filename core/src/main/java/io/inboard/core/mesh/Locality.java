package io.inboard.core.mesh;

import java.util.Map;

/**
 * Where a workload runs, as Istio names it: {@code region/zone/subzone}, each part empty when not
 * known. Read from the labels Kubernetes and Istio put on a workload ({@link #of}), so an instance's
 * locality and a caller's own come from the same place.
 */
public record Locality(String region, String zone, String subzone) {
  /** Kubernetes' well-known node labels, which Istio copies to the workload. */
  public static final String REGION_LABEL = "topology.kubernetes.io/region";
  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  public static final String SUBZONE_LABEL = "topology.istio.io/subzone";
  /** Istio's own label, {@code region.zone.subzone} (a label value cannot hold {@code /}); it wins when present. */
  public static final String ISTIO_LOCALITY_LABEL = "istio-locality";

  public static final Locality UNKNOWN = new Locality("", "", "");

  public Locality {
    region = region == null ? "" : region;
    zone = zone == null ? "" : zone;
    subzone = subzone == null ? "" : subzone;
  }

  /** The locality given by {@code labels}: {@code istio-locality} when set, else the topology labels. */
  public static Locality of(Map<String, String> labels) {
    String istio = labels.get(ISTIO_LOCALITY_LABEL);
    if (istio != null && !istio.isEmpty()) {
      return parse(istio.replace('.', '/'));
    }
    String region = labels.get(REGION_LABEL);
    String zone = labels.get(ZONE_LABEL);
    String subzone = labels.get(SUBZONE_LABEL);
    return region == null && zone == null && subzone == null ? UNKNOWN : new Locality(region, zone, subzone);
  }

  /** {@code region/zone/subzone}, later parts optional. */
  public static Locality parse(String text) {
    String[] parts = text.split("/", 3);
    return new Locality(parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "");
  }

  public boolean isUnknown() {
    return region.isEmpty() && zone.isEmpty() && subzone.isEmpty();
  }

  /**
   * Whether this locality falls under {@code pattern} as Istio matches a {@code distribute} entry:
   * {@code region/zone/subzone} where {@code *} matches any value and a missing zone or subzone
   * matches any ({@code us-west} and {@code us-west/*} both match every zone of us-west).
   */
  public boolean matches(String pattern) {
    String[] p = pattern.split("/", 3);
    return part(p[0], region, false)
        && (p.length < 2 || part(p[1], zone, true))
        && (p.length < 3 || part(p[2], subzone, true));
  }

  private static boolean part(String pattern, String value, boolean emptyMatchesAll) {
    return pattern.equals("*") || (emptyMatchesAll && pattern.isEmpty()) || pattern.equals(value);
  }

  /** How many of region, zone, subzone (in that order) this shares with {@code other}: 3 is the same place. */
  public int sharedParts(Locality other) {
    if (!region.equals(other.region)) {
      return 0;
    }
    if (!zone.equals(other.zone)) {
      return 1;
    }
    return subzone.equals(other.subzone) ? 3 : 2;
  }

  @Override
  public String toString() {
    return isUnknown() ? "(unknown)" : region + "/" + zone + "/" + subzone;
  }
}
