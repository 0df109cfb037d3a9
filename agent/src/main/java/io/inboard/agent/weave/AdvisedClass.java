package io.inboard.agent.weave;

import java.util.List;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
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
  /** The internal name of the class being advised: the type of {@code this} in a handler's frame. */
  private String owner;

  AdvisedClass(ClassVisitor next, List<MethodAdvice> advice) {
    super(Opcodes.ASM9, next);
    this.advice = advice;
  }

  /** How many methods were changed. */
  int advised() {
    return advised;
  }

  @Override
  public void visit(
      int version, int access, String name, String signature, String superName, String[] interfaces) {
    owner = name;
    super.visit(version, access, name, signature, superName, interfaces);
  }

  @Override
  public MethodVisitor visitMethod(
      int access, String name, String descriptor, String signature, String[] exceptions) {
    MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
    for (MethodAdvice each : advice) {
      if (each.matches(access, name, descriptor)) {
        advised++;
        return new AdvisedMethod(next, each, owner);
      }
    }
    return next;
  }

  private static final class AdvisedMethod extends MethodVisitor {
    private final MethodAdvice advice;
    private final String owner;
    /** Where the handler's range starts (after the enter code), when the advice has a handler. */
    private Label guarded;

    AdvisedMethod(MethodVisitor next, MethodAdvice advice, String owner) {
      super(Opcodes.ASM9, next);
      this.advice = advice;
      this.owner = owner;
    }

    @Override
    public void visitCode() {
      super.visitCode();
      // Written to the next visitor directly, so the advice's own code is not advised again.
      advice.enter(mv);
      if (advice.thrownType() != null) {
        guarded = new Label();
        mv.visitLabel(guarded);
      }
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
      if (guarded != null) {
        // Added last, so the method's own handlers inside the range (a finally) come first.
        Label end = new Label();
        Label handler = new Label();
        mv.visitLabel(end);
        mv.visitTryCatchBlock(guarded, end, handler, advice.thrownType());
        mv.visitLabel(handler);
        mv.visitFrame(Opcodes.F_FULL, 1, new Object[] {owner}, 1, new Object[] {advice.thrownType()});
        advice.thrown(mv);
      }
      super.visitMaxs(maxStack + EXTRA_STACK, maxLocals);
    }
  }
}
