package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Workload;
import io.inboard.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One router shared by many threads, as in the agent and the gateway: decisions stay correct while
 * round-robin cursors and remembered regex verdicts are updated concurrently.
 */
class ConcurrentRoutingTest {
  private static final Workload FRONTEND = new Workload("traffic-management", "frontend", Map.of());

  @Test
  void aSharedRouterDecidesCorrectlyFromManyThreads() throws Exception {
    Snapshot s = Fixtures.snapshot("conformance/instances.yaml", "conformance/match-kinds.yaml",
        "conformance/hashing.yaml");
    Router router = new Router(s);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          int checked = 0;
          for (int i = 0; i < 2_000; i++) {
            boolean even = (i + thread) % 2 == 0;
            // Distinct values keep the regex verdict memory churning across threads.
            String value = even ? "v" + (i % 300) + "." + thread : "w" + i;
            Decision d = router.route(DescribedRequest.of("GET", "http://user/").withHeader("x-regex", value)
                .from(FRONTEND));
            assertThat(d.matched().ruleName()).isEqualTo(even ? "header-regex" : "fallback");
            Decision rr = router.route(DescribedRequest.of("GET", "http://cart.shop/rr").from(FRONTEND));
            assertThat(rr.instance().id()).startsWith("cart-");
            checked++;
          }
          return checked;
        }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get(2, TimeUnit.MINUTES)).isEqualTo(2_000);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
