package dev.tinygram.it.classfile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Whether an entry class (a manifest's Premain-Class, Agent-Class or Main-Class) can be run by a JVM too old for
 * the rest of the jar, up to its version check. An old JVM fails on a class only when it loads it: when code
 * resolves it, when the verifier checks a type against it (a caught class, a value passed where another type is
 * expected), or when a class it links names it as a supertype. So the rule, as simple as can still be checked:
 * <ul>
 *   <li>at most one method of the entry class, the <em>starter</em>, names a newer class or an invokedynamic in
 *       its code; it is private, it names newer classes only as the owner of an {@code invokestatic} whose
 *       parameter and return types are not newer (so verifying it loads none), and it catches no newer class;</li>
 *   <li>no field or method signature, caught class or supertype of the entry class is newer;</li>
 *   <li>every call of the starter is reached only through the gate: a call to the version check, returning
 *       normally (its exceptions may go anywhere but to the starter);</li>
 *   <li>every class of the jar the entry class names, other than the starter's newer ones, and every class those
 *       name in turn, is not newer and holds no invokedynamic.</li>
 * </ul>
 * That the gate says "no" below the floor is the agent's unit test's to show; this rule shows nothing newer can
 * run before it is asked.
 */
public final class EntryGuard {
    /** The version check: a static method, by owner and name. */
    public record Gate(String owner, String name) {}

    /** What the rule found: its problems (empty when none), and the starter's name (null when there is none). */
    public record Verdict(List<String> problems, String starter) {}

    private final Function<String, ClassFile> jar;
    private final Predicate<ClassFile> newer;
    private final Gate gate;

    /**
     * @param jar the jar's class by internal name, or null for a class it does not hold (the JDK's)
     * @param newer whether a class of the jar is too new for the old JVM
     */
    public EntryGuard(Function<String, ClassFile> jar, Predicate<ClassFile> newer, Gate gate) {
        this.jar = jar;
        this.newer = newer;
        this.gate = gate;
    }

    public Verdict check(String entryName) {
        ClassFile entry = jar.apply(entryName);
        if (entry == null) return new Verdict(List.of(entryName + " is not in the jar"), null);
        List<String> problems = new ArrayList<>();
        for (String type : supertypes(entry)) {
            if (isNewer(type)) problems.add(entryName + " extends or implements " + type + ", which is newer");
        }
        for (String d : entry.fieldDescriptors) {
            for (String type : ClassFile.classesIn(d)) {
                if (isNewer(type)) problems.add(entryName + " has a field of newer type " + type);
            }
        }
        ClassFile.Method starter = null;
        for (ClassFile.Method m : entry.methods) {
            for (String type : ClassFile.classesIn(m.descriptor())) {
                if (isNewer(type)) problems.add(entryName + "." + m.id() + " has newer type " + type + " in its signature");
            }
            if (m.code() == null) continue;
            for (ClassFile.Handler h : m.handlers()) {
                if (h.catchType() != 0 && isNewer(entry.className(h.catchType()))) {
                    problems.add(entryName + "." + m.id() + " catches newer " + entry.className(h.catchType()));
                }
            }
            List<String> reaches = newerNamedBy(entry, m);
            if (reaches.isEmpty()) continue;
            if (starter != null) {
                problems.add(entryName + ": both " + starter.id() + " and " + m.id() + " name newer code; only one"
                        + " method may, and only past the version check");
                continue;
            }
            starter = m;
            if ((m.access() & ClassFile.ACC_PRIVATE) == 0) {
                problems.add(entryName + "." + m.id() + " names newer code and is not private");
            }
            for (String r : reaches) {
                if (!r.startsWith("invokestatic ")) {
                    problems.add(entryName + "." + m.id() + " reaches newer code other than by a static call: " + r);
                }
            }
        }
        if (starter != null) problems.addAll(callsOnlyPastTheGate(entry, starter));
        problems.addAll(namedClassesAreOld(entry, starter));
        return new Verdict(problems, starter == null ? null : starter.name());
    }

    private boolean isNewer(String type) {
        ClassFile c = jar.apply(type);
        return c != null && newer.test(c);
    }

    private static List<String> supertypes(ClassFile c) {
        List<String> types = new ArrayList<>(c.interfaces);
        if (c.superName != null) types.add(c.superName);
        return types;
    }

    /** What of {@code m}'s code names a newer class or needs a bootstrap method: "OPERATION what", in order. */
    private List<String> newerNamedBy(ClassFile c, ClassFile.Method m) {
        List<String> found = new ArrayList<>();
        for (Instruction i : Instruction.decode(m.code())) {
            if (i.constant() < 0) continue;
            ClassFile.Constant k = c.constant(i.constant());
            if (k.tag() == ClassFile.INVOKE_DYNAMIC || k.tag() == ClassFile.DYNAMIC) {
                found.add("invokedynamic at " + i.offset());
                continue;
            }
            List<String> named = namedBy(c, i.constant());
            boolean ownerNewer = !named.isEmpty() && isNewer(named.get(0));
            boolean typesNewer = named.stream().skip(1).anyMatch(this::isNewer);
            if (!ownerNewer && !typesNewer) continue;
            String what = named.get(0) + (k.tag() == ClassFile.METHOD || k.tag() == ClassFile.INTERFACE_METHOD
                    ? "." + c.utf8(c.constant(k.second()).first()) : "");
            found.add((i.opcode() == Instruction.INVOKESTATIC && !typesNewer ? "invokestatic " : "opcode 0x"
                    + Integer.toHexString(i.opcode()) + " on ") + what + " at " + i.offset());
        }
        return found;
    }

    /** The classes a constant names: for a member, its owner first, then its descriptor's types. */
    private static List<String> namedBy(ClassFile c, int index) {
        ClassFile.Constant k = c.constant(index);
        List<String> names = new ArrayList<>();
        switch (k.tag()) {
            case ClassFile.CLASS -> names.add(c.className(index));
            case ClassFile.FIELD, ClassFile.METHOD, ClassFile.INTERFACE_METHOD -> {
                names.add(c.className(k.first()));
                names.addAll(ClassFile.classesIn(c.utf8(c.constant(k.second()).second())));
            }
            case ClassFile.METHOD_TYPE -> {
                names.add("");   // no owner
                names.addAll(ClassFile.classesIn(c.utf8(k.first())));
            }
            case ClassFile.METHOD_HANDLE -> names.addAll(namedBy(c, k.second()));
            default -> { }
        }
        return names;
    }

    /** Every call of the starter must have the gate's normal return on each path from its method's start. */
    private List<String> callsOnlyPastTheGate(ClassFile entry, ClassFile.Method starter) {
        List<String> problems = new ArrayList<>();
        boolean called = false;
        for (ClassFile.Method m : entry.methods) {
            if (m.code() == null) continue;
            List<Instruction> code = Instruction.decode(m.code());
            Set<Integer> calls = new HashSet<>();
            Set<Integer> gates = new HashSet<>();
            for (Instruction i : code) {
                if (!i.invokes() || i.opcode() == Instruction.INVOKEDYNAMIC) continue;
                ClassFile.Constant k = entry.constant(i.constant());
                String owner = entry.className(k.first());
                ClassFile.Constant nameAndType = entry.constant(k.second());
                String name = entry.utf8(nameAndType.first());
                if (owner.equals(entry.name) && (name + entry.utf8(nameAndType.second())).equals(starter.id())) {
                    calls.add(i.offset());
                }
                if (i.opcode() == Instruction.INVOKESTATIC && owner.equals(gate.owner()) && name.equals(gate.name())) {
                    gates.add(i.offset());
                }
            }
            if (calls.isEmpty()) continue;
            called = true;
            for (int reached : reachableWithoutPassing(code, m.handlers(), gates)) {
                if (calls.contains(reached)) {
                    problems.add(entry.name + "." + m.id() + " calls " + starter.id() + " at " + reached
                            + " on a path that does not pass " + gate.owner() + "." + gate.name());
                }
            }
        }
        if (!called) problems.add(entry.name + "." + starter.id() + " names newer code but nothing calls it");
        return problems;
    }

    /** Offsets reachable from the method's start without a normal return from any of {@code walls}. */
    private static Set<Integer> reachableWithoutPassing(List<Instruction> code, List<ClassFile.Handler> handlers,
                                                        Set<Integer> walls) {
        Map<Integer, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < code.size(); i++) indexOf.put(code.get(i).offset(), i);
        Set<Integer> seen = new LinkedHashSet<>();
        Deque<Integer> todo = new ArrayDeque<>(List.of(0));
        while (!todo.isEmpty()) {
            int at = todo.pop();
            if (!seen.add(at)) continue;
            Instruction i = code.get(indexOf.get(at));
            for (ClassFile.Handler h : handlers) {
                if (at >= h.start() && at < h.end()) todo.push(h.handler());   // it may throw, even the gate
            }
            if (walls.contains(at)) continue;
            todo.addAll(i.targets());
            int next = indexOf.get(at) + 1;
            if (i.fallsThrough() && next < code.size()) todo.push(code.get(next).offset());
        }
        return seen;
    }

    /** The classes of the jar the entry reaches outside its starter, and all they name: none may be newer. */
    private List<String> namedClassesAreOld(ClassFile entry, ClassFile.Method starter) {
        Set<String> allowed = new HashSet<>();
        if (starter != null) {
            for (Instruction i : Instruction.decode(starter.code())) {
                if (i.opcode() == Instruction.INVOKESTATIC) allowed.add(namedBy(entry, i.constant()).get(0));
            }
        }
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>(List.of(entry.name));
        Deque<String[]> todo = new ArrayDeque<>();
        for (String n : entry.allClassNames()) {
            if (!(allowed.contains(n) && isNewer(n))) todo.add(new String[] {n, entry.name});
        }
        while (!todo.isEmpty()) {
            String[] next = todo.pop();
            if (!seen.add(next[0])) continue;
            ClassFile c = jar.apply(next[0]);
            if (c == null) continue;   // the JDK's
            if (newer.test(c)) {
                problems.add(next[1] + " names " + c.name + " (class-file version " + c.major + ") where an old JVM"
                        + " may load it before the version check");
                continue;
            }
            if (c.hasDynamicConstants()) problems.add(c.name + ", reached before the version check, uses invokedynamic");
            for (String n : c.allClassNames()) todo.add(new String[] {n, c.name});
        }
        return problems;
    }
}
