package io.inboard.bridge;

import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's one way to define its classes in an application's class loader: the JDK's
 * {@code ClassLoader.defineClass}, made accessible here because the agent opens {@code java.lang}
 * to the bridge alone (not to the application's class path). It is handed out once, to the agent
 * as it starts, before any application code runs, so no other code can claim it afterwards.
 */
public final class ClassDefinition {
  private static final AtomicBoolean CLAIMED = new AtomicBoolean();

  private ClassDefinition() {}

  /**
   * {@code ClassLoader.defineClass(String, byte[], int, int, ProtectionDomain)}, accessible; the
   * first call only.
   *
   * @throws IllegalStateException when it was claimed already
   * @throws ReflectiveOperationException when the method is missing
   * @throws RuntimeException ({@code InaccessibleObjectException}) when {@code java.lang} is not
   *     open to the bridge
   */
  public static Method claim() throws ReflectiveOperationException {
    if (!CLAIMED.compareAndSet(false, true)) {
      throw new IllegalStateException("ClassLoader.defineClass was claimed already");
    }
    Method define =
        ClassLoader.class.getDeclaredMethod(
            "defineClass", String.class, byte[].class, int.class, int.class, ProtectionDomain.class);
    define.setAccessible(true);
    return define;
  }
}
