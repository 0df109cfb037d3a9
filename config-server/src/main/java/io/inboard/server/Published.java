package io.inboard.server;

import io.inboard.core.controlplane.SnapshotWire;
import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.snapshot.Snapshot;
import java.util.List;

/**
 * One revision of the whole state as watchers see it: the stored documents and live instances.
 * Immutable; its wire form is encoded on first use, once, and shared by every watcher woken for
 * it; its compiled {@link Snapshot} (for explain) is also built on first use.
 */
final class Published {
  private final long revision;
  private final List<StoredResource> resources;
  private final List<Instance> instances;
  private volatile byte[] wire;
  private volatile byte[] gzippedWire;
  private volatile Snapshot snapshot;

  Published(long revision, List<StoredResource> resources, List<Instance> instances) {
    this.revision = revision;
    this.resources = List.copyOf(resources);
    this.instances = List.copyOf(instances);
  }

  long revision() {
    return revision;
  }

  List<StoredResource> resources() {
    return resources;
  }

  List<Instance> instances() {
    return instances;
  }

  List<ParsedResource> parsedResources() {
    return resources.stream().map(StoredResource::parsed).toList();
  }

  /** {@code {"revision": N, "resources": [...], "instances": [...]}}, as served by /v1/snapshot. */
  byte[] wire() {
    byte[] w = wire;
    if (w == null) {
      synchronized (this) {
        w = wire;
        if (w == null) {
          w = encode();
          wire = w;
        }
      }
    }
    return w;
  }

  /** {@link #wire()} gzip'd, for watchers that send {@code Accept-Encoding: gzip}. */
  byte[] gzippedWire() {
    byte[] g = gzippedWire;
    if (g == null) {
      synchronized (this) {
        g = gzippedWire;
        if (g == null) {
          g = ContentCoding.gzip(wire());
          gzippedWire = g;
        }
      }
    }
    return g;
  }

  Snapshot snapshot() {
    Snapshot s = snapshot;
    if (s == null) {
      synchronized (this) {
        s = snapshot;
        if (s == null) {
          s = MeshCore.compile(revision, parsedResources(), instances);
          snapshot = s;
        }
      }
    }
    return s;
  }

  private byte[] encode() {
    return SnapshotWire.encode(new SnapshotWire.Content(revision,
        resources.stream().map(StoredResource::document).toList(), instances));
  }

}
