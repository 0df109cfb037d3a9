package io.inboard.server;

import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.ParsedResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The control plane shared by replicas through etcd. Reads are served from this replica's
 * {@link EtcdMirror}; a write is decided against the mirror's view ({@link ApplyPlan}) and stored
 * as one etcd transaction that also moves the revision key, on condition that the revision key is
 * still where the view saw it. So two replicas writing at once cannot both win: the loser's
 * transaction does nothing, the loser waits until its mirror has the winner's change and decides
 * again — a stale {@code resourceVersion} is then a 409, any other write goes through. The writer
 * answers once its own mirror shows the change, so a client reads its writes from the same replica.
 *
 * <p>Instances are keys on etcd leases: a heartbeat renews the lease (no write), etcd deletes the
 * key when the lease runs out, and whichever replica sees that first moves the revision for it.
 */
final class EtcdControlPlane implements ControlPlane {
  private static final System.Logger LOG = System.getLogger("io.inboard.server.changes");
  /** How long a writer waits for its mirror to see a change (its own, or the one it lost to). */
  private static final Duration CATCH_UP = Duration.ofSeconds(5);
  /** Writers racing through other replicas; past this many lost races the write answers 503. */
  private static final int ATTEMPTS = 50;

  private final EtcdGateway gateway;
  private final EtcdMirror mirror;
  private final EtcdKeys keys;
  private final EtcdWatchLoop watch;
  private final ExecutorService recorder = Executors.newSingleThreadExecutor(WatchHub.daemon("inboard-etcd-recorder"));
  private final AtomicBoolean recordPending = new AtomicBoolean();
  /** One write of this replica at a time: they would only lose races to each other. */
  private final Object writes = new Object();

  private EtcdControlPlane(EtcdGateway gateway, EtcdMirror mirror) {
    this.gateway = gateway;
    this.mirror = mirror;
    this.keys = mirror.keys();
    this.watch = new EtcdWatchLoop(gateway, mirror, this::recordIfNeeded);
  }

  /**
   * Reads the state from etcd and starts watching it.
   *
   * @throws IOException when etcd cannot be reached or holds a state that does not load
   */
  static EtcdControlPlane connect(EtcdOptions options) throws IOException {
    EtcdGateway gateway = new EtcdGateway(options);
    EtcdGateway.Range range;
    try {
      gateway.authenticate();
      range = gateway.range(options.prefix());
    } catch (IOException e) {
      // A refused password or a failed handshake already says what to correct.
      if (e instanceof EtcdToken.Refused || e instanceof EtcdGateway.Unreachable u && u.tls) {
        throw e;
      }
      throw new IOException(e.getMessage() + "; start etcd or correct --etcd-endpoints", e);
    }
    EtcdControlPlane plane = new EtcdControlPlane(gateway, new EtcdMirror(new EtcdKeys(options.prefix()), range));
    plane.watch.start();
    plane.recordIfNeeded();
    return plane;
  }

  @Override
  public Published current() {
    return mirror.current();
  }

  @Override
  public void onPublish(Consumer<Published> listener) {
    mirror.onPublish(listener);
  }

