package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimistic concurrency: 8 clients each make 200 read-modify-write updates of one resource,
 * carrying the resourceVersion they read. Every accepted update must be based on the version the
 * previous accepted one produced (no lost update), every other one refused with 409, and the
 * final state must be the last accepted write.
 */
class ConcurrencyIT {
  private static final int CLIENTS = 8;
  private static final int UPDATES = 200;
  private static final String PATH = "/v1/namespaces/traffic-management/virtualservices/user-virtual-service";

  @TempDir Path dataDir;

  /** An accepted write: the version it was based on, the version it produced, what it wrote. */
  record Accepted(long base, long produced, String writer) {}

  @Test
  void everyAcceptedUpdateIsKeptAndEveryLoserGets409() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Http http = new Http(server.url());
      assertThat(http.apply(Scenarios.text("10-canary.yaml")).status()).isEqualTo(200);

      ConcurrentLinkedQueue<Accepted> accepted = new ConcurrentLinkedQueue<>();
      AtomicInteger conflicts = new AtomicInteger();
      AtomicInteger unexpected = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        done.add(pool.submit(() -> {
          for (int u = 0; u < UPDATES; u++) {
            Http.Response read = http.get(PATH);
            ObjectNode doc = (ObjectNode) read.json();
            long base = Long.parseLong(doc.get("metadata").get("resourceVersion").asText());
            String writer = "client-" + client + "-update-" + u;
            doc.withObjectProperty("metadata").withObjectProperty("annotations").put("last-writer", writer);
            Http.Response write = http.send("PUT", PATH, doc.toString(), "application/json");
            if (write.status() == 200) {
              long produced = write.json().get("resources").get(0).get("resourceVersion").asLong();
              accepted.add(new Accepted(base, produced, writer));
            } else if (write.status() == 409) {
              conflicts.incrementAndGet();
            } else {
              unexpected.incrementAndGet();
              System.err.println("unexpected answer: " + write);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();

      assertThat(unexpected).hasValue(0);
      assertThat(accepted.size() + conflicts.get()).isEqualTo(CLIENTS * UPDATES);
      assertThat(conflicts.get()).as("with 8 racing clients some writes must lose").isPositive();

      List<Accepted> chain = new ArrayList<>(accepted);
      chain.sort(Comparator.comparingLong(Accepted::produced));
      for (int i = 1; i < chain.size(); i++) {
        assertThat(chain.get(i).base())
            .as("accepted write %s must be based on the previous accepted write %s", chain.get(i), chain.get(i - 1))
            .isEqualTo(chain.get(i - 1).produced());
      }
      Accepted last = chain.get(chain.size() - 1);
      JsonNode finalDoc = http.get(PATH).json();
      assertThat(finalDoc.get("metadata").get("resourceVersion").asText()).isEqualTo(Long.toString(last.produced()));
      assertThat(finalDoc.get("metadata").get("annotations").get("last-writer").asText()).isEqualTo(last.writer());
      System.out.printf("concurrency: %d accepted, %d conflicts (409)%n", chain.size(), conflicts.get());
    }
  }
}
