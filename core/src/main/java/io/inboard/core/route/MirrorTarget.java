package io.inboard.core.route;

/**
 * One compiled mirror of a rule: where its copies go and the share of requests it copies, rolled
 * for each request on its own. A rule's single {@code mirror} compiles to one of these, as each
 * entry of {@code mirrors} does, so the router knows one kind of mirror.
 *
 * @param percent 0 to 100; 100 when the rule gave none
 */
record MirrorTarget(RouteTarget target, double percent) {}
