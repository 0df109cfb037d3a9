package io.inboard.core.route;

import java.util.Locale;

/** Kubernetes-style host names: short names resolve against a namespace, dotted names stand. */
public final class HostNames {
  public static final String CLUSTER_SUFFIX = ".svc.cluster.local";
  /** The pseudo-gateway meaning "inside the mesh". */
  public static final String MESH = "mesh";

  private HostNames() {}

  /**
   * The host a resource means: {@code user} in namespace {@code ns} is
   * {@code user.ns.svc.cluster.local}; a name with a dot (or a wildcard) is taken as written.
   */
  public static String resolve(String host, String namespace) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.indexOf('.') >= 0 || h.startsWith("*")) {
      return h;
    }
    return h + "." + namespace + CLUSTER_SUFFIX;
  }

  /** A gateway reference as {@code ns/name}; {@code mesh} stays {@code mesh}. */
  public static String gateway(String name, String namespace) {
    if (name.equals(MESH) || name.indexOf('/') >= 0) {
      return name;
    }
    return namespace + "/" + name;
  }
}
