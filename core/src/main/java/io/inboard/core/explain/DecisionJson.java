package io.inboard.core.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Instance;
import io.inboard.core.model.StringMatch;
import io.inboard.core.route.Cors;
import io.inboard.core.route.Decision;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Decision} as the stable JSON that {@code inboardctl explain}, the config server and the
 * agent's admin endpoint print: {@code status}, {@code outcome}, {@code reason}, {@code matched},
 * {@code destination}, {@code instance}, {@code hashKey}, {@code actions} (only what is set),
 * {@code trace}.
 */
public final class DecisionJson {
  private DecisionJson() {}

  public static ObjectNode toJson(Decision d, ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("status", d.status());
    o.put("outcome", d.outcome().name());
    o.put("reason", d.reason());
    if (d.matched() == null) {
      o.putNull("matched");
    } else {
      ObjectNode m = o.putObject("matched");
      m.put("virtualService", d.matched().virtualService());
      m.put("rule", d.matched().rule());
      m.put("ruleName", d.matched().ruleName());
    }
    if (d.destination() == null) {
      o.putNull("destination");
    } else {
      target(o.putObject("destination"), d.destination());
    }
    if (d.instance() == null) {
      o.putNull("instance");
    } else {
      instance(o.putObject("instance"), d.instance());
    }
    o.put("hashKey", d.hashKey());
    o.set("actions", actions(d.actions(), mapper));
    ArrayNode trace = o.putArray("trace");
    d.trace().forEach(trace::add);
    return o;
  }

  /** Indented JSON with every array element on its own line, so a trace reads top to bottom. */
  public static String pretty(com.fasterxml.jackson.databind.JsonNode json) {
    com.fasterxml.jackson.core.util.DefaultPrettyPrinter printer =
        new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
            .withArrayIndenter(com.fasterxml.jackson.core.util.DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    try {
      return new ObjectMapper().writer(printer).writeValueAsString(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private static void target(ObjectNode o, Decision.Target t) {
    o.put("host", t.host());
    o.put("subset", t.subset());
    o.put("port", t.port());
    if (t.policyPort() != 0) {
      o.put("portLevelSettings", t.policyPort());
    }
  }

  private static void instance(ObjectNode o, Instance i) {
    o.put("id", i.id());
    o.put("address", i.address());
    o.put("port", i.port());
    ObjectNode labels = o.putObject("labels");
    new TreeMap<>(i.labels()).forEach(labels::put);
  }

  private static ObjectNode actions(Decision.Actions a, ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    if (a.rewrittenPath() != null) {
      o.put("rewrittenPath", a.rewrittenPath());
    }
    if (a.rewrittenAuthority() != null) {
      o.put("rewrittenAuthority", a.rewrittenAuthority());
    }
    if (!a.requestHeaders().isEmpty()) {
      o.set("requestHeaders", headerOps(a.requestHeaders(), mapper));
    }
    if (!a.responseHeaders().isEmpty()) {
      o.set("responseHeaders", headerOps(a.responseHeaders(), mapper));
    }
    if (a.timeout() != null) {
      o.put("timeout", duration(a.timeout()));
    }
    if (a.retries() != null) {
      ObjectNode r = o.putObject("retries");
      r.put("attempts", a.retries().attempts());
      if (a.retries().perTryTimeout() != null) {
        r.put("perTryTimeout", duration(a.retries().perTryTimeout()));
      }
      r.put("retryOn", String.join(",", a.retries().retryOn()));
    }
    if (a.fault() != null) {
      ObjectNode f = o.putObject("fault");
      if (a.fault().delay() != null) {
        f.put("delay", duration(a.fault().delay()));
      }
      if (a.fault().abortStatus() != 0) {
        f.put("abortStatus", a.fault().abortStatus());
        if (a.fault().abortGrpcStatus() >= 0) {
          f.put("abortGrpcStatus", io.inboard.core.model.GrpcStatus.name(a.fault().abortGrpcStatus()));
        }
      }
    }
    if (!a.mirrors().isEmpty()) {
      // Every copy this request gets, one per mirror rolled (a single mirror is a list of one).
      ArrayNode mirrors = o.putArray("mirrors");
      for (Decision.Mirror mirror : a.mirrors()) {
        ObjectNode m = mirrors.addObject();
        target(m.putObject("destination"), mirror.destination());
        if (mirror.instance() == null) {
          m.putNull("instance");
        } else {
          instance(m.putObject("instance"), mirror.instance());
        }
      }
    }
    if (a.redirectLocation() != null) {
      o.put("redirectLocation", a.redirectLocation());
    }
    if (a.directResponseBody() != null) {
      o.put("directResponseBody", a.directResponseBody());
    }
    if (a.setCookie() != null) {
      ObjectNode c = o.putObject("setCookie");
      c.put("name", a.setCookie().name());
      c.put("value", a.setCookie().value());
      c.put("path", a.setCookie().path());
      c.put("ttl", a.setCookie().ttl() == null ? null : duration(a.setCookie().ttl()));
      if (!a.setCookie().attributes().isEmpty()) {
        ArrayNode attributes = c.putArray("attributes");
        a.setCookie().attributes().forEach(x -> attributes.addObject().put("name", x.name()).put("value", x.value()));
      }
    }
    if (a.cors() != null) {
      o.set("cors", cors(a.cors(), mapper));
    }
    return o;
  }

  /** The compiled {@code corsPolicy} in Istio's field names; {@code maxAge} as the header's seconds. */
  private static ObjectNode cors(Cors cors, ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    ArrayNode origins = o.putArray("allowOrigins");
    for (StringMatch m : cors.allowOrigins()) {
      ObjectNode match = origins.addObject();
      if (m instanceof StringMatch.Exact e) {
        match.put("exact", e.value());
      } else if (m instanceof StringMatch.Prefix p) {
        match.put("prefix", p.value());
      } else if (m instanceof StringMatch.Regex r) {
        match.put("regex", r.pattern());
      }
    }
    o.put("allowMethods", cors.allowMethods());
    o.put("allowHeaders", cors.allowHeaders());
    o.put("exposeHeaders", cors.exposeHeaders());
    o.put("maxAge", cors.maxAge());
    o.put("allowCredentials", cors.allowCredentials());
    o.put("unmatchedPreflights", cors.forwardsUnmatchedPreflights() ? "FORWARD" : "IGNORE");
    return o;
  }

  private static ObjectNode headerOps(Decision.HeaderOps ops, ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    if (!ops.set().isEmpty()) {
      ObjectNode s = o.putObject("set");
      new TreeMap<>(ops.set()).forEach(s::put);
    }
    if (!ops.add().isEmpty()) {
      ObjectNode s = o.putObject("add");
      new TreeMap<>(ops.add()).forEach(s::put);
    }
    if (!ops.remove().isEmpty()) {
      ArrayNode r = o.putArray("remove");
      ops.remove().forEach(r::add);
    }
    return o;
  }

  /** Istio's duration form: {@code 2s}, {@code 250ms}, {@code 1.5s}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    return java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
  }

  static void counts(ObjectNode parent, String field, Map<String, Integer> counts) {
    ObjectNode o = parent.putObject(field);
    new TreeMap<>(counts).forEach(o::put);
  }
}
