package io.inboard.agent.runtime;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.filter.RequestSample;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The metric series ({@code reporter="source"}) of this workload's outbound calls: one template per
 * destination host, instance and response flags, built on first use and then found again without
 * allocating or hashing labels. The decision's instance and host come from the snapshot in force and
 * are the same objects call after call, so a small table checked by identity finds them; a miss (a
 * new snapshot, or more destinations than slots) only builds the template again.
 */
final class OutboundSeries {
  private static final int SLOTS = 64; // a power of two
  private static final String[] NO_LABELS = new String[0];

  private record Entry(String host, Instance target, String flags, RequestSample template) {}

  private final Workload self;
  private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);
  /** Host to its dot-separated parts (service name, namespace), split once per host. */
  private final ConcurrentHashMap<String, String[]> hostLabels = new ConcurrentHashMap<>();

  OutboundSeries(Workload self) {
    this.self = self;
  }

  /** The series of a call to {@code host} answered by {@code target} (either may be null). */
  RequestSample of(String host, Instance target, String flags) {
    int slot = (System.identityHashCode(host) * 31 + System.identityHashCode(target) * 17
        + System.identityHashCode(flags)) & (SLOTS - 1);
    Entry e = slots.get(slot);
    if (e != null && e.host() == host && e.target() == target && e.flags() == flags) {
      return e.template();
    }
    RequestSample template = build(host, target, flags);
    slots.set(slot, new Entry(host, target, flags, template));
    return template;
  }

  private RequestSample build(String host, Instance target, String flags) {
    String[] labels = host == null ? NO_LABELS : hostLabels.computeIfAbsent(host, h -> h.split("\\."));
    return new RequestSample(
        "source",
        self.service(),
        self.namespace(),
        self.labels().get("version"),
        target == null ? null : target.service(),
        target == null ? (labels.length > 1 ? labels[1] : null) : target.namespace(),
        host,
        labels.length > 0 ? labels[0] : null,
        labels.length > 1 ? labels[1] : null,
        target == null ? null : target.labels().get("version"),
        "http",
        0,
        flags,
        0);
  }
}
