package io.inboard.core.route;

import java.util.List;
import java.util.Set;

/**
 * A compiled VirtualService: its rules in order and where it applies. {@code gateways} is the
 * resolved top-level list ({@code mesh} when none is given); {@code attachedTo} adds the gateways
 * that match blocks name, since a block's {@code gateways} overrides the service's. {@code hosts}
 * are its hosts resolved as the router reads them (FQDN for short names, wildcards as written).
 */
record VirtualServiceRoutes(
    String key, String namespace, Set<String> gateways, Set<String> attachedTo, List<String> hosts, Rule[] rules) {}
