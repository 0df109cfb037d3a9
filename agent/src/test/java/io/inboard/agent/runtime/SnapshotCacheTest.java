package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCacheTest {
  @TempDir Path dir;

  @Test
  void readsBackWhatWasWrittenLast() throws Exception {
    SnapshotCache cache = new SnapshotCache(dir.resolve("default-user"));
    assertThat(cache.read()).isNull();
    cache.write("{\"revision\":1}".getBytes(StandardCharsets.UTF_8));
    cache.write("{\"revision\":2}".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(cache.read(), StandardCharsets.UTF_8)).isEqualTo("{\"revision\":2}");
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws Exception {
    SnapshotCache cache = new SnapshotCache(dir);
    for (int i = 0; i < 5; i++) {
      cache.write(("{\"revision\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(SnapshotCache.FILE);
    }
  }
}
