package io.inboard.agent.weave;

import java.util.List;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Passes a class through, adding the advice to the methods it matches. Methods without advice are
 * handed straight to the writer, which then copies their bytecode as it was.
 */
final class AdvisedClass extends ClassVisitor {
  /** Stack slots the added code may need on top of the method's own. */
  static final int EXTRA_STACK = 8;

  private final List<MethodAdvice> advice;
  private int advised;

  AdvisedClass(ClassVisitor next, List<MethodAdvice> advice) {
    super(Opcodes.ASM9, next);
    this.advice = advice;
  }

  /** How many methods were changed. */
  int advised() {
    return advised;
  }

  @Override
  public MethodVisitor visitMethod(
      int access, String name, String descriptor, String signature, String[] exceptions) {
    MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
    for (MethodAdvice each : advice) {
      if (each.matches(access, name, descriptor)) {
        advised++;
        return new AdvisedMethod(next, each);
      }
    }
    return next;
  }

  private static final class AdvisedMethod extends MethodVisitor {
    private final MethodAdvice advice;

    AdvisedMethod(MethodVisitor next, MethodAdvice advice) {
      super(Opcodes.ASM9, next);
      this.advice = advice;
    }

    @Override
    public void visitCode() {
      super.visitCode();
      // Written to the next visitor directly, so the advice's own code is not advised again.
      advice.enter(mv);
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        advice.exit(mv);
      }
      super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      super.visitMaxs(maxStack + EXTRA_STACK, maxLocals);
    }
  }
}
