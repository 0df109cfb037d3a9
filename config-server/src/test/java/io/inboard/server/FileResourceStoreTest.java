package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileResourceStoreTest {
  @TempDir Path dir;

  private static ObjectNode doc(String name) {
    ObjectNode n = new ObjectMapper().createObjectNode();
    n.put("kind", "VirtualService").putObject("metadata").put("name", name).put("resourceVersion", "1");
    return n;
  }

  @Test
  void aCommittedStateLoadsBackWithItsRevision() throws IOException {
    try (FileResourceStore store = new FileResourceStore(dir)) {
      assertThat(store.load()).isEqualTo(new StoredState(0, List.of()));
      store.commit(new StoredState(3, List.of(doc("a"), doc("b"))));
    }
    try (FileResourceStore store = new FileResourceStore(dir)) {
      StoredState loaded = store.load();
      assertThat(loaded.revision()).isEqualTo(3);
      assertThat(loaded.documents()).containsExactly(doc("a"), doc("b"));
    }
  }

  @Test
  void aRevisionMovedByLeasesIsKeptAcrossRestarts() throws IOException {
    try (FileResourceStore store = new FileResourceStore(dir)) {
      store.commit(new StoredState(3, List.of(doc("a"))));
      store.recordRevision(9);
    }
    try (FileResourceStore store = new FileResourceStore(dir)) {
      assertThat(store.load().revision()).isEqualTo(9);
      store.commit(new StoredState(10, List.of()));
      assertThat(store.load().revision()).isEqualTo(10);
    }
  }

  @Test
  void noTemporaryFileIsLeftAndLeftoversOfACrashAreRemoved() throws IOException {
    try (FileResourceStore store = new FileResourceStore(dir)) {
      store.commit(new StoredState(1, List.of(doc("a"))));
    }
    assertThat(names()).containsExactlyInAnyOrder("state.json", "lock");
    Files.writeString(dir.resolve(".tmp-state.json-123"), "{\"revision\": 2, \"resou");
    try (FileResourceStore store = new FileResourceStore(dir)) {
      assertThat(store.load().revision()).isEqualTo(1);
    }
    assertThat(names()).containsExactlyInAnyOrder("state.json", "lock");
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefused() throws IOException {
    try (FileResourceStore store = new FileResourceStore(dir)) {
      assertThatThrownBy(() -> new FileResourceStore(dir))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use by another config server");
    }
  }

  @Test
  void aDamagedStateFileIsReportedNotSkipped() throws IOException {
    Files.writeString(dir.resolve("state.json"), "{\"revision\": 4, \"resources\": [");
    try (FileResourceStore store = new FileResourceStore(dir)) {
      assertThatThrownBy(store::load).isInstanceOf(IOException.class).hasMessageContaining("state.json");
    }
    Files.writeString(dir.resolve("state.json"), "[]");
    try (FileResourceStore store = new FileResourceStore(dir)) {
      assertThatThrownBy(store::load).hasMessageContaining("not a config server state file");
    }
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
