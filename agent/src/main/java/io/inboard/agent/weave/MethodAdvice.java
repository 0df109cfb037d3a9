package io.inboard.agent.weave;

import java.util.Set;
import java.util.function.Consumer;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Code the agent adds to the methods of one instrumented type that match: at the start of the
 * method, before each of its returns, where it throws, or any of these together. The
 * added code calls a static method of the bridge's {@code AdviceCalls} and is straight-line, except
 * where an advice documents its own branch and stack map frame.
 */
public final class MethodAdvice {
  /** The bridge class woven code calls. */
  public static final String CALLS = "io/inboard/bridge/AdviceCalls";

  private final Set<String> names;
  private final String descriptorPrefix;
  private final boolean publicOnly;
  private final Consumer<MethodVisitor> enter;
  private final Consumer<MethodVisitor> exit;
  /** The internal name of the exception {@link #thrown} handles, or {@code null}: no handler. */
  private final String thrownType;
  private final Consumer<MethodVisitor> thrown;

  private MethodAdvice(
      Set<String> names,
      String descriptorPrefix,
      boolean publicOnly,
      Consumer<MethodVisitor> enter,
      Consumer<MethodVisitor> exit,
      String thrownType,
      Consumer<MethodVisitor> thrown) {
    this.names = names;
    this.descriptorPrefix = descriptorPrefix;
    this.publicOnly = publicOnly;
    this.enter = enter;
    this.exit = exit;
    this.thrownType = thrownType;
    this.thrown = thrown;
  }

  /**
   * Advice for the methods called one of {@code names} whose descriptor starts with
   * {@code descriptorPrefix} (e.g. {@code "(Ljava/lang/Runnable;"} for "takes a Runnable first", or
   * a whole descriptor).
   */
  public static Builder on(Set<String> names, String descriptorPrefix) {
    return new Builder(names, descriptorPrefix);
  }

  public static Builder on(String name, String descriptorPrefix) {
    return on(Set.of(name), descriptorPrefix);
  }

  boolean matches(int access, String name, String descriptor) {
    return names.contains(name)
        && descriptor.startsWith(descriptorPrefix)
        && (!publicOnly || (access & Opcodes.ACC_PUBLIC) != 0)
        && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0
        // A handler's frame names one local, this: instance methods without parameters only.
        && (thrown == null || ((access & Opcodes.ACC_STATIC) == 0 && descriptor.startsWith("()")));
  }

  /** The internal name of the exception the method's handler catches, or {@code null}: none. */
  String thrownType() {
    return thrownType;
  }

  /**
   * The handler's code, with the exception on the stack and {@code this} the only local; every
   * path through it ends in a throw or a return.
   */
  void thrown(MethodVisitor code) {
    thrown.accept(code);
  }

  void enter(MethodVisitor code) {
    if (enter != null) {
      enter.accept(code);
    }
  }

  /** Called before each return instruction; the value returned, if any, is on top of the stack. */
  void exit(MethodVisitor code) {
    if (exit != null) {
      exit.accept(code);
    }
  }

  /** Emits {@code AdviceCalls.<method><descriptor>}. */
  public static void call(MethodVisitor code, String method, String descriptor) {
    code.visitMethodInsn(Opcodes.INVOKESTATIC, CALLS, method, descriptor, false);
  }

  /** Emits {@code AdviceCalls.<method>(this)}, for hooks that take the instrumented object. */
  public static Consumer<MethodVisitor> passThis(String method) {
    return code -> {
      code.visitVarInsn(Opcodes.ALOAD, 0);
      call(code, method, "(Ljava/lang/Object;)V");
    };
  }

  /** Builds a {@link MethodAdvice}. */
  public static final class Builder {
    private final Set<String> names;
    private final String descriptorPrefix;
    private boolean publicOnly;
    private Consumer<MethodVisitor> enter;
    private Consumer<MethodVisitor> exit;

    private Builder(Set<String> names, String descriptorPrefix) {
      this.names = Set.copyOf(names);
      this.descriptorPrefix = descriptorPrefix;
    }

    /** Only public methods. */
    public Builder publicOnly() {
      this.publicOnly = true;
      return this;
    }

    /** Code at the start of the method (in a constructor: before the super call). */
    public Builder onEnter(Consumer<MethodVisitor> code) {
      this.enter = code;
      return this;
    }

    /**
     * Code before each return instruction, with the returned value (if any) on the stack, for an
     * advice that also has a handler ({@link #onThrow}); see {@link #onReturn} for one without.
     */
    public Builder beforeReturn(Consumer<MethodVisitor> code) {
      this.exit = code;
      return this;
    }

    public MethodAdvice enterOnly() {
      return new MethodAdvice(names, descriptorPrefix, publicOnly, enter, null, null, null);
    }

    /**
     * Code run when the method, after the enter code, throws an {@code exceptionType} (internal
     * name) that it does not catch itself: the exception is on the stack and {@code this} is the
     * only local (the method must be an instance method without parameters); the code ends every
     * path with a throw or a return. A branch in it needs its own frame (same locals as the handler).
     */
    public MethodAdvice onThrow(String exceptionType, Consumer<MethodVisitor> code) {
      return new MethodAdvice(names, descriptorPrefix, publicOnly, enter, exit, exceptionType, code);
    }

    /** Code before each return instruction, with the returned value (if any) on the stack. */
    public MethodAdvice onReturn(Consumer<MethodVisitor> code) {
      return new MethodAdvice(names, descriptorPrefix, publicOnly, enter, code, null, null);
    }
  }
}
