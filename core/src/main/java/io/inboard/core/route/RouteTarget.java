package io.inboard.core.route;

/**
 * One weighted destination of a compiled rule: where it goes, the pool that serves it, and the
 * request-independent part of the actions (merged header operations, timeout, retries, authority
 * rewrite), built once so that most decisions reuse it as it is.
 */
record RouteTarget(Decision.Target target, SubsetPool pool, Decision.Actions actions) {}
