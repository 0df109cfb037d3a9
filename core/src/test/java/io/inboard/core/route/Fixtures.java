package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.snapshot.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Snapshots from test resources, parsed and validated the way users' files are. */
final class Fixtures {
  private Fixtures() {}

  static String text(String resource) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/" + resource)) {
      assertThat(in).as("test resource %s", resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses YAML that must be valid (warnings allowed). */
  static ParseResult parse(String yaml) {
    ParseResult parsed = ResourceParser.parse(yaml);
    assertThat(parsed.diagnostics().stream().filter(d -> d.isError()).toList()).as("errors").isEmpty();
    return parsed;
  }

  static Snapshot snapshot(String instancesResource, String... resources) {
    List<io.inboard.core.parse.ParsedResource> all = new ArrayList<>();
    for (String r : resources) {
      all.addAll(parse(text(r)).resources());
    }
    List<Instance> instances = instancesResource == null ? List.of() : InstancesFile.parse(text(instancesResource));
    return Snapshot.compile(1, all, instances);
  }

  /** {@code n} instances of {@code user} in {@code default}, {@code user-0} on port 8000 and on. */
  static List<Instance> users(int n) {
    List<Instance> all = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(new Instance("user-" + i, "user", "default", "127.0.0.1", 8000 + i, java.util.Map.of()));
    }
    return all;
  }

  static Snapshot snapshotOf(String yaml, List<Instance> instances) {
    return Snapshot.compile(1, parse(yaml).resources(), instances);
  }
}
