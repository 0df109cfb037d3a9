package io.inboard.core.model;

/**
 * One entry of a rule's {@code mirrors} list: where a copy of the request goes, and for what share
 * of the requests (rolled for each request on its own, independently of the rule's other mirrors).
 *
 * @param percentage {@code null} when absent: every request is mirrored, as in Istio
 */
public record HTTPMirrorPolicy(Destination destination, Percent percentage) {}