  @Override
  public ApplyResult apply(List<ParsedResource> docs, Caller caller) {
    synchronized (writes) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        EtcdMirror.View v = mirror.view();
        long next = v.revision() + 1;
        ApplyPlan plan;
        try {
          plan = ApplyPlan.of(v.resources(), docs, next);
        } catch (ApiError conflict) {
          // A 409 decided on a mirror that is behind is not final: decide again on the current state.
          if (isCurrent(v)) {
            throw conflict;
          }
          continue;
        }
        if (plan.changed().isEmpty()) {
          if (isCurrent(v)) {
            return new ApplyResult(v.revision(), plan.outcomes());
          }
          continue;
        }
        List<EtcdGateway.Op> ops = new ArrayList<>();
        for (StoredResource r : plan.changed()) {
          ops.add(new EtcdGateway.Op.Put(keys.resource(r.key()), r.document().toString().getBytes(StandardCharsets.UTF_8), 0));
        }
        if (commit(v, ops, true)) {
          plan.log(LOG, caller, next);
          return new ApplyResult(next, plan.outcomes());
        }
      }
    }
    throw tooBusy();
  }

  @Override
  public long delete(ResourceKey key, String expectedVersion, Caller caller) {
    synchronized (writes) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        EtcdMirror.View v = mirror.view();
        try {
          ApplyPlan.deletion(v.resources(), key, expectedVersion);
        } catch (ApiError refused) {
          if (isCurrent(v)) {
            throw refused;
          }
          continue;
        }
        if (commit(v, List.of(new EtcdGateway.Op.Delete(keys.resource(key))), true)) {
          long rev = v.revision() + 1;
          LOG.log(System.Logger.Level.INFO, "{0} deleted {1} revision={2}", caller.kind(), key, rev);
          return rev;
        }
      }
    }
    throw tooBusy();
  }

  @Override
  public long register(Instance instance, Duration ttl, Caller caller) {
    String name = instance.namespace() + "/" + instance.id();
    int ttlSeconds = (int) ttl.toSeconds();
    EtcdMirror.View seen = mirror.view();
    EtcdMirror.Registered known = seen.instances().get(name);
    if (known != null && known.instance().equals(instance) && known.ttlSeconds() == ttlSeconds
        && keepAlive(known.lease())) {
      return seen.revision(); // a heartbeat: the lease is renewed, nothing else changes
    }
    synchronized (writes) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        EtcdMirror.View v = mirror.view();
        EtcdMirror.Registered old = v.instances().get(name);
        // Same instance on a new lease (its lease ran out, or the ttl changed): no change watchers see.
        boolean changes = old == null || !old.instance().equals(instance);
        long lease = call(() -> gateway.grantLease(ttlSeconds));
        EtcdGateway.Op put = new EtcdGateway.Op.Put(keys.instance(instance.namespace(), instance.id()),
            EtcdMirror.instanceValue(instance, ttlSeconds), lease);
        boolean committed;
        try {
          committed = commit(v, List.of(put), changes);
        } catch (RuntimeException e) {
          revokeQuietly(lease);
          throw e;
        }
        if (!committed) {
          revokeQuietly(lease);
          continue;
        }
        if (old != null && old.lease() != lease) {
          revokeQuietly(old.lease()); // its key lives on the new lease now
        }
        if (!changes) {
          return v.revision();
        }
        long rev = v.revision() + 1;
        LOG.log(System.Logger.Level.INFO, "{0} {1} instance {2}/{3} ({4} {5}:{6}) revision={7}", caller.kind(),
            old == null ? "registered" : "updated", instance.namespace(), instance.id(), instance.service(),
            instance.address(), Integer.toString(instance.port()), rev);
        return rev;
      }
    }
    throw tooBusy();
  }

  @Override
  public long deregister(String namespace, String id, Caller caller) {
    String name = namespace + "/" + id;
    synchronized (writes) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        EtcdMirror.View v = mirror.view();
        EtcdMirror.Registered old = v.instances().get(name);
        if (old == null) {
          if (isCurrent(v)) {
            throw ApiError.notFound("instance " + name + " not found (lease expired or never registered)");
          }
          continue;
        }
        if (commit(v, List.of(new EtcdGateway.Op.Delete(keys.instance(namespace, id))), true)) {
          revokeQuietly(old.lease());
          long rev = v.revision() + 1;
          LOG.log(System.Logger.Level.INFO, "{0} deregistered instance {1}/{2} revision={3}", caller.kind(),
              namespace, id, rev);
          return rev;
        }
      }
    }
    throw tooBusy();
  }

  /** etcd expires the leases itself; this only retries moving the revision for an expiry if that failed. */
  @Override
  public int expireLeases() {
    recordIfNeeded();
    return 0;
  }

  /**
   * Stores {@code ops} (and, with {@code moveRevision}, the next revision) in one transaction,
   * provided the revision key is still where {@code v} saw it. On success, waits until the mirror
   * shows the change; when another writer came first, waits until the mirror shows theirs.
   *
   * @return false when another writer came first; nothing was stored then
   */
  private boolean commit(EtcdMirror.View v, List<EtcdGateway.Op> ops, boolean moveRevision) {
    List<EtcdGateway.Op> all = new ArrayList<>(ops);
    if (moveRevision) {
      all.add(new EtcdGateway.Op.Put(keys.revision(),
          Long.toString(v.revision() + 1).getBytes(StandardCharsets.US_ASCII), 0));
    }
    EtcdGateway.TxnResult result = call(() -> gateway.txnIfModRevision(keys.revision(), v.revisionKeyModRevision(), all));
    if (result.succeeded()) {
      if (!mirror.await(result.revision(), -1, CATCH_UP)) {
        LOG.log(System.Logger.Level.WARNING, "stored at etcd revision " + result.revision() + " but this replica's"
            + " watch has not shown it yet; reads here may lag");
      }
      return true;
    }
    catchUp(v, result);
    return false;
  }

  /** True when the revision key in etcd is still where {@code v} saw it; else waits for the mirror to move on. */
  private boolean isCurrent(EtcdMirror.View v) {
    EtcdGateway.TxnResult result = call(() -> gateway.txnIfModRevision(keys.revision(), v.revisionKeyModRevision(),
        List.of()));
    if (result.succeeded()) {
      return true;
    }
    catchUp(v, result);
    return false;
  }

  private void catchUp(EtcdMirror.View v, EtcdGateway.TxnResult lost) {
    long target = lost.current() != null ? lost.current().modRevision() : lost.revision();
    if (!mirror.await(target, v.revisionKeyModRevision(), CATCH_UP)) {
      throw new UncheckedIOException(new IOException("this replica's etcd watch is behind (it has revision "
          + mirror.appliedRevision() + ", etcd " + target + "); try again"));
    }
  }

  /**
   * Moves the revision for a change etcd made by itself (an expired lease), once; every replica
   * tries, one transaction wins and the others find the revision key moved.
   */
  private void recordIfNeeded() {
    if (!mirror.unrecordedChange() || !recordPending.compareAndSet(false, true)) {
      return;
    }
    try {
      recorder.execute(() -> {
        recordPending.set(false);
        EtcdMirror.View v = mirror.view();
        if (!mirror.unrecordedChange()) {
          return;
        }
        try {
          EtcdGateway.TxnResult r = gateway.txnIfModRevision(keys.revision(), v.revisionKeyModRevision(),
              List.of(new EtcdGateway.Op.Put(keys.revision(),
                  Long.toString(v.revision() + 1).getBytes(StandardCharsets.US_ASCII), 0)));
          if (r.succeeded()) {
            LOG.log(System.Logger.Level.INFO, "instance leases expired or etcd changed by itself; revision={0}",
                v.revision() + 1);
          }
        } catch (IOException e) {
          // The reaper asks again every second.
          LOG.log(System.Logger.Level.WARNING, "cannot move the revision for a change etcd made: " + e.getMessage());
        }
      });
    } catch (RejectedExecutionException closing) {
      recordPending.set(false);
    }
  }

  private boolean keepAlive(long lease) {
    return call(() -> gateway.keepAlive(lease)) > 0;
  }

  private void revokeQuietly(long lease) {
    try {
      gateway.revokeLease(lease);
    } catch (IOException e) {
      // The lease runs out by itself; only its ttl is lost.
      LOG.log(System.Logger.Level.DEBUG, "cannot revoke lease " + lease + ": " + e.getMessage());
    }
  }

  private interface EtcdCall<T> {
    T call() throws IOException;
  }

  private static <T> T call(EtcdCall<T> c) {
    try {
      return c.call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static UncheckedIOException tooBusy() {
    return new UncheckedIOException(new IOException("the state kept changing through other replicas during "
        + ATTEMPTS + " attempts; try again"));
  }

  @Override
  public void close() {
    watch.close();
    recorder.shutdownNow();
  }
}
