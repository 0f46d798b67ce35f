package dev.tinygram.fix;

import java.lang.reflect.Field;

/**
 * Finds the socket behind an OutputStream the application flushes: {@code Socket$SocketOutputStream} wraps the
 * stream of {@code NioSocketImpl}, an inner class whose outer instance is the socket tinygram tracks. Any other
 * stream has none. The raw stream of an SSLSocket is flushed by the JDK's TLS layer after every record, never by
 * the application, which cannot reach it: honouring those flushes would send each record alone, so they are not
 * counted as explicit flushes.
 */
public final class SocketStreams {
    private final Field socketStreamParent;

    public SocketStreams() {
        Field parent = null;
        try {
            parent = accessible(Class.forName("java.net.Socket$SocketOutputStream"), "parent");
        } catch (ReflectiveOperationException | RuntimeException e) {
            // without it, TLS's per-record flushes would be honoured: see socketOf
        }
        socketStreamParent = parent;
    }

    private final ClassValue<Field> outerSocket = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
            try {
                if (type.getName().equals("java.net.Socket$SocketOutputStream")) return accessible(type, "out");
                if (type.getName().startsWith("sun.nio.ch.NioSocketImpl$")) return accessible(type, "this$0");
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a JDK without these fields: explicit flushes are then left to the read and the timer
            }
            return null;
        }
    };

    /** The NioSocketImpl behind {@code stream}, or null. */
    public Object socketOf(Object stream) {
        try {
            return find(stream);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the fields opened to tinygram are not accessible", e);
        }
    }

    private Object find(Object stream) throws IllegalAccessException {
        if (socketStreamParent == null && stream.getClass().getName().equals("java.net.Socket$SocketOutputStream")) {
            return null;
        }
        if (socketStreamParent != null && socketStreamParent.getDeclaringClass() == stream.getClass()
                && socketStreamParent.get(stream) instanceof javax.net.ssl.SSLSocket) {
            return null;
        }
        Object current = stream;
        for (int hops = 0; hops < 2 && current != null; hops++) {
            Field f = outerSocket.get(current.getClass());
            if (f == null) return null;
            Object next = f.get(current);
            if (next != null && next.getClass().getName().equals("sun.nio.ch.NioSocketImpl")) return next;
            current = next;
        }
        return null;
    }

    private static Field accessible(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
