package io.inboard.filter;

import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Consumer;

/**
 * A container's own way to list a request's header names, for the filter to find the propagated
 * ones among them. The servlet API's {@code getHeaderNames()} is the portable way, and the filter
 * falls back on it; but Jetty 12 builds a new collection of the names on every call (a tree map, an
 * enum set and lists: some hundreds of bytes on every request), where walking its header fields
 * allocates nothing.
 */
public interface HeaderNames {
  /**
   * Gives {@code names} the name of each of the request's header fields, in order (a name that
   * occurs twice may be given twice), and answers true; or answers false when this way cannot read
   * {@code request} (another container's, or a wrapper). After false the filter reads the names
   * through the servlet API; it counts each name once, so names given before false do no harm.
   */
  boolean each(HttpServletRequest request, Consumer<String> names);
}
