package dev.tinygram.it.classfile;

import java.util.ArrayList;
import java.util.List;

/**
 * One decoded JVM instruction: where it is, which constant it names (or -1), and where control can go next. Only
 * what a reachability walk needs; operands that are neither constants nor branch targets are skipped.
 */
record Instruction(int offset, int opcode, int constant, List<Integer> targets, boolean fallsThrough) {
    static final int INVOKEVIRTUAL = 0xb6, INVOKESPECIAL = 0xb7, INVOKESTATIC = 0xb8, INVOKEINTERFACE = 0xb9,
            INVOKEDYNAMIC = 0xba;

    boolean invokes() {
        return opcode >= INVOKEVIRTUAL && opcode <= INVOKEDYNAMIC;
    }

    /** Decodes a method's bytecode (JVMS 6.5), in order. */
    static List<Instruction> decode(byte[] code) {
        List<Instruction> out = new ArrayList<>();
        int pc = 0;
        while (pc < code.length) {
            int op = code[pc] & 0xff;
            int length;
            int constant = -1;
            List<Integer> targets = new ArrayList<>();
            boolean fallsThrough = true;
            if (op == 0x12) {                                   // ldc
                length = 2;
                constant = code[pc + 1] & 0xff;
            } else if (op == 0x13 || op == 0x14 || (op >= 0xb2 && op <= 0xb8) || op == 0xbb || op == 0xbd
                    || op == 0xc0 || op == 0xc1) {              // ldc_w, ldc2_w, fields, invokes, new, casts
                length = 3;
                constant = u2(code, pc + 1);
            } else if (op == 0xb9 || op == 0xba) {              // invokeinterface, invokedynamic
                length = 5;
                constant = u2(code, pc + 1);
            } else if (op == 0xc5) {                            // multianewarray
                length = 4;
                constant = u2(code, pc + 1);
            } else if ((op >= 0x99 && op <= 0xa8) || op == 0xc6 || op == 0xc7) {   // if*, goto, jsr
                length = 3;
                targets.add(pc + (short) u2(code, pc + 1));
                fallsThrough = op != 0xa7;
            } else if (op == 0xc8 || op == 0xc9) {              // goto_w, jsr_w
                length = 5;
                targets.add(pc + s4(code, pc + 1));
                fallsThrough = op != 0xc8;
            } else if (op == 0xaa || op == 0xab) {              // tableswitch, lookupswitch
                int at = pc + 1 + (3 - pc % 4);                 // operands start 4-byte aligned
                targets.add(pc + s4(code, at));
                int pairs;
                if (op == 0xaa) {
                    int low = s4(code, at + 4);
                    int high = s4(code, at + 8);
                    for (int i = 0; i <= high - low; i++) targets.add(pc + s4(code, at + 12 + 4 * i));
                    pairs = high - low + 1;
                    length = at + 12 + 4 * pairs - pc;
                } else {
                    pairs = s4(code, at + 4);
                    for (int i = 0; i < pairs; i++) targets.add(pc + s4(code, at + 12 + 8 * i));
                    length = at + 8 + 8 * pairs - pc;
                }
                fallsThrough = false;
            } else if (op == 0xc4) {                            // wide
                length = (code[pc + 1] & 0xff) == 0x84 ? 6 : 4;
            } else if (op == 0x10 || (op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3a) || op == 0xa9
                    || op == 0xbc) {                            // bipush, loads, stores, ret, newarray
                length = 2;
                fallsThrough = op != 0xa9;
            } else if (op == 0x11 || op == 0x84) {              // sipush, iinc
                length = 3;
            } else {
                length = 1;
                fallsThrough = !(op >= 0xac && op <= 0xb1) && op != 0xbf;   // returns, athrow
            }
            out.add(new Instruction(pc, op, constant, List.copyOf(targets), fallsThrough));
            pc += length;
        }
        return out;
    }

    private static int u2(byte[] code, int at) {
        return ((code[at] & 0xff) << 8) | (code[at + 1] & 0xff);
    }

    private static int s4(byte[] code, int at) {
        return ((code[at] & 0xff) << 24) | ((code[at + 1] & 0xff) << 16) | ((code[at + 2] & 0xff) << 8)
                | (code[at + 3] & 0xff);
    }
}
