package io.inboard.core.route;

import java.util.List;

/**
 * A host the mesh knows: the VirtualServices that name it (in a stable order) and, when the host
 * is a service with instances or a DestinationRule, the pool used when no VirtualService applies.
 */
record KnownHost(String name, List<VirtualServiceRoutes> virtualServices, SubsetPool defaultPool) {}
