package io.inboard.gateway;

/** Picks the gateway's {@link SnapshotSource} from its settings. */
final class SnapshotSources {
  private SnapshotSources() {}

  static SnapshotSource from(GatewaySettings settings) {
    if (settings.config() != null) {
      return new StandaloneConfig(settings.config(), 1000);
    }
    return new SnapshotWatcher(settings.server(), settings.token());
  }
}
