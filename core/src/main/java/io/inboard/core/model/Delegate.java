package io.inboard.core.model;

/**
 * An HTTP rule's {@code delegate}: the VirtualService (one without hosts) whose rules stand in for
 * this rule, each merged with it (see {@code io.inboard.core.route.Delegation}).
 *
 * @param name the delegate VirtualService's name
 * @param namespace its namespace, or {@code null} for the delegating VirtualService's own
 */
public record Delegate(String name, String namespace) {
  /** {@code namespace/name}, with {@code rootNamespace} when no namespace is given. */
  public String key(String rootNamespace) {
    return (namespace == null ? rootNamespace : namespace) + "/" + name;
  }
}
