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
 * The live state of the control plane: stored resources, instance leases and the one revision
 * counter that covers both. Every change goes through here, one at a time; a change is stored
 * durably before it becomes visible, and the revision moves only when something really changed.
 * Readers take the current {@link Published} revision without locking.
 */
final class ControlPlane {
  private static final System.Logger LOG = System.getLogger("io.inboard.server.changes");

  /** What an apply did to one resource. */
  enum Action {
    CREATED,
    CONFIGURED,
    UNCHANGED;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  record Outcome(ResourceKey key, Action action, long version) {}

  record ApplyResult(long revision, List<Outcome> outcomes) {}

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
  ControlPlane(ResourceStore store, long revision, List<StoredResource> stored, LongSupplier nanoClock) {
    this.store = store;
    this.nanoClock = nanoClock;
    this.revision = revision;
    stored.forEach(r -> resources.put(r.key(), r));
    this.published = new Published(revision, List.copyOf(resources.values()), List.of());
  }

  Published current() {
    return published;
  }

  /** Called, outside the lock, with every new revision. */
  void onPublish(Consumer<Published> listener) {
    listeners.add(listener);
  }

  /**
   * Stores every resource or none. A resource carrying {@code metadata.resourceVersion} is only
   * written when that is its current version.
   *
   * @throws ApiError 409 when a version is stale; nothing is changed then
   */
  ApplyResult apply(List<ParsedResource> docs, Caller caller) {
    Published next;
    ApplyResult result;
    synchronized (lock) {
      List<ApiError.Detail> conflicts = new ArrayList<>();
      List<Outcome> outcomes = new ArrayList<>();
      List<StoredResource> changed = new ArrayList<>();
      long nextRevision = revision + 1;
      for (ParsedResource doc : docs) {
        ResourceKey key = keyOf(doc);
        StoredResource existing = resources.get(key);
        String expected = doc.resource().metadata().resourceVersion();
        if (expected != null && !expected.isEmpty()) {
          if (existing == null) {
            conflicts.add(new ApiError.Detail(key.toString(), "metadata.resourceVersion",
                "the resource does not exist (deleted meanwhile?); remove resourceVersion to create it"));
            continue;
          }
          if (!expected.equals(Long.toString(existing.version()))) {
            conflicts.add(new ApiError.Detail(key.toString(), "metadata.resourceVersion",
                "stale: you sent " + expected + " but the stored version is " + existing.version()
                    + "; read the resource again and reapply your change"));
            continue;
          }
        }
        ObjectNode content = StoredDocuments.content(doc.source(), key);
        if (existing != null && content.equals(StoredDocuments.content(existing.document(), key))) {
          outcomes.add(new Outcome(key, Action.UNCHANGED, existing.version()));
          continue;
        }
        ObjectNode document = StoredDocuments.withVersion(content, nextRevision);
        changed.add(new StoredResource(key, nextRevision, document, doc));
        outcomes.add(new Outcome(key, existing == null ? Action.CREATED : Action.CONFIGURED, nextRevision));
      }
      if (!conflicts.isEmpty()) {
        throw ApiError.conflict("resourceVersion conflict: nothing was applied", conflicts);
      }
      if (changed.isEmpty()) {
        return new ApplyResult(revision, outcomes);
      }
      TreeMap<ResourceKey, StoredResource> updated = new TreeMap<>(resources);
      changed.forEach(r -> updated.put(r.key(), r));
      commit(nextRevision, updated);
      result = new ApplyResult(nextRevision, outcomes);
      next = publishLocked();
      for (Outcome o : outcomes) {
        if (o.action() != Action.UNCHANGED) {
          LOG.log(System.Logger.Level.INFO, "{0} {1} {2} revision={3}", caller.kind(), o.action().word(), o.key(),
              nextRevision);
        }
      }
    }
    notifyListeners(next);
    return result;
  }

  /**
   * Deletes one resource; with {@code expectedVersion} only if that is still its version.
   *
   * @throws ApiError 404 when it does not exist, 409 when the version is stale
   */
  long delete(ResourceKey key, String expectedVersion, Caller caller) {
    Published next;
    long rev;
    synchronized (lock) {
      StoredResource existing = resources.get(key);
      if (existing == null) {
        throw ApiError.notFound(key + " not found");
      }
      if (expectedVersion != null && !expectedVersion.equals(Long.toString(existing.version()))) {
        throw ApiError.conflict("resourceVersion conflict: nothing was deleted",
            List.of(new ApiError.Detail(key.toString(), "metadata.resourceVersion",
                "stale: you sent " + expectedVersion + " but the stored version is " + existing.version())));
      }
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

  /**
   * Creates or renews the lease of an instance. A renewal that changes nothing about the
   * instance only extends the lease; the revision stays.
   *
   * @return the revision after the call
   */
  long register(Instance instance, Duration ttl, Caller caller) {
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

  /** Ends a lease at once (graceful shutdown of an instance). */
  long deregister(String namespace, String id, Caller caller) {
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
  int expireLeases() {
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

  static ResourceKey keyOf(ParsedResource doc) {
    ResourceKind kind = ResourceKind.ofKind(doc.resource().kind())
        .orElseThrow(() -> new IllegalArgumentException("unknown kind " + doc.resource().kind()));
    return new ResourceKey(kind, doc.resource().metadata().namespace(), doc.resource().metadata().name());
  }

  private static String instanceKey(String namespace, String id) {
    return namespace + "/" + id;
  }
}
