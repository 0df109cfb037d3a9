package io.inboard.server;

import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.ParsedResource;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The live state of the control plane: stored resources, instance leases and the one revision
 * counter that covers both. Every change goes through here; a change is stored durably before it
 * becomes visible, and the revision moves only when something really changed. Readers take the
 * current {@link Published} revision without locking.
 *
 * <p>{@link LocalControlPlane} holds the state of one server (files in a data directory, leases in
 * memory); {@link EtcdControlPlane} shares it between replicas through etcd.
 */
interface ControlPlane extends AutoCloseable {
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

  Published current();

  /** Called, outside any lock, with every new revision. */
  void onPublish(Consumer<Published> listener);

  /**
   * Stores every resource or none. A resource carrying {@code metadata.resourceVersion} is only
   * written when that is its current version.
   *
   * @throws ApiError 409 when a version is stale; nothing is changed then
   * @throws java.io.UncheckedIOException when the store cannot be written; nothing is changed then
   */
  ApplyResult apply(List<ParsedResource> docs, Caller caller);

  /**
   * Deletes one resource; with {@code expectedVersion} only if that is still its version.
   *
   * @throws ApiError 404 when it does not exist, 409 when the version is stale
   */
  long delete(ResourceKey key, String expectedVersion, Caller caller);

  /**
   * Creates or renews the lease of an instance. A renewal that changes nothing about the
   * instance only extends the lease; the revision stays.
   *
   * @return the revision after the call
   */
  long register(Instance instance, Duration ttl, Caller caller);

  /** Ends a lease at once (graceful shutdown of an instance). */
  long deregister(String namespace, String id, Caller caller);

  /** Removes leases that were not renewed in time, where the state itself keeps them. */
  int expireLeases();

  @Override
  void close() throws java.io.IOException;

  static ResourceKey keyOf(ParsedResource doc) {
    ResourceKind kind = ResourceKind.ofKind(doc.resource().kind())
        .orElseThrow(() -> new IllegalArgumentException("unknown kind " + doc.resource().kind()));
    return new ResourceKey(kind, doc.resource().metadata().namespace(), doc.resource().metadata().name());
  }
}
