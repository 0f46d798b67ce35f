package dev.tinygram.hooks;

/**
 * What is woven into one JDK method. Each call is to the bridge, whose methods never throw but for a declared
 * IOException the application's own call could have thrown there too: the bridge does for woven code what
 * {@code suppress = Throwable.class} does for byte-buddy's advice.
 *
 * <pre>
 *  where                 | what runs                                 | when
 *  ----------------------+-------------------------------------------+------------------------------------------
 *  atEntry               | the call                                  | before the method's own first instruction
 *  atEntry, skipWhenTrue | the call; on true the method returns      | void methods only: the bridge took the
 *                        | at once                                   | call over (a coalesced write)
 *  atReturn              | the call, the returned value first if the | before every return instruction
 *                        | call asks for it                          |
 *  onThrow               | the call, then the same throwable again   | anything the method's own code throws out
 * </pre>
 *
 * A throw from the entry call (a declared IOException) leaves the method before its body, and no other call
 * runs, as with advice.
 *
 * @param atEntry      or null
 * @param skipWhenTrue whether a true from {@code atEntry} skips the method
 * @param atReturn     or null
 * @param onThrow      or null
 */
public record Weave(BridgeCall atEntry, boolean skipWhenTrue, BridgeCall atReturn, BridgeCall onThrow) {
    public Weave {
        if (atEntry == null && atReturn == null && onThrow == null) {
            throw new IllegalArgumentException("a weave with no call");
        }
        if (skipWhenTrue && (atEntry == null || !atEntry.descriptor().endsWith(")Z"))) {
            throw new IllegalArgumentException("skipWhenTrue needs an entry call that returns boolean: " + atEntry);
        }
        for (BridgeCall call : new BridgeCall[] {skipWhenTrue ? null : atEntry, atReturn, onThrow}) {
            if (call != null && !call.descriptor().endsWith(")V")) {
                throw new IllegalArgumentException("a call whose value nothing takes must return void: " + call);
            }
        }
        if (atEntry != null && atEntry.returnedFirst()) {
            throw new IllegalArgumentException("an entry call has no returned value: " + atEntry);
        }
        if (onThrow != null && onThrow.returnedFirst()) {
            throw new IllegalArgumentException("a throw has no returned value: " + onThrow);
        }
    }

    public static Weave atEntry(BridgeCall call) {
        return new Weave(call, false, null, null);
    }

    public static Weave skipWhenTrue(BridgeCall call) {
        return new Weave(call, true, null, null);
    }

    public static Weave atReturn(BridgeCall call) {
        return new Weave(null, false, call, null);
    }

    public Weave thenAtReturn(BridgeCall call) {
        return new Weave(atEntry, skipWhenTrue, call, onThrow);
    }

    public Weave thenOnThrow(BridgeCall call) {
        return new Weave(atEntry, skipWhenTrue, atReturn, call);
    }
}
