package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.mesh.Instance;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One replica's copy of the control plane's state in etcd, kept by the etcd watch: every replica
 * applies the same changes in etcd's order, so they all publish the same state under the same
 * revision. A new revision is published when the revision key moves; the transaction that moved
 * it changed the resources and instances in the same etcd revision, so what is published is
 * exactly the state that revision names.
 *
 * <p>A change without the revision key — a lease that etcd expired, a key edited by hand — is
 * applied but not published: it is "unrecorded" until a replica moves the revision key for it
 * ({@link #unrecordedChange}), and the state is published then.
 */
final class EtcdMirror {
  private static final System.Logger LOG = System.getLogger(EtcdMirror.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An instance as registered: with the ttl it asked for and the etcd lease it lives on. */
  record Registered(Instance instance, int ttlSeconds, long lease) {}

  /**
   * The state at one etcd revision, immutable.
   *
   * @param revisionKeyModRevision the etcd revision the revision key was last written at, 0 when
   *     it does not exist; every write compares it (compare-and-swap)
   */
  record View(long revision, long revisionKeyModRevision, Map<ResourceKey, StoredResource> resources,
      Map<String, Registered> instances) {}

  private final EtcdKeys keys;
  private final List<Consumer<Published>> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  // Guarded by lock.
  private View view;
  private long appliedRevision;
  private long lastContentChange;

  private volatile Published published;

  /**
   * @throws IOException when a stored resource no longer parses: the state is not served half
   */
  EtcdMirror(EtcdKeys keys, EtcdGateway.Range range) throws IOException {
    this.keys = keys;
    this.view = load(range, true);
    this.published = publishable(view);
  }

  EtcdKeys keys() {
    return keys;
  }

  Published current() {
    return published;
  }

  void onPublish(Consumer<Published> listener) {
    listeners.add(listener);
  }

  View view() {
    synchronized (lock) {
      return view;
    }
  }

  long appliedRevision() {
    synchronized (lock) {
      return appliedRevision;
    }
  }

  /**
   * True when the state changed after the revision key last moved (a lease expired, a key was
   * edited by hand, or — seen at start — etcd moved on while no replica watched): the revision
   * must move for watchers to see it.
   */
  boolean unrecordedChange() {
    synchronized (lock) {
      return lastContentChange > view.revisionKeyModRevision();
    }
  }

  /** Replaces the whole state with a fresh read (after the watch was compacted away). */
  void reload(EtcdGateway.Range range) throws IOException {
    Published next;
    synchronized (lock) {
      view = load(range, false);
      next = publishLocked();
      lock.notifyAll();
    }
    notifyListeners(next);
  }

  /** Applies one batch of watch events, in etcd's order. */
  void apply(List<EtcdGateway.Event> events) {
    Published next;
    synchronized (lock) {
      TreeMap<ResourceKey, StoredResource> resources = new TreeMap<>(view.resources());
      Map<String, Registered> instances = new LinkedHashMap<>(view.instances());
      long revision = view.revision();
      long revisionKeyMod = view.revisionKeyModRevision();
      long seen = appliedRevision;
      for (EtcdGateway.Event e : events) {
        long at = e.kv().modRevision();
        if (at <= seen) {
          continue; // seen already (a watch resumed from an older revision); one revision may hold many events
        }
        String key = e.kv().key();
        boolean changed = switch (keys.kindOf(key)) {
          case REVISION -> {
            if (e.delete()) {
              revisionKeyMod = 0; // deleted by hand; the next write recreates it, counting on
            } else {
              revision = Math.max(revision, parseRevision(e.kv()));
              revisionKeyMod = at;
            }
            yield false;
          }
          case RESOURCE -> applyResource(e, resources);
          case INSTANCE -> applyInstance(e, instances);
          case OTHER -> false;
        };
        if (changed) {
          lastContentChange = Math.max(lastContentChange, at);
        }
        appliedRevision = Math.max(appliedRevision, at);
      }
      view = new View(revision, revisionKeyMod, resources, instances);
      next = publishLocked();
      lock.notifyAll();
    }
    notifyListeners(next);
  }

  /**
   * Waits until this copy has applied every change up to etcd revision {@code etcdRevision}, or the
   * revision key moved away from {@code revisionKeyModRevision} (negative: whatever it moves to).
   *
   * @return false when {@code max} passed first
   */
  boolean await(long etcdRevision, long revisionKeyModRevision, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (lock) {
      while (appliedRevision < etcdRevision
          && (revisionKeyModRevision < 0 || view.revisionKeyModRevision() == revisionKeyModRevision)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private View load(EtcdGateway.Range range, boolean strict) throws IOException {
    TreeMap<ResourceKey, StoredResource> resources = new TreeMap<>();
    Map<String, Registered> instances = new LinkedHashMap<>();
    long revision = view == null ? 0 : view.revision();
    long revisionKeyMod = 0;
    List<ObjectNode> documents = new ArrayList<>();
    for (EtcdGateway.KeyValue kv : range.kvs()) {
      switch (keys.kindOf(kv.key())) {
        case REVISION -> {
          revision = Math.max(revision, parseRevision(kv));
          revisionKeyMod = kv.modRevision();
        }
        case RESOURCE -> documents.add(document(kv));
        case INSTANCE -> {
          Registered r = registered(kv);
          if (r != null) {
            instances.put(keys.instanceName(kv.key()), r);
          }
        }
        case OTHER -> { }
      }
    }
    if (strict) {
      StoredResources.parse(documents).forEach(r -> resources.put(r.key(), r));
    } else {
      for (ObjectNode doc : documents) {
        parseOne(doc).ifPresent(r -> resources.put(r.key(), r));
      }
    }
    appliedRevision = range.revision();
    // etcd moved on after the revision key: possibly a lease that expired while no replica
    // watched. Whether it touched this state cannot be told from a read, so it counts as a change.
    boolean anything = !range.kvs().isEmpty();
    lastContentChange = anything && range.revision() > revisionKeyMod ? range.revision() : revisionKeyMod;
    return new View(revision, revisionKeyMod, resources, instances);
  }

  private boolean applyResource(EtcdGateway.Event e, TreeMap<ResourceKey, StoredResource> resources) {
    ResourceKey key = keys.resourceKey(e.kv().key());
    if (key == null) {
      return false;
    }
    if (e.delete()) {
      return resources.remove(key) != null;
    }
    try {
      var parsed = parseOne(document(e.kv()));
      if (parsed.isEmpty()) {
        return resources.remove(key) != null;
      }
      resources.put(key, parsed.get());
      return true;
    } catch (IOException ex) {
      LOG.log(System.Logger.Level.WARNING, "etcd key " + e.kv().key() + " does not hold a resource document; not served: "
          + ex.getMessage());
      return resources.remove(key) != null;
    }
  }

  private boolean applyInstance(EtcdGateway.Event e, Map<String, Registered> instances) {
    String name = keys.instanceName(e.kv().key());
    if (e.delete()) {
      return instances.remove(name) != null;
    }
    Registered r = registered(e.kv());
    Registered old = r == null ? instances.remove(name) : instances.put(name, r);
    // A new lease or ttl for the same instance (a re-registration) changes nothing watchers see.
    return old == null || r == null || !old.instance().equals(r.instance());
  }

  private static java.util.Optional<StoredResource> parseOne(ObjectNode doc) {
    try {
      return java.util.Optional.of(StoredResources.parse(List.of(doc)).get(0));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "a resource in etcd is not served: " + e.getMessage());
      return java.util.Optional.empty();
    }
  }

  private static ObjectNode document(EtcdGateway.KeyValue kv) throws IOException {
    JsonNode doc = JSON.readTree(kv.value());
    if (doc == null || !doc.isObject()) {
      throw new IOException("etcd key " + kv.key() + " does not hold a resource document");
    }
    return (ObjectNode) doc;
  }

  /** The instance a key holds; {@code null} (and a warning) when it holds none. */
  private Registered registered(EtcdGateway.KeyValue kv) {
    try {
      JsonNode n = JSON.readTree(kv.value());
      Map<String, String> labels = new LinkedHashMap<>();
      n.path("labels").properties().forEach(l -> labels.put(l.getKey(), l.getValue().asText()));
      Instance i = new Instance(n.get("id").asText(), n.get("service").asText(), n.get("namespace").asText(),
          n.get("address").asText(), n.get("port").asInt(), labels);
      return new Registered(i, n.path("ttlSeconds").asInt(InstanceEndpoints.DEFAULT_TTL_SECONDS), kv.lease());
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "etcd key " + kv.key() + " does not hold an instance; not served: " + e);
      return null;
    }
  }

  /** The value an instance key holds: the instance as watchers see it, and its ttl. */
  static byte[] instanceValue(Instance instance, int ttlSeconds) {
    ObjectNode n = SnapshotWire.instanceJson(instance);
    n.put("ttlSeconds", ttlSeconds);
    return n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static long parseRevision(EtcdGateway.KeyValue kv) {
    String text = new String(kv.value(), java.nio.charset.StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      LOG.log(System.Logger.Level.WARNING, "etcd key " + kv.key() + " does not hold a revision number: '" + text + "'");
      return 0;
    }
  }

  private Published publishLocked() {
    if (view.revision() == published.revision()) {
      return null;
    }
    published = publishable(view);
    return published;
  }

  private static Published publishable(View v) {
    List<Instance> instances = v.instances().values().stream()
        .map(Registered::instance)
        .sorted(Comparator.comparing(Instance::namespace).thenComparing(Instance::id))
        .toList();
    return new Published(v.revision(), List.copyOf(v.resources().values()), instances);
  }

  private void notifyListeners(Published p) {
    if (p == null) {
      return;
    }
    for (Consumer<Published> l : listeners) {
      l.accept(p);
    }
  }
}
