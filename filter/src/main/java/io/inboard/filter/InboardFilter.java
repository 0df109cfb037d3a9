package io.inboard.filter;

import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.propagation.RequestId;
import io.inboard.core.propagation.Scope;
import io.inboard.core.propagation.TraceHeaders;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The inbound side of Inboard: for each request it attaches a clean {@link PropagationContext} made
 * of the request's propagated headers, so outbound calls made while handling it carry them on;
 * detaches it when the request's thread leaves; and records one {@code reporter="destination"}
 * measurement when the request completes (for an async request, when the container completes it).
 *
 * <p>Only the outermost {@code REQUEST} dispatch acts: forwards and includes, and a second copy of
 * the filter, see the request attribute {@link #EXCHANGE_ATTRIBUTE} and pass the request on. An
 * {@code ASYNC} dispatch, and an {@code ERROR} dispatch (an error page) of a request that went
 * async or ended with a status of 400 or more, re-attaches the request's context and passes the
 * request on wrapped as on its first dispatch, without measuring again.
 *
 * <p>No routing happens here: routing decides outbound calls. Any failure inside the filter leaves
 * the request as it arrived.
 */
public final class InboardFilter implements Filter {
  /** Marks a request the filter already handles; its value is the request's exchange. */
  public static final String EXCHANGE_ATTRIBUTE = "io.inboard.filter.exchange";

  private volatile FilterSettings settings;
  private final boolean configured;
  /** The container's own way to list header names, or null for the servlet API's. */
  private final HeaderNames headerNames;

  /** For web.xml and {@code addFilter(name, Class)}: settings come from the init-parameters. */
  public InboardFilter() {
    this.configured = false;
    this.headerNames = null;
  }

  /** With settings given in code (the agent, or an application); init-parameters are then ignored. */
  public InboardFilter(FilterSettings settings) {
    this(settings, null);
  }

  /**
   * With settings given in code, reading header names the container's own way where {@code headerNames}
   * can (see {@link HeaderNames}), else through the servlet API.
   */
  public InboardFilter(FilterSettings settings, HeaderNames headerNames) {
    this.settings = settings;
    this.configured = true;
    this.headerNames = headerNames;
  }

  @Override
  public void init(FilterConfig config) throws ServletException {
    if (configured) {
      return;
    }
    Map<String, String> params = new HashMap<>();
    for (String name : Collections.list(config.getInitParameterNames())) {
      params.put(name, config.getInitParameter(name));
    }
    try {
      settings = FilterSettings.fromInitParameters(params);
    } catch (IllegalArgumentException e) {
      throw new ServletException("InboardFilter '" + config.getFilterName() + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    DispatcherType dispatch = request.getDispatcherType();
    // The container's own request on its first dispatch carries no exchange: only a wrapper (an outer
    // copy of this filter, answering for it) or an async start puts one in reach. Skipping the look-up
    // there spares every request a walk through the container's attribute layers.
    Object mark =
        dispatch == DispatcherType.REQUEST && !(request instanceof ServletRequestWrapper)
            ? null
            : request.getAttribute(EXCHANGE_ATTRIBUTE);
    if (mark != null) {
      if ((dispatch == DispatcherType.ASYNC || dispatch == DispatcherType.ERROR)
          && mark instanceof InboundExchange exchange) {
        // The request comes back after its first dispatch: an async dispatch, or an error page. The
        // container passes its own request again (or the one async was started with), so it is
        // wrapped again: the application sees the same request as on the first dispatch (generated
        // x-request-id, AsyncContext.start with the context), and a forward finds the exchange.
        ServletRequest passed =
            request instanceof HttpServletRequest http && !(request instanceof InboundRequest)
                ? new InboundRequest(http, exchange)
                : request;
        try (Scope ignored = PropagationContext.attach(exchange.context)) {
          chain.doFilter(passed, response);
        }
      } else {
        chain.doFilter(request, response);
      }
      return;
    }
    if (dispatch != DispatcherType.REQUEST
        || !(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse httpResponse)) {
      chain.doFilter(request, response);
      return;
    }

    long start = System.nanoTime();
    FilterSettings current = settings == null ? new FilterSettings(null, null, null, true, null) : settings;
    InboundExchange exchange;
    InboundRequest wrapped;
    try {
      PropagationContext context = capture(http, current.propagatedHeaders().get(), headerNames);
      String generatedId = null;
      if (current.generateRequestId() && context.get(TraceHeaders.REQUEST_ID) == null) {
        generatedId = RequestId.generate();
        context = context.with(TraceHeaders.REQUEST_ID, generatedId);
      }
      exchange = new InboundExchange(context, generatedId, start, current, httpResponse);
      // Filters and forwards further in find the exchange through the wrapper; the container's
      // request gets it only if the request goes async or ends in an error (see below).
      wrapped = new InboundRequest(http, exchange);
    } catch (RuntimeException | LinkageError e) {
      current.failures().accept("filter.capture", e);
      chain.doFilter(request, response);
      return;
    }

    Throwable thrown = null;
    try (Scope ignored = PropagationContext.attach(exchange.context)) {
      chain.doFilter(wrapped, response);
    } catch (Throwable e) {
      thrown = e;
      throw e;
    } finally {
      if (http.isAsyncStarted()) {
        // An async dispatch comes back with the container's request, and only after this dispatch
        // has returned (the servlet spec defers it): it finds the exchange there, however async was
        // started, through the wrapper or past it.
        keepExchange(http, exchange, current);
        exchange.completeWith(http.getAsyncContext());
      } else {
        // An exception on its way out becomes the status the container answers it with, unless the
        // response was already sent.
        int status =
            thrown == null || httpResponse.isCommitted() ? httpResponse.getStatus() : statusFor(thrown);
        if (status >= 400) {
          // An error page may follow (after sendError, or for the exception), as an ERROR dispatch
          // of the container's request once this one has returned: it finds the exchange there.
          keepExchange(http, exchange, current);
        }
        exchange.finish(status);
      }
    }
  }

  private static void keepExchange(HttpServletRequest http, InboundExchange exchange, FilterSettings settings) {
    try {
      http.setAttribute(EXCHANGE_ATTRIBUTE, exchange);
    } catch (RuntimeException e) {
      settings.failures().accept("filter.dispatch", e);
    }
  }

  /** The interface of Jetty 12's exceptions that carry the status Jetty answers them with. */
  private static final String JETTY_HTTP_EXCEPTION = "org.eclipse.jetty.http.HttpException";

  /** Per exception type, its {@code int getCode()} when it is a Jetty {@code HttpException}, else null. */
  private static final ClassValue<java.lang.reflect.Method> STATUS_CODE =
      new ClassValue<>() {
        @Override
        protected java.lang.reflect.Method computeValue(Class<?> type) {
          for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
              if (i.getName().equals(JETTY_HTTP_EXCEPTION)) {
                try {
                  return i.getMethod("getCode");
                } catch (NoSuchMethodException | RuntimeException e) {
                  return null;
                }
              }
            }
          }
          return null;
        }
      };

  /**
   * The status the container sends for {@code thrown} escaping the application: for a servlet's
   * {@code UnavailableException} 404 or 503, as the servlet spec says; else the code of the first
   * Jetty {@code HttpException} in its causes (Jetty's {@code BadMessageException}, for instance a
   * form over the size limit, is answered with its code, 400), found by name so the filter needs no
   * Jetty; else 500.
   */
  static int statusFor(Throwable thrown) {
    if (thrown instanceof jakarta.servlet.UnavailableException unavailable) {
      // The servlet spec's answer, and Tomcat's: 404 when the servlet is gone for good, else 503.
      return unavailable.isPermanent() ? 404 : 503;
    }
    Throwable t = thrown;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      java.lang.reflect.Method getCode = STATUS_CODE.get(t.getClass());
      if (getCode != null) {
        try {
          if (getCode.invoke(t) instanceof Integer code && code >= 400 && code <= 599) {
            return code;
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          // not a status after all
        }
        return 500;
      }
    }
    return 500;
  }

  /**
   * The propagated headers {@code request} carries. Walks the request's few header names once and
   * looks each up among the propagated names, rather than asking the container for each of the
   * dozen propagated names, most of them absent, with a case-insensitive scan of the headers each
   * time.
   */
  static PropagationContext capture(HttpServletRequest request, Set<String> propagated, HeaderNames headerNames) {
    Found found = new Found(Listed.of(propagated));
    if (headerNames == null || !headerNames.each(request, found)) {
      for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
        found.accept(names.nextElement());
      }
    }
    return found.count == 0
        ? PropagationContext.EMPTY
        : PropagationContext.capture(found.names(), name -> values(request.getHeaders(name)));
  }

  /**
   * The propagated names found among a request's header names, each once, in the order met. A
   * request carries a few of them at most, so a short array searched by identity (the names are the
   * listed set's own strings) replaces a hash set per request.
   */
  private static final class Found implements Consumer<String> {
    private final Listed listed;
    private String[] present;
    private int count;

    Found(Listed listed) {
      this.listed = listed;
    }

    @Override
    public void accept(String name) {
      String lower = listed.find(name);
      if (lower == null) {
        return;
      }
      for (int i = 0; i < count; i++) {
        if (present[i] == lower) {
          return; // a name listed twice in different cases is captured once, all its values
        }
      }
      if (present == null) {
        present = new String[4];
      } else if (count == present.length) {
        present = Arrays.copyOf(present, count * 2);
      }
      present[count++] = lower;
    }

    List<String> names() {
      return Arrays.asList(present).subList(0, count);
    }
  }

  /**
   * A header's values as an immutable list, which the context keeps as it is: usually one value, so
   * no growable list is filled only to be copied.
   */
  static List<String> values(Enumeration<String> values) {
    if (values == null || !values.hasMoreElements()) {
      return List.of();
    }
    String first = values.nextElement();
    if (!values.hasMoreElements()) {
      return List.of(first);
    }
    List<String> all = new ArrayList<>();
    all.add(first);
    while (values.hasMoreElements()) {
      all.add(values.nextElement());
    }
    return List.copyOf(all);
  }

  /**
   * The propagated names in a small hash table keyed ignoring ASCII case, kept for as long as the
   * set is the same object (the set in force changes only with the snapshot). Matching a request's
   * header names then allocates nothing (no lower-cased copy of "Host", "User-Agent"...) and
   * compares characters only on a hash match: scanning the dozen names with
   * {@code equalsIgnoreCase} was the filter's largest single cost in a profile, most of it spent
   * on names of the same length ("x-request-id" against "x-b3-traceid").
   */
  static final class Listed {
    private static volatile Listed last;

    private final Set<String> source;
    private final String[] names;
    private final int[] hashes;
    private final int mask;

    private Listed(Set<String> source) {
      this.source = source;
      int size = Integer.highestOneBit(Math.max(4, source.size() * 3)) << 1; // at most a third full
      this.names = new String[size];
      this.hashes = new int[size];
      this.mask = size - 1;
      for (String name : source) {
        int hash = hashIgnoringCase(name);
        int slot = hash & mask;
        while (names[slot] != null) {
          slot = (slot + 1) & mask;
        }
        names[slot] = name;
        hashes[slot] = hash;
      }
    }

    static Listed of(Set<String> propagated) {
      Listed l = last;
      if (l == null || l.source != propagated) {
        l = new Listed(propagated);
        last = l;
      }
      return l;
    }

    /** The listed (lower-case) name equal to {@code name} ignoring case, or {@code null}. */
    String find(String name) {
      int hash = hashIgnoringCase(name);
      for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
        String candidate = names[slot];
        if (candidate == null) {
          return null;
        }
        if (hashes[slot] == hash && candidate.equalsIgnoreCase(name)) {
          return candidate;
        }
      }
    }

    /** Header names are ASCII tokens: only A-Z need folding. */
    static int hashIgnoringCase(String name) {
      int h = 0;
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        h = 31 * h + (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      }
      return h ^ (h >>> 16);
    }
  }

  /** The headers this filter captures right now (for diagnostics and tests). */
  public Set<String> propagatedHeaders() {
    FilterSettings current = settings;
    return current == null ? Set.of() : current.propagatedHeaders().get();
  }
}
