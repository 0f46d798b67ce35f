package dev.tinygram.agent;

import dev.tinygram.hooks.BridgeCall;
import dev.tinygram.hooks.Load;
import dev.tinygram.hooks.Weave;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Weaves one {@link Weave} into one method as it is copied: static calls to the bridge at the method's entry, before
 * each of its returns, and in a handler of last resort around its body. Written with ASM alone, because what is
 * woven is a handful of loads and a static call: byte-buddy's {@code Advice} did the same with some 700 classes to
 * load, most of the agent's start-up.
 *
 * <p>The woven code adds no local variable, so the method's own stack map frames stay right as they are. Frames are
 * needed only where the woven code adds a jump target: after a skip, where the frame is the method's entry frame,
 * and at the throw handler, whose frame declares only the locals its call reads (the receiver, as a rule), so it
 * holds at every instruction of the body. The reader expands the
 * frames, so the ones added here are of the same kind.
 */
final class HookWeaver extends MethodVisitor {
    /** Enough for the widest call: a returned long kept, its copy, and three more values. */
    private static final int EXTRA_STACK = 8;

    private final Weave weave;
    private final boolean isStatic;
    private final Type[] parameters;
    private final Object[] entryLocals;
    private final Label bodyStart = new Label();
    private final Label bodyEnd = new Label();
    private final Label handler = new Label();

    HookWeaver(MethodVisitor next, String owner, int access, String descriptor, Weave weave) {
        super(Opcodes.ASM9, next);
        this.weave = weave;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.parameters = Type.getArgumentTypes(descriptor);
        this.entryLocals = entryLocals(owner, isStatic, parameters);
        if (weave.skipWhenTrue() && Type.getReturnType(descriptor) != Type.VOID_TYPE) {
            throw new IllegalArgumentException("a skip needs a void method: " + owner + descriptor);
        }
    }

    @Override
    public void visitCode() {
        super.visitCode();
        if (weave.atEntry() != null) {
            call(weave.atEntry());
            if (weave.skipWhenTrue()) {
                Label proceed = new Label();
                super.visitJumpInsn(Opcodes.IFEQ, proceed);
                super.visitInsn(Opcodes.RETURN);
                super.visitLabel(proceed);
                super.visitFrame(Opcodes.F_NEW, entryLocals.length, entryLocals, 0, new Object[0]);
                // the method's own first instruction may carry a frame too: two frames may not share an offset
                super.visitInsn(Opcodes.NOP);
            }
        }
        if (weave.onThrow() != null) super.visitLabel(bodyStart);
    }

    @Override
    public void visitInsn(int opcode) {
        if (weave.atReturn() != null && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            BridgeCall exit = weave.atReturn();
            if (exit.returnedFirst()) {
                super.visitInsn(opcode == Opcodes.LRETURN || opcode == Opcodes.DRETURN ? Opcodes.DUP2 : Opcodes.DUP);
            }
            call(exit);
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (weave.onThrow() != null) {
            super.visitLabel(bodyEnd);
            super.visitLabel(handler);
            Object[] locals = Arrays.copyOf(entryLocals, localsLoadedBy(weave.onThrow()));
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
            call(weave.onThrow());
            super.visitInsn(Opcodes.ATHROW);
            // last in the exception table, so every handler of the method's own is tried first
            super.visitTryCatchBlock(bodyStart, bodyEnd, handler, null);
        }
        super.visitMaxs(maxStack + EXTRA_STACK, maxLocals);
    }

    private void call(BridgeCall call) {
        for (Load load : call.loads()) {
            if (load == Load.THIS) {
                if (isStatic) throw new IllegalArgumentException("no receiver in a static method: " + call);
                super.visitVarInsn(Opcodes.ALOAD, 0);
            } else {
                int index = load.ordinal() - Load.ARG0.ordinal();
                if (index >= parameters.length) {
                    throw new IllegalArgumentException("no parameter " + index + " for " + call);
                }
                super.visitVarInsn(parameters[index].getOpcode(Opcodes.ILOAD), slotOf(index));
            }
        }
        super.visitMethodInsn(Opcodes.INVOKESTATIC, BridgeCall.BRIDGE, call.method(), call.descriptor(), false);
    }

    /**
     * How many of the entry frame's locals a call reads: the handler's frame declares only those, so it holds
     * whatever the method's own code later stores in its other locals.
     */
    private int localsLoadedBy(BridgeCall call) {
        int count = 0;
        for (Load load : call.loads()) {
            int local = load == Load.THIS ? 0 : load.ordinal() - Load.ARG0.ordinal() + (isStatic ? 0 : 1);
            count = Math.max(count, local + 1);
        }
        return count;
    }

    private int slotOf(int parameter) {
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < parameter; i++) slot += parameters[i].getSize();
        return slot;
    }

    /** The frame's locals as the method is entered: the receiver, then each parameter as the verifier types it. */
    private static Object[] entryLocals(String owner, boolean isStatic, Type[] parameters) {
        List<Object> locals = new ArrayList<>();
        if (!isStatic) locals.add(owner);
        for (Type p : parameters) {
            switch (p.getSort()) {
                case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> locals.add(Opcodes.INTEGER);
                case Type.LONG -> locals.add(Opcodes.LONG);
                case Type.FLOAT -> locals.add(Opcodes.FLOAT);
                case Type.DOUBLE -> locals.add(Opcodes.DOUBLE);
                default -> locals.add(p.getInternalName());   // an object or an array
            }
        }
        return locals.toArray();
    }
}
