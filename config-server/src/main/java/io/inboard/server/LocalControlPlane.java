package io.inboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.ParsedResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The state of one server: resources stored through a {@link ResourceStore} (files in a data
 * directory by default), instance leases in memory. Every change goes through here, one at a time,
 * under one lock.
 */
final class LocalControlPlane implements ControlPlane {
  private static final System.Logger LOG = System.getLogger("io.inboard.server.changes");

  private record Lease(Instance instance, long expiresAtNanos) {}

  private final ResourceStore store;
  private final LongSupplier nanoClock;
  private final List<Consumer<Published>> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  // Guarded by lock.
  private long revision;
  private TreeMap<ResourceKey, StoredResource> resources = new TreeMap<>();
  private final Map<String, Lease> leases = new HashMap<>();

  private volatile Published published;

  /**
   * @param stored the state loaded from the store, already parsed (the caller refuses to start
   *     when a stored document no longer parses)
   */
  LocalControlPlane(ResourceStore store, long revision, List<StoredResource> stored, LongSupplier nanoClock) {
    this.store = store;
    this.nanoClock = nanoClock;
    this.revision = revision;
    stored.forEach(r -> resources.put(r.key(), r));
    this.published = new Published(revision, List.copyOf(resources.values()), List.of());
  }

  @Override
  public Published current() {
    return published;
  }

  @Override
  public void onPublish(Consumer<Published> listener) {
    listeners.add(listener);
  }

  @Override
  public ApplyResult apply(List<ParsedResource> docs, Caller caller) {
    Published next;
    ApplyResult result;
    synchronized (lock) {
      long nextRevision = revision + 1;
      ApplyPlan plan = ApplyPlan.of(resources, docs, nextRevision);
      if (plan.changed().isEmpty()) {
        return new ApplyResult(revision, plan.outcomes());
      }
      TreeMap<ResourceKey, StoredResource> updated = new TreeMap<>(resources);
      plan.changed().forEach(r -> updated.put(r.key(), r));
      commit(nextRevision, updated);
      result = new ApplyResult(nextRevision, plan.outcomes());
      next = publishLocked();
      plan.log(LOG, caller, nextRevision);
    }
    notifyListeners(next);
    return result;
  }

  @Override
  public long delete(ResourceKey key, String expectedVersion, Caller caller) {
    Published next;
    long rev;
    synchronized (lock) {
      ApplyPlan.deletion(resources, key, expectedVersion);
      TreeMap<ResourceKey, StoredResource> updated = new TreeMap<>(resources);
      updated.remove(key);
      rev = revision + 1;
      commit(rev, updated);
      next = publishLocked();
      LOG.log(System.Logger.Level.INFO, "{0} deleted {1} revision={2}", caller.kind(), key, rev);
    }
    notifyListeners(next);
    return rev;
  }

  @Override
  public long register(Instance instance, Duration ttl, Caller caller) {
    Published next = null;
    long rev;
    synchronized (lock) {
      String key = instanceKey(instance.namespace(), instance.id());
      Lease old = leases.get(key);
      leases.put(key, new Lease(instance, nanoClock.getAsLong() + ttl.toNanos()));
      if (old != null && old.instance().equals(instance)) {
        return revision;
      }
      try {
        rev = revision + 1;
        store.recordRevision(rev);
      } catch (IOException e) {
        restore(key, old);
        throw new UncheckedIOException(e);
      }
      revision = rev;
      next = publishLocked();
      LOG.log(System.Logger.Level.INFO, "{0} {1} instance {2}/{3} ({4} {5}:{6}) revision={7}", caller.kind(),
          old == null ? "registered" : "updated", instance.namespace(), instance.id(), instance.service(),
          instance.address(), Integer.toString(instance.port()), rev);
    }
    notifyListeners(next);
    return rev;
  }

  @Override
  public long deregister(String namespace, String id, Caller caller) {
    Published next;
    long rev;
    synchronized (lock) {
      String key = instanceKey(namespace, id);
      Lease old = leases.remove(key);
      if (old == null) {
        throw ApiError.notFound("instance " + namespace + "/" + id + " not found (lease expired or never registered)");
      }
      try {
        rev = revision + 1;
        store.recordRevision(rev);
      } catch (IOException e) {
        restore(key, old);
        throw new UncheckedIOException(e);
      }
      revision = rev;
      next = publishLocked();
      LOG.log(System.Logger.Level.INFO, "{0} deregistered instance {1}/{2} revision={3}", caller.kind(), namespace, id,
          rev);
    }
    notifyListeners(next);
    return rev;
  }

  /** Removes leases that were not renewed in time; one revision for all of them. */
  @Override
  public int expireLeases() {
    Published next;
    List<String> expired = new ArrayList<>();
    synchronized (lock) {
      long now = nanoClock.getAsLong();
      leases.entrySet().removeIf(e -> {
        if (e.getValue().expiresAtNanos() - now <= 0) {
          expired.add(e.getKey());
          return true;
        }
        return false;
      });
      if (expired.isEmpty()) {
        return 0;
      }
      long rev = revision + 1;
      try {
        store.recordRevision(rev);
      } catch (IOException e) {
        // The leases are gone in memory either way; the counter is still monotonic in this run.
        LOG.log(System.Logger.Level.WARNING, "cannot record revision " + rev + ": " + e.getMessage());
      }
      revision = rev;
      next = publishLocked();
      LOG.log(System.Logger.Level.INFO, "lease expired for {0} revision={1}", expired, rev);
    }
    notifyListeners(next);
    return expired.size();
  }

  private void restore(String key, Lease old) {
    if (old == null) {
      leases.remove(key);
    } else {
      leases.put(key, old);
    }
  }

  private void commit(long rev, TreeMap<ResourceKey, StoredResource> updated) {
    List<ObjectNode> docs = updated.values().stream().map(StoredResource::document).toList();
    try {
      store.commit(new StoredState(rev, docs));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store revision " + rev, e);
    }
    resources = updated;
    revision = rev;
  }

  private Published publishLocked() {
    List<Instance> instances = leases.values().stream()
        .map(Lease::instance)
        .sorted(Comparator.comparing(Instance::namespace).thenComparing(Instance::id))
        .toList();
    published = new Published(revision, List.copyOf(resources.values()), instances);
    return published;
  }

  private void notifyListeners(Published p) {
    for (Consumer<Published> l : listeners) {
      l.accept(p);
    }
  }

  @Override
  public void close() throws IOException {
    store.close();
  }

  private static String instanceKey(String namespace, String id) {
    return namespace + "/" + id;
  }
}
