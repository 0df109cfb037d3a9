package io.inboard.server;

/**
 * Where the control plane's state lives in etcd, under one prefix ({@code /inboard/} by default):
 * <ul>
 *   <li>{@code revision}: the revision counter, written in every transaction that changes the state;
 *   <li>{@code resources/{kind}/{namespace}/{name}}: a resource document as stored;
 *   <li>{@code instances/{namespace}/{id}}: a registered instance, attached to its lease.
 * </ul>
 */
record EtcdKeys(String prefix) {
  /** What a key under the prefix holds. */
  enum Kind {
    REVISION,
    RESOURCE,
    INSTANCE,
    OTHER
  }

  String revision() {
    return prefix + "revision";
  }

  String resource(ResourceKey key) {
    return prefix + "resources/" + key.kind().plural() + "/" + key.namespace() + "/" + key.name();
  }

  String instance(String namespace, String id) {
    return prefix + "instances/" + namespace + "/" + id;
  }

  Kind kindOf(String key) {
    if (key.equals(revision())) {
      return Kind.REVISION;
    }
    if (key.startsWith(prefix + "resources/")) {
      return Kind.RESOURCE;
    }
    if (key.startsWith(prefix + "instances/")) {
      return Kind.INSTANCE;
    }
    return Kind.OTHER;
  }

  /** The resource a {@link Kind#RESOURCE} key names, {@code null} when it names none. */
  ResourceKey resourceKey(String key) {
    String[] parts = key.substring((prefix + "resources/").length()).split("/", -1);
    if (parts.length != 3) {
      return null;
    }
    return ResourceKind.ofPlural(parts[0]).map(k -> new ResourceKey(k, parts[1], parts[2])).orElse(null);
  }

  /** {@code namespace/id} of an {@link Kind#INSTANCE} key. */
  String instanceName(String key) {
    return key.substring((prefix + "instances/").length());
  }
}
