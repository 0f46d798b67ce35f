package dev.tinygram.hooks;

import java.util.List;

/**
 * One call from woven JDK code into a static method of the bootstrap bridge.
 *
 * @param method        the bridge method's name
 * @param descriptor    its JVM descriptor; a unit test holds every call to a method the bridge really declares
 * @param returnedFirst whether the hooked method's returned value goes first (only at a normal return)
 * @param loads         the values that follow, in order
 */
public record BridgeCall(String method, String descriptor, boolean returnedFirst, List<Load> loads) {
    /** The bridge, as the JVM names it: woven code links to it in the boot loader. */
    public static final String BRIDGE = "dev/tinygram/bootstrap/TinygramBridge";

    public BridgeCall {
        loads = List.copyOf(loads);
    }

    /** A call with values of the hooked method's frame. */
    public static BridgeCall of(String method, String descriptor, Load... loads) {
        return new BridgeCall(method, descriptor, false, List.of(loads));
    }

    /** A call, at a normal return, with the returned value first and then {@code loads}. */
    public static BridgeCall withReturned(String method, String descriptor, Load... loads) {
        return new BridgeCall(method, descriptor, true, List.of(loads));
    }

    @Override
    public String toString() {
        return "TinygramBridge." + method + descriptor;
    }
}
