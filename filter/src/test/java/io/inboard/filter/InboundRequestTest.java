package io.inboard.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inboard.core.propagation.PropagationContext;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The request the application sees: a generated x-request-id among its header names and values. */
class InboundRequestTest {
  private static HttpServletRequest containerRequest(List<String> names) {
    return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getHeaderNames" -> Collections.enumeration(names);
          case "getHeader" -> "value of " + args[0];
          default -> null;
        });
  }

  private static InboundRequest wrapped(List<String> names, String generatedId) {
    return new InboundRequest(
        containerRequest(names), new InboundExchange(PropagationContext.EMPTY, generatedId, 0, null, null));
  }

  @Test
  void aGeneratedRequestIdIsListedAfterTheContainersNames() {
    InboundRequest request = wrapped(List.of("Host", "Accept"), "abc");
    assertThat(Collections.list(request.getHeaderNames())).containsExactly("Host", "Accept", "x-request-id");
    assertThat(request.getHeader("X-Request-Id")).isEqualTo("abc");
    assertThat(Collections.list(request.getHeaders("x-request-id"))).containsExactly("abc");
    assertThat(request.getHeader("Host")).isEqualTo("value of Host");
  }

  @Test
  void theNamesEnumerationEndsLikeAnyOther() {
    Enumeration<String> names = wrapped(List.of(), "abc").getHeaderNames();
    assertThat(names.hasMoreElements()).isTrue();
    assertThat(names.nextElement()).isEqualTo("x-request-id");
    assertThat(names.hasMoreElements()).isFalse();
    assertThatThrownBy(names::nextElement).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void withoutAGeneratedIdTheContainersNamesAreUnchanged() {
    assertThat(Collections.list(wrapped(List.of("Host"), null).getHeaderNames())).containsExactly("Host");
  }
}
