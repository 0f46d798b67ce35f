package dev.tinygram.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinygram.bootstrap.EventSink;
import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.hooks.BridgeCall;
import dev.tinygram.hooks.HookTarget;
import dev.tinygram.hooks.HookTargets;
import dev.tinygram.hooks.Load;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.objectweb.asm.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real hook table woven into {@link WeaveFixture}, whose methods have the JDK methods' names and descriptors,
 * then called: every call of the table reaches the bridge with the right values, at the right moment, and the
 * methods' own behaviour, returns and throws come through unchanged. Defining the woven class also runs the
 * verifier over what was woven.
 */
class HookWeaverTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    /** What the bridge reported as the sink's failure: the bridge catches it, so the test checks it after. */
    private final List<Throwable> sinkFailures = new CopyOnWriteArrayList<>();
    private boolean takeWrites;
    private IOException closeFailure;
    private Class<?> woven;
    private Object fixture;

    @BeforeEach
    void weave() throws Exception {
        String name = WeaveFixture.class.getName();
        List<HookTarget> hooks = new ArrayList<>();
        for (HookTarget t : HookTargets.forJdk(17)) {
            if (declares(WeaveFixture.class, t.method(), t.descriptor())) {
                hooks.add(new HookTarget(t.area(), name, t.method(), t.descriptor(), t.weave()));
            }
        }
        assertEquals(9, hooks.size(), "the fixture's methods matched in the table: " + hooks);
        byte[] bytes = HookTransformer.weave(classFile(WeaveFixture.class), hooks);
        woven = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (!n.equals(name)) return super.loadClass(n, resolve);
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                }
            }
        }.loadClass(name);
        fixture = woven.getConstructor().newInstance();
        TinygramBridge.install(recordingSink());
    }

    @AfterEach
    void clear() {
        TinygramBridge.clear();
        assertEquals(List.of(), sinkFailures, "the bridge failed");
    }

    @Test
    void everyCallOfEveryTableIsABridgeMethodTakingWhatTheHookedMethodHas() throws Exception {
        for (int jdk = HookTargets.supportedFloor(); jdk <= Runtime.version().feature() + 1; jdk++) {
            for (HookTarget t : HookTargets.forJdk(jdk)) {
                for (BridgeCall call : new BridgeCall[] {t.weave().atEntry(), t.weave().atReturn(),
                        t.weave().onThrow()}) {
                    if (call == null) continue;
                    Method bridge = bridgeMethod(call);
                    assertTrue(Modifier.isStatic(bridge.getModifiers()) && Modifier.isPublic(bridge.getModifiers()),
                            call + " is not public static");
                    Type[] params = Type.getArgumentTypes(call.descriptor());
                    int first = call.returnedFirst() ? 1 : 0;
                    assertEquals(params.length, first + call.loads().size(), call + " for " + t);
                    Type[] hooked = Type.getArgumentTypes(t.descriptor());
                    for (int i = 0; i < call.loads().size(); i++) {
                        Load load = call.loads().get(i);
                        Type given = load == Load.THIS ? Type.getObjectType("java/lang/Object")
                                : hooked[load.ordinal() - Load.ARG0.ordinal()];
                        Type taken = params[first + i];
                        assertTrue(given.equals(taken) || given.getSort() >= Type.ARRAY
                                && taken.getInternalName().equals("java/lang/Object"), call + " takes " + taken
                                + " where " + t + " gives " + given + " (" + load + ")");
                    }
                    if (call.returnedFirst()) {
                        Type returned = Type.getReturnType(t.descriptor());
                        Type taken = params[0];
                        assertTrue(returned.equals(taken) || returned.getSort() >= Type.ARRAY
                                && taken.getInternalName().equals("java/lang/Object"), call + " takes " + taken
                                + " but " + t + " returns " + returned);
                    }
                }
            }
        }
    }

    @Test
    void aStreamWriteIsSeenAndRunsOrIsTakenOver() throws Exception {
        call("write", new Class<?>[] {byte[].class, int.class, int.class}, new byte[8], 0, 8);
        assertEquals(List.of("writing 8"), events);
        assertEquals(List.of("write 8"), ran());

        takeWrites = true;
        call("write", new Class<?>[] {byte[].class, int.class, int.class}, new byte[8], 2, 6);
        assertEquals(List.of("write 8"), ran(), "the sink took the bytes: the method's own write must not run");

        call("write", new Class<?>[] {byte[].class, int.class, int.class}, new byte[8], 0, 0);
        call("write", new Class<?>[] {byte[].class, int.class, int.class}, new byte[8], 4, 6);
        assertEquals(List.of("write 8", "write 0", "write 6"), ran(),
                "an empty write, or one out of its array's bounds, goes to the method's own code, never the sink");
    }

    @Test
    void aReadEndsWithWhatItReturnedOrWithNothingWhenItThrows() throws Exception {
        assertEquals(4, call("read", new Class<?>[] {byte[].class, int.class, int.class}, new byte[8], 0, 4));
        IOException failure = new IOException("reset");
        woven.getField("readFailure").set(fixture, failure);
        IOException thrown = assertThrows(IOException.class,
                () -> call("read", new Class<?>[] {byte[].class, int.class, int.class}, new byte[8], 0, 4));
        assertSame(failure, thrown, "the method's own throwable comes through unchanged");
        assertEquals(List.of("readStarting", "readEnded 4", "readStarting", "readEnded 0"), events);
    }

    @Test
    void aLongReturnedAndAHandlerOfTheMethodsOwnComeThroughUnchanged() throws Exception {
        assertEquals(5_000_000_000L, call("read", new Class<?>[] {ByteBuffer[].class, int.class, int.class},
                new ByteBuffer[0], 0, 0));
        assertEquals(3, call("read", new Class<?>[] {ByteBuffer.class}, ByteBuffer.allocate(1)));
        assertEquals(List.of("caught inside"), ran());
        assertEquals(List.of("channelReadStarting", "readEnded 5000000000", "channelReadStarting", "readEnded 3"),
                events);
    }

    @Test
    void aGatheringWriteIsCountedWhenTheSinkBuffersWrites() throws Exception {
        ByteBuffer[] sources = {ByteBuffer.allocate(3), ByteBuffer.allocate(4)};
        assertEquals(7L, call("write", new Class<?>[] {ByteBuffer[].class, int.class, int.class}, sources, 0, 2));
        assertEquals(List.of("written 7"), events, "observing: the write is counted, no channelWriting");
        takeWrites = true;
        sources = new ByteBuffer[] {ByteBuffer.allocate(3), ByteBuffer.allocate(4)};
        call("write", new Class<?>[] {ByteBuffer[].class, int.class, int.class}, sources, 1, 1);
        assertEquals(List.of("written 7", "channelWriting 4", "written 4"), events);
    }

    @Test
    void connectsOpenWithTheirTimeOrNotAtAll() throws Exception {
        call("connect", new Class<?>[] {java.net.SocketAddress.class, int.class}, new InetSocketAddress(0), 0);
        woven.getField("connectsAtOnce").set(fixture, false);
        assertEquals(false, call("connect", new Class<?>[] {java.net.SocketAddress.class}, new InetSocketAddress(0)));
        assertEquals(1, events.size(), "a connect that returned false opens nothing: " + events);
        assertTrue(events.get(0).startsWith("opened "), events.toString());
        long nanos = Long.parseLong(events.get(0).substring("opened ".length()));
        assertTrue(nanos >= 0 && nanos < 10_000_000_000L, "connect time " + nanos);
    }

    @Test
    void onlyTcpNodelayOfTheLegacyOptionsIsHeard() throws Exception {
        call("setOption", new Class<?>[] {int.class, Object.class}, 0x0001, Boolean.TRUE);
        call("setOption", new Class<?>[] {int.class, Object.class}, 0x0008, Boolean.TRUE);   // SO_KEEPALIVE
        assertEquals(List.of("nodelaySet true"), events);
        assertEquals(List.of("option 1", "option 8"), ran());
    }

    @Test
    void aCloseClosesThenThrowsAFailedFlush() throws Exception {
        call("close", new Class<?>[0]);
        closeFailure = new IOException("flush failed");
        IOException thrown = assertThrows(IOException.class, () -> call("close", new Class<?>[0]));
        assertSame(closeFailure, thrown);
        assertEquals(List.of("close", "close"), ran(), "the close ran before its flush failure was thrown");
        closeFailure = null;
        call("close", new Class<?>[0]);   // a later close does not throw the old failure again
        assertEquals(3, ran().size());
    }

    @Test
    void aCloseThatThrowsThrowsItsOwnAndLeavesNoFailureBehind() throws Exception {
        closeFailure = new IOException("flush failed");
        IOException own = new IOException("close failed");
        woven.getField("closeFailure").set(fixture, own);
        assertSame(own, assertThrows(IOException.class, () -> call("close", new Class<?>[0])));
        woven.getField("closeFailure").set(fixture, null);
        closeFailure = null;
        TinygramBridge.clear();   // a later close, even with no sink, must not throw the flush failure kept before
        call("close", new Class<?>[0]);
        assertEquals(List.of("close", "close"), ran());
    }

    @Test
    void aGatheringWriteWithBadArgumentsFailsAsTheJdksOwnWouldAndTheAgentStays() throws Exception {
        takeWrites = true;
        ByteBuffer[] sources = {ByteBuffer.allocate(3)};
        assertThrows(IndexOutOfBoundsException.class,
                () -> call("write", new Class<?>[] {ByteBuffer[].class, int.class, int.class}, sources, 0, 2));
        assertThrows(NullPointerException.class,
                () -> call("write", new Class<?>[] {ByteBuffer[].class, int.class, int.class}, null, 0, 1));
        assertTrue(TinygramBridge.installed() != null, "the sink was taken out over the application's own mistake");
    }

    @Test
    void withNoSinkTheMethodsRunAsTheirOwn() throws Exception {
        TinygramBridge.clear();
        call("write", new Class<?>[] {byte[].class, int.class, int.class}, new byte[8], 0, 8);
        assertEquals(2, call("read", new Class<?>[] {byte[].class, int.class, int.class}, new byte[8], 0, 2));
        call("close", new Class<?>[0]);
        assertEquals(List.of("write 8", "read", "close"), ran());
        assertTrue(events.isEmpty(), events.toString());
    }

    @Test
    void aTargetMissingFromTheClassFailsTheWeave() throws Exception {
        HookTarget absent = new HookTarget("test", WeaveFixture.class.getName(), "write", "([BIIZ)V",
                HookTargets.forJdk(17).get(0).weave());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> HookTransformer.weave(classFile(WeaveFixture.class), List.of(absent)));
        assertTrue(e.getMessage().contains("write([BIIZ)V"), e.getMessage());
    }

    private Object call(String method, Class<?>[] types, Object... args) throws Exception {
        try {
            return woven.getMethod(method, types).invoke(fixture, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> ran() throws Exception {
        return (List<String>) woven.getField("ran").get(fixture);
    }

    private EventSink recordingSink() {
        return (EventSink) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {EventSink.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "buffersWrites":
                            return takeWrites;
                        case "failed":
                            sinkFailures.add((Throwable) args[0]);
                            return null;
                        case "writing":
                            events.add("writing " + args[3]);
                            return takeWrites;
                        case "closing":
                            if (closeFailure != null) throw closeFailure;
                            return null;
                        default:
                            if (args != null && args[0] != fixture) {
                                throw new AssertionError(method.getName() + " got " + args[0]);
                            }
                            events.add(method.getName() + (args.length > 1 ? " " + args[1] : ""));
                            return null;
                    }
                });
    }

    private static Method bridgeMethod(BridgeCall call) {
        for (Method m : TinygramBridge.class.getDeclaredMethods()) {
            if (m.getName().equals(call.method()) && Type.getMethodDescriptor(m).equals(call.descriptor())) return m;
        }
        throw new AssertionError("no bridge method " + call);
    }

    private static boolean declares(Class<?> type, String name, String descriptor) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(descriptor)) return true;
        }
        return false;
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }
}
