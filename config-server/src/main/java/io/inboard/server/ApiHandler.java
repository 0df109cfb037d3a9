package io.inboard.server;

import java.io.UncheckedIOException;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The REST surface as one Jetty handler: matches the route, checks the caller's token, and hands
 * the exchange to the endpoint. It takes every request (returns {@code true}); each endpoint
 * completes the callback exactly once, now or — for a held watch — later.
 */
final class ApiHandler extends Handler.Abstract {
  private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());

  private final AccessPolicy access;
  private final ControlPlane controlPlane;
  private final ResourceEndpoints resources;
  private final InstanceEndpoints instances;
  private final WatchHub watches;
  private final ServerMetrics metrics;

  ApiHandler(AccessPolicy access, ControlPlane controlPlane, WatchHub watches, ServerMetrics metrics) {
    this.access = access;
    this.controlPlane = controlPlane;
    this.resources = new ResourceEndpoints(controlPlane, metrics);
    this.instances = new InstanceEndpoints(controlPlane);
    this.watches = watches;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange ex = new Exchange(request, response, callback, metrics);
    try {
      dispatch(ex, PathSegments.of(request.getHttpURI().getPath()));
    } catch (ApiError e) {
      ex.sendError(e);
    } catch (UncheckedIOException e) {
      LOG.log(System.Logger.Level.ERROR, "storage failed", e);
      // A write etcd may have taken before the answer was lost cannot be said to have changed nothing.
      ex.sendError(new ApiError(503, "the store could not be written: " + e.getCause().getMessage()
          + (e.getCause() instanceof EtcdGateway.OutcomeUnknown
              ? "; the change may or may not be stored: read it before writing again" : "; nothing was changed")));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "request failed: " + request.getMethod() + " "
          + request.getHttpURI().getPath(), e);
      ex.sendError(new ApiError(500, "internal error: " + e));
    }
    return true;
  }

  private void dispatch(Exchange ex, List<String> s) {
    String method = asked(ex);
    int n = s.size();
    if (n == 1 && s.get(0).equals("healthz")) {
      ex.route("/healthz");
      allow(ex, "GET");
      ex.sendJson(200, Exchange.JSON.createObjectNode().put("status", "ok"));
      return;
    }
    if (n == 1 && s.get(0).equals("readyz")) {
      ex.route("/readyz");
      allow(ex, "GET");
      ex.sendJson(200, Exchange.JSON.createObjectNode().put("status", "ready")
          .put("revision", controlPlane.current().revision()));
      return;
    }
    if (n == 1 && s.get(0).equals("metrics")) {
      ex.route("/metrics");
      allow(ex, "GET");
      ex.sendText(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
      return;
    }
    if (n < 2 || !s.get(0).equals("v1")) {
      throw notFound(ex);
    }
    String second = s.get(1);
    if (n == 2) {
      switch (second) {
        case "apply" -> {
          ex.route("/v1/apply");
          allow(ex, "POST");
          resources.apply(ex, authorize(ex, AccessPolicy.Need.ADMIN));
        }
        case "analyze" -> {
          ex.route("/v1/analyze");
          allow(ex, "POST");
          authorize(ex, AccessPolicy.Need.READ);
          resources.analyze(ex);
        }
        case "explain" -> {
          ex.route("/v1/explain");
          allow(ex, "POST");
          authorize(ex, AccessPolicy.Need.READ);
          resources.explain(ex);
        }
        case "snapshot" -> {
          ex.route("/v1/snapshot");
          allow(ex, "GET");
          authorize(ex, AccessPolicy.Need.READ);
          watch(ex);
        }
        case "instances" -> {
          ex.route("/v1/instances");
          allow(ex, "GET");
          authorize(ex, AccessPolicy.Need.READ);
          instances.list(ex, null);
        }
        default -> {
          ResourceKind kind = ResourceKind.ofPlural(second).orElseThrow(() -> notFound(ex));
          ex.route("/v1/" + kind.plural());
          allow(ex, "GET");
          authorize(ex, AccessPolicy.Need.READ);
          resources.list(ex, kind, null);
        }
      }
      return;
    }
    if (!second.equals("namespaces") || n < 4 || n > 5) {
      throw notFound(ex);
    }
    String ns = s.get(2);
    String collection = s.get(3);
    if (collection.equals("instances")) {
      if (n == 4) {
        ex.route("/v1/namespaces/{ns}/instances");
        allow(ex, "GET");
        authorize(ex, AccessPolicy.Need.READ);
        checkLabel("namespace", ns);
        instances.list(ex, ns);
      } else {
        ex.route("/v1/namespaces/{ns}/instances/{id}");
        allow(ex, "GET", "PUT", "DELETE");
        Caller caller = authorize(ex, method.equals("GET") ? AccessPolicy.Need.READ : AccessPolicy.Need.REGISTER);
        checkLabel("namespace", ns);
        String id = s.get(4);
        String problem = Names.instanceIdProblem(id);
        if (problem != null) {
          throw ApiError.badRequest(problem);
        }
        switch (method) {
          case "GET" -> instances.get(ex, ns, id);
          case "PUT" -> instances.register(ex, ns, id, caller);
          default -> instances.deregister(ex, ns, id, caller);
        }
      }
      return;
    }
    ResourceKind kind = ResourceKind.ofPlural(collection).orElseThrow(() -> notFound(ex));
    if (n == 4) {
      ex.route("/v1/namespaces/{ns}/" + kind.plural());
      allow(ex, "GET");
      authorize(ex, AccessPolicy.Need.READ);
      checkLabel("namespace", ns);
      resources.list(ex, kind, ns);
      return;
    }
    ex.route("/v1/namespaces/{ns}/" + kind.plural() + "/{name}");
    allow(ex, "GET", "PUT", "DELETE");
    Caller caller = authorize(ex, method.equals("GET") ? AccessPolicy.Need.READ : AccessPolicy.Need.ADMIN);
    checkLabel("namespace", ns);
    checkLabel("name", s.get(4));
    ResourceKey key = new ResourceKey(kind, ns, s.get(4));
    switch (method) {
      case "GET" -> resources.get(ex, key);
      case "PUT" -> resources.put(ex, key, caller);
      default -> resources.delete(ex, key, caller);
    }
  }

  private void watch(Exchange ex) {
    long since = QueryParams.longParam(ex.request, "since", -1, Long.MIN_VALUE, Long.MAX_VALUE);
    long timeout = QueryParams.longParam(ex.request, "timeoutSeconds", 30, 0, 300);
    watches.watch(ex, since, java.time.Duration.ofSeconds(timeout));
  }

  private Caller authorize(Exchange ex, AccessPolicy.Need need) {
    return access.authorize(ex.request.getHeaders().get(HttpHeader.AUTHORIZATION), need);
  }

  private static void checkLabel(String what, String value) {
    String problem = Names.labelProblem(what, value);
    if (problem != null) {
      throw ApiError.badRequest(problem);
    }
  }

  /**
   * The method the request is served as: HEAD is served as GET, and {@link Exchange} leaves the
   * body out of the answer (RFC 9110, 9.3.2).
   */
  private static String asked(Exchange ex) {
    return ex.method().equals("HEAD") ? "GET" : ex.method();
  }

  private static void allow(Exchange ex, String... methods) {
    String asked = asked(ex);
    List<String> allowed = new java.util.ArrayList<>();
    for (String m : methods) {
      if (m.equals(asked)) {
        return;
      }
      allowed.add(m);
      if (m.equals("GET")) {
        allowed.add("HEAD");
      }
    }
    ex.response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", allowed));
    throw new ApiError(405, "method " + ex.method() + " not allowed here; use " + String.join(" or ", allowed));
  }

  private static ApiError notFound(Exchange ex) {
    return ApiError.notFound("no such endpoint: " + ex.method() + " " + ex.request.getHttpURI().getPath()
        + "; resources live under /v1/namespaces/{ns}/{virtualservices|destinationrules|gateways}/{name}");
  }
}
