package io.inboard.core.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PropagationContextTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  /** Header lookup that, like a servlet request, ignores case. */
  private static PropagationContext.HeaderSource request(Map<String, List<String>> headers) {
    Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    byName.putAll(headers);
    return byName::get;
  }

  @Test
  void captureKeepsOnlyTheNamedHeadersWithAllTheirValues() {
    PropagationContext context =
        PropagationContext.capture(
            Set.of("my-header", "mode", "x-request-id"),
            request(
                Map.of(
                    "My-Header", List.of("alice"),
                    "Mode", List.of("dev", "beta"),
                    "Authorization", List.of("Bearer secret"))));

    assertThat(context.headers()).containsOnlyKeys("my-header", "mode");
    assertThat(context.get("MY-HEADER")).isEqualTo("alice");
    assertThat(context.values("mode")).containsExactly("dev", "beta");
    assertThat(context.get("authorization")).isNull();
  }

  @Test
  void aRequestWithoutAnyPropagatedHeaderCapturesTheEmptyContext() {
    PropagationContext context =
        PropagationContext.capture(Set.of("my-header"), request(Map.of("accept", List.of("*/*"))));
    assertThat(context).isSameAs(PropagationContext.EMPTY);
    assertThat(context.isEmpty()).isTrue();
  }

  @Test
  void currentIsEmptyOutsideAnyRequest() {
    assertThat(PropagationContext.current()).isSameAs(PropagationContext.EMPTY);
  }

  @Test
  void closingAScopeRestoresTheContextBeforeIt() {
    PropagationContext outer = PropagationContext.of(Map.of("mode", List.of("dev")));
    PropagationContext inner = PropagationContext.of(Map.of("mode", List.of("prod")));
    try (Scope a = PropagationContext.attach(outer)) {
      try (Scope b = PropagationContext.attach(inner)) {
        assertThat(PropagationContext.current().get("mode")).isEqualTo("prod");
      }
      assertThat(PropagationContext.current()).isSameAs(outer);
    }
    assertThat(PropagationContext.current()).isSameAs(PropagationContext.EMPTY);
  }

  @Test
  void closingAScopeTwiceRestoresOnlyOnce() {
    PropagationContext outer = PropagationContext.of(Map.of("mode", List.of("dev")));
    PropagationContext inner = PropagationContext.of(Map.of("mode", List.of("prod")));
    try (Scope a = PropagationContext.attach(outer)) {
      Scope b = PropagationContext.attach(inner);
      b.close();
      PropagationContext third = PropagationContext.of(Map.of("mode", List.of("x")));
      try (Scope c = PropagationContext.attach(third)) {
        b.close(); // a stray second close must not clobber the later attach
        assertThat(PropagationContext.current()).isSameAs(third);
      }
    }
  }

  @Test
  void wrappedTaskRunsWithTheSubmittersContextAndLeavesThePoolThreadClean() throws Exception {
    PropagationContext request = PropagationContext.of(Map.of("my-header", List.of("alice")));
    AtomicReference<PropagationContext> seen = new AtomicReference<>();
    try (Scope ignored = PropagationContext.attach(request)) {
      pool.submit(PropagationContext.wrap(() -> seen.set(PropagationContext.current()))).get(10, TimeUnit.SECONDS);
    }
    assertThat(seen.get()).isSameAs(request);
    PropagationContext after = pool.submit(PropagationContext::current).get(10, TimeUnit.SECONDS);
    assertThat(after).isSameAs(PropagationContext.EMPTY);
  }

  @Test
  void aTaskWrappedOutsideARequestDoesNotSeeAContextLeftOnThePoolThread() throws Exception {
    // Simulate a leak: something attached a context on the pool thread and never closed it.
    pool.submit(() -> PropagationContext.attach(PropagationContext.of(Map.of("mode", List.of("dev")))))
        .get(10, TimeUnit.SECONDS);
    PropagationContext seen =
        pool.submit(PropagationContext.wrap(PropagationContext::current)).get(10, TimeUnit.SECONDS);
    assertThat(seen).isSameAs(PropagationContext.EMPTY);
  }

  @Test
  void withSetsOneHeaderAndLeavesTheOriginalUnchanged() {
    PropagationContext base = PropagationContext.of(Map.of("mode", List.of("dev")));
    PropagationContext withId = base.with("X-Request-Id", "abc");
    assertThat(withId.get("x-request-id")).isEqualTo("abc");
    assertThat(withId.get("mode")).isEqualTo("dev");
    assertThat(base.get("x-request-id")).isNull();
  }

  @Test
  void anInstalledStorageIsWhereContextsAreKept() {
    ContextStorage original = PropagationContext.storage();
    AtomicReference<PropagationContext> slot = new AtomicReference<>();
    try {
      PropagationContext.useStorage(
          new ContextStorage() {
            @Override
            public PropagationContext get() {
              return slot.get();
            }

            @Override
            public void set(PropagationContext context) {
              slot.set(context);
            }
          });
      PropagationContext request = PropagationContext.of(Map.of("mode", List.of("dev")));
      try (Scope ignored = PropagationContext.attach(request)) {
        assertThat(slot.get()).isSameAs(request);
      }
      assertThat(slot.get()).isNull();
    } finally {
      PropagationContext.useStorage(original);
    }
  }
}
