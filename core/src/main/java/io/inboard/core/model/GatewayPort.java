package io.inboard.core.model;

/** A gateway server's {@code port}: number, name and protocol (e.g. {@code HTTP}). */
public record GatewayPort(int number, String name, String protocol) {}
