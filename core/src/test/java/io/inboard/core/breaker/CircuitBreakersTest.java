package io.inboard.core.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.ConnectionPoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {
  private static final long U = ConnectionPoolSettings.UNLIMITED;
  private static final String HOST = "user.default.svc.cluster.local";

  private final List<Overflow> overflows = new ArrayList<>();
  private final CircuitBreakers breakers = new CircuitBreakers(overflows::add);

  private static LimitedDestination limited(String subset, long maxRequests, long maxRetries) {
    return new LimitedDestination(HOST, subset, new ConnectionPoolSettings(U, null, U, maxRequests, maxRetries));
  }

  @Test
  void aRequestBeyondTheLimitIsTurnedAwayAndTheFirstOverflowIsMarked() {
    breakers.apply(List.of(limited("v1", 2, U)));
    DestinationLimits v1 = breakers.destination(HOST, "v1");
    assertThat(v1.tryStartRequest()).isTrue();
    assertThat(v1.tryStartRequest()).isTrue();
    assertThat(v1.tryStartRequest()).isFalse();
    assertThat(v1.tryStartRequest()).isFalse();
    assertThat(v1.requestsInFlight()).isEqualTo(2);
    assertThat(overflows).containsExactly(
        new Overflow(HOST, "v1", Overflow.Kind.REQUESTS, 2, true),
        new Overflow(HOST, "v1", Overflow.Kind.REQUESTS, 2, false));
    v1.endRequest();
    assertThat(v1.tryStartRequest()).isTrue();
  }

  @Test
  void retriesHaveTheirOwnLimit() {
    breakers.apply(List.of(limited(null, U, 1)));
    DestinationLimits host = breakers.destination(HOST, null);
    assertThat(host.tryStartRetry()).isTrue();
    assertThat(host.tryStartRetry()).isFalse();
    assertThat(host.tryStartRequest()).isTrue();
    host.endRetry();
    assertThat(host.tryStartRetry()).isTrue();
    assertThat(overflows).extracting(Overflow::kind).containsExactly(Overflow.Kind.RETRIES);
  }

  @Test
  void aRetryBudgetAllowsItsShareOfTheRequestsInFlight() {
    ConnectionPoolSettings budget = ConnectionPoolSettings.NONE.withRetryBudget(new io.inboard.core.model.RetryBudget(50, 1));
    breakers.apply(List.of(new LimitedDestination(HOST, null, budget)));
    DestinationLimits host = breakers.destination(HOST, null);
    assertThat(host.tryStartRetry()).as("the floor: 1").isTrue();
    assertThat(host.tryStartRetry()).isFalse();
    for (int i = 0; i < 4; i++) {
      assertThat(host.tryStartRequest()).isTrue();
    }
    assertThat(host.tryStartRetry()).as("half of 4 requests in flight").isTrue();
    assertThat(host.tryStartRetry()).isFalse();
    assertThat(overflows).extracting(Overflow::limit).containsExactly(1L, 2L);
  }

  @Test
  void destinationsWithoutAConnectionPoolAreNotTracked() {
    breakers.apply(List.of(limited("v1", 1, U)));
    assertThat(breakers.destination(HOST, null)).isNull();
    assertThat(breakers.destination(HOST, "v2")).isNull();
    assertThat(breakers.destination("other", "v1")).isNull();
  }

  @Test
  void countsInFlightSurviveARulesChangeAndTakeTheNewLimits() {
    breakers.apply(List.of(limited("v1", 1, U)));
    DestinationLimits v1 = breakers.destination(HOST, "v1");
    assertThat(v1.tryStartRequest()).isTrue();
    breakers.apply(List.of(new LimitedDestination(HOST, "v1",
        new ConnectionPoolSettings(U, Duration.ofSeconds(1), U, 2, U))));
    assertThat(breakers.destination(HOST, "v1")).isSameAs(v1);
    assertThat(v1.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(v1.tryStartRequest()).isTrue();
    assertThat(v1.tryStartRequest()).isFalse();
    breakers.apply(List.of());
    assertThat(breakers.destination(HOST, "v1")).isNull();
  }

  @Test
  void manyThreadsNeverHaveMoreInFlightThanTheLimit() throws Exception {
    breakers.apply(List.of(limited(null, 3, U)));
    DestinationLimits host = breakers.destination(HOST, null);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < 8; t++) {
      pool.execute(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 20_000; i++) {
          if (host.tryStartRequest()) {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            inside.decrementAndGet();
            host.endRequest();
          }
        }
      });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(most.get()).isBetween(1, 3);
    assertThat(host.requestsInFlight()).isZero();
  }
}
