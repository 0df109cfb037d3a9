package io.inboard.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.propagation.PropagationContext;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The filter reads header names the container's own way when it can, and the servlet API's when not. */
class HeaderNamesTest {
  private static final Set<String> PROPAGATED = Set.of("x-request-id", "x-tenant");

  /** A request with these headers (name to values), counting calls of getHeaderNames. */
  private static HttpServletRequest request(Map<String, List<String>> headers, int[] headerNamesCalls) {
    return (HttpServletRequest) Proxy.newProxyInstance(HeaderNamesTest.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getHeaderNames" -> {
            headerNamesCalls[0]++;
            yield Collections.enumeration(headers.keySet());
          }
          case "getHeaders" -> Collections.enumeration(headers.entrySet().stream()
              .filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
              .flatMap(e -> e.getValue().stream()).toList());
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static Map<String, List<String>> headers() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Host", List.of("user"));
    headers.put("X-Tenant", List.of("acme", "beta"));
    headers.put("X-Request-Id", List.of("r-1"));
    return headers;
  }

  @Test
  void theContainersOwnNamesAreUsedInsteadOfGetHeaderNames() {
    int[] calls = {0};
    List<String> given = new ArrayList<>();
    HeaderNames container = (request, names) -> {
      for (String name : List.of("host", "x-tenant", "X-TENANT", "x-request-id")) { // a name may repeat
        given.add(name);
        names.accept(name);
      }
      return true;
    };

    PropagationContext context = InboardFilter.capture(request(headers(), calls), PROPAGATED, container);

    assertThat(calls[0]).isZero();
    assertThat(given).hasSize(4);
    assertThat(context.values("x-tenant")).containsExactly("acme", "beta"); // captured once, all its values
    assertThat(context.get("x-request-id")).isEqualTo("r-1");
    assertThat(context.headers()).containsOnlyKeys("x-tenant", "x-request-id");
  }

  @Test
  void aRequestTheContainersWayCannotReadIsReadThroughTheServletApi() {
    int[] calls = {0};
    HeaderNames cannot = (request, names) -> false;

    PropagationContext context = InboardFilter.capture(request(headers(), calls), PROPAGATED, cannot);

    assertThat(calls[0]).isEqualTo(1);
    assertThat(context.values("x-tenant")).containsExactly("acme", "beta");
    assertThat(context.get("x-request-id")).isEqualTo("r-1");
  }

  @Test
  void withoutAContainersWayTheServletApiIsUsed() {
    int[] calls = {0};

    PropagationContext context = InboardFilter.capture(request(headers(), calls), PROPAGATED, null);

    assertThat(calls[0]).isEqualTo(1);
    assertThat(context.headers()).containsOnlyKeys("x-tenant", "x-request-id");
  }

  @Test
  void manyPropagatedHeadersInOneRequestAreAllCapturedInTheOrderMet() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    List<String> names = List.of("h1", "h2", "h3", "h4", "h5", "h6", "h7");
    for (String name : names) {
      headers.put(name.toUpperCase(), List.of("v-" + name));
    }
    headers.put("h3", List.of("again")); // the same name in another case: one capture, all values

    PropagationContext context = InboardFilter.capture(request(headers, new int[1]), Set.copyOf(names), null);

    assertThat(context.headers().keySet()).containsExactlyElementsOf(names);
    assertThat(context.values("h3")).containsExactly("v-h3", "again");
    assertThat(context.get("h7")).isEqualTo("v-h7");
  }

  @Test
  void namesGivenBeforeAFailedReadAreNotCapturedTwice() {
    int[] calls = {0};
    HeaderNames failsMidway = (request, names) -> {
      names.accept("X-Tenant");
      return false; // e.g. a container method missing halfway through
    };

    PropagationContext context = InboardFilter.capture(request(headers(), calls), PROPAGATED, failsMidway);

    assertThat(calls[0]).isEqualTo(1);
    assertThat(context.headers().keySet()).containsExactly("x-tenant", "x-request-id");
    assertThat(context.values("x-tenant")).containsExactly("acme", "beta");
  }
}
