package io.inboard.bridge;

/**
 * Where advice finds the agent's hooks. Until the agent installs them, the hooks do nothing, so
 * instrumented classes behave as if uninstrumented.
 */
public final class Hooks {
  private static volatile OutboundHook outbound = OutboundHook.NONE;
  private static volatile InboundHook inbound = InboundHook.NONE;

  private Hooks() {}

  public static OutboundHook outbound() {
    return outbound;
  }

  public static InboundHook inbound() {
    return inbound;
  }

  public static void install(OutboundHook outboundHook, InboundHook inboundHook) {
    outbound = outboundHook == null ? OutboundHook.NONE : outboundHook;
    inbound = inboundHook == null ? InboundHook.NONE : inboundHook;
  }
}
