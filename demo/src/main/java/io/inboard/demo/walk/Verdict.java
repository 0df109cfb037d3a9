package io.inboard.demo.walk;

/**
 * How one scenario held on one path.
 *
 * @param passed     whether every expectation held
 * @param stickiness what stuck to what (the table's stickiness column)
 * @param detail     the expectation and the measured value, or what went wrong
 */
public record Verdict(boolean passed, String stickiness, String detail) {}
