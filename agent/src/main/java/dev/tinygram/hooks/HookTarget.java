package dev.tinygram.hooks;

/**
 * One JDK method tinygram hooks.
 *
 * @param area       what it covers, for the start-up line and the self-test ("socket", "channel", ...)
 * @param type       the JDK class
 * @param method     the method name
 * @param descriptor its JVM descriptor, so an overload or a changed signature never matches by accident
 * @param weave      the bridge calls woven into it
 */
public record HookTarget(String area, String type, String method, String descriptor, Weave weave) {
    @Override
    public String toString() {
        return type.substring(type.lastIndexOf('.') + 1) + "." + method + descriptor;
    }
}
