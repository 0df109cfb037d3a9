package io.inboard.agent.weave;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

/**
 * The agent's class file transformer. It knows the dozen types the agent changes by name; any other
 * class costs one map look-up. A listed type is read and written with ASM, adding the advice to the
 * methods it matches: no type resolution, no class loading, no frames computed (the added code is
 * straight-line), so weaving a type takes well under a millisecond once warm, and the agent needs
 * a few dozen classes for it where a general bytecode library needs hundreds.
 *
 * <p>Fail open: a type that cannot be woven (a class file version ASM does not know, a method
 * shape that changed) loads unchanged, and the failure is reported once per type.
 */
public final class Weaver implements ClassFileTransformer {
  private final Map<String, List<MethodAdvice>> byInternalName = new HashMap<>();
  private final BiConsumer<String, Throwable> failures;
  private final Consumer<String> woven;

  /**
   * @param types advice by binary type name
   * @param failures told where ({@code "instrument <type>"}) and why a type could not be woven
   * @param woven told each type name woven (for debug output)
   */
  public Weaver(
      Map<String, List<MethodAdvice>> types, BiConsumer<String, Throwable> failures, Consumer<String> woven) {
    types.forEach((name, advice) -> byInternalName.put(name.replace('.', '/'), List.copyOf(advice)));
    this.failures = failures;
    this.woven = woven;
  }

  /** Whether {@code type} is one the weaver changes. */
  public boolean isTarget(Class<?> type) {
    return byInternalName.containsKey(type.getName().replace('.', '/'));
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    if (className == null) {
      return null;
    }
    List<MethodAdvice> advice = byInternalName.get(className);
    if (advice == null) {
      return null;
    }
    try {
      byte[] changed = weave(classfileBuffer, advice);
      if (changed == null) {
        failures.accept(
            "instrument " + className.replace('/', '.'),
            new IllegalStateException("none of its methods has the expected shape; left unchanged"));
      } else {
        woven.accept(className.replace('/', '.'));
      }
      return changed;
    } catch (Throwable t) {
      failures.accept("instrument " + className.replace('/', '.'), t);
      return null;
    }
  }

  /** The class with its advice added, or {@code null} when no method matched. */
  static byte[] weave(byte[] classfile, List<MethodAdvice> advice) {
    ClassReader reader = new ClassReader(classfile);
    // Given the reader, the writer copies every method the visitor does not change as it was.
    ClassWriter writer = new ClassWriter(reader, 0);
    AdvisedClass advised = new AdvisedClass(writer, advice);
    reader.accept(advised, 0);
    return advised.advised() == 0 ? null : writer.toByteArray();
  }
}
