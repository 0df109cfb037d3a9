package io.inboard.core.model;

import java.util.List;
import java.util.Map;

/** The {@code spec} of a Gateway: which gateway workloads it selects and what they serve. */
public record GatewaySpec(Map<String, String> selector, List<Server> servers) {
  public GatewaySpec {
    selector = selector == null ? Map.of() : Map.copyOf(selector);
    servers = servers == null ? List.of() : List.copyOf(servers);
  }
}
