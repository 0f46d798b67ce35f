package dev.tinygram.agent;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.core.Profile;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Agent option parsing, one test per rule. */
class AgentOptionsTest {

    private static AgentOptions parse(String args) throws OptionException {
        return AgentOptions.parse(args, new Properties());
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) p.setProperty(keyValues[i], keyValues[i + 1]);
        return p;
    }

    private static String error(String args) {
        return assertThrows(OptionException.class, () -> parse(args), args).getMessage();
    }

    private static void assertBadValue(String args, String key, String value) {
        String m = error(args);
        assertTrue(m.startsWith("bad value '" + value + "' for option '" + key + "'"), m);
    }

    @Test
    void defaultsWhenNothingIsGiven() throws OptionException {
        AgentOptions o = AgentOptions.defaults();
        assertEquals(Mode.OBSERVE, o.mode());
        assertNull(o.report());
        assertEquals("info", o.logLevel());
        assertSame(Profile.forOs(System.getProperty("os.name", "")), o.profile(), "profile auto");
        assertEquals(0, o.mss(), "mss from the interface");
        assertEquals(32, o.stackDepth());
        assertFalse(o.fix().nodelay());
        assertFalse(o.fix().coalesce());
        assertFalse(o.fix().flaggedOnly(), "scope all");
        assertTrue(o.fix().include().isEmpty());
        assertTrue(o.fix().exclude().isEmpty());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1), o.fix().maxDelayNanos());
        assertEquals(0, o.fix().coalesceBytes());
        assertEquals(o, parse(""), "blank arguments are the defaults");
        assertEquals(o, parse(null));
    }

    @Test
    void modeSelectsTheFix() throws OptionException {
        assertEquals(Mode.OBSERVE, parse("mode=observe").mode());
        assertEquals(Mode.OFF, parse("mode=off").mode());
        AgentOptions nodelay = parse("mode=nodelay");
        assertEquals(Mode.NODELAY, nodelay.mode());
        assertTrue(nodelay.fix().nodelay());
        assertFalse(nodelay.fix().coalesce());
        AgentOptions coalesce = parse("mode=coalesce");
        assertEquals(Mode.COALESCE, coalesce.mode());
        assertTrue(coalesce.fix().nodelay(), "coalescing needs TCP_NODELAY");
        assertTrue(coalesce.fix().coalesce());
        assertFalse(parse("mode=observe").fix().fixes());
    }

    @Test
    void modeIsCaseInsensitive() throws OptionException {
        assertEquals(Mode.NODELAY, parse("mode=NoDelay").mode());
    }

    @Test
    void badModeNamesValueAndKey() {
        assertBadValue("mode=fast", "mode", "fast");
    }

    @Test
    void reportIsAPath() throws OptionException {
        assertEquals(Path.of("/tmp/x.jsonl"), parse("report=/tmp/x.jsonl").report());
    }

    @Test
    void emptyReportIsABadValue() {
        assertBadValue("report=", "report", "");
    }

    @Test
    void logLevelIsOneOfTheKnown() throws OptionException {
        for (String level : new String[] {"off", "error", "warn", "info", "debug", "trace"}) {
            assertEquals(level, parse("log=" + level).logLevel());
        }
        assertBadValue("log=verbose", "log", "verbose");
    }

    @Test
    void profileIsNamed() throws OptionException {
        assertSame(Profile.LINUX, parse("profile=linux").profile());
        assertSame(Profile.RFC896, parse("profile=rfc896").profile());
        assertSame(Profile.WINDOWS, parse("profile=windows").profile());
        assertSame(Profile.forOs(System.getProperty("os.name", "")), parse("profile=auto").profile());
        assertBadValue("profile=bsd", "profile", "bsd");
    }

    @Test
    void mssIsFrom88To65535() throws OptionException {
        assertEquals(1448, parse("mss=1448").mss());
        assertEquals(88, parse("mss=88").mss());
        assertEquals(65535, parse("mss=65535").mss());
        assertBadValue("mss=87", "mss", "87");
        assertBadValue("mss=65536", "mss", "65536");
        assertBadValue("mss=lots", "mss", "lots");
    }

    @Test
    void stackDepthIsFrom1To1024() throws OptionException {
        assertEquals(8, parse("stackDepth=8").stackDepth());
        assertEquals(1, parse("stackDepth=1").stackDepth());
        assertEquals(1024, parse("stackDepth=1024").stackDepth());
        assertBadValue("stackDepth=0", "stackDepth", "0");
        assertBadValue("stackDepth=1025", "stackDepth", "1025");
    }

    @Test
    void coalesceBytesIsFrom64To1MiB() throws OptionException {
        assertEquals(4096, parse("mode=coalesce,coalesceBytes=4096").fix().coalesceBytes());
        assertEquals(64, parse("coalesceBytes=64").fix().coalesceBytes());
        assertEquals(1 << 20, parse("coalesceBytes=1048576").fix().coalesceBytes());
        assertBadValue("coalesceBytes=63", "coalesceBytes", "63");
        assertBadValue("coalesceBytes=1048577", "coalesceBytes", "1048577");
    }

    @Test
    void scopeFlaggedGoesWithNodelayOnly() throws OptionException {
        assertTrue(parse("mode=nodelay,scope=flagged").fix().flaggedOnly());
        assertFalse(parse("mode=nodelay,scope=all").fix().flaggedOnly());
        assertFalse(parse("mode=coalesce,scope=all").fix().flaggedOnly());
        for (String mode : new String[] {"observe", "coalesce", "off"}) {
            String m = error("mode=" + mode + ",scope=flagged");
            assertTrue(m.contains("scope=flagged") && m.contains("mode=nodelay"), m);
        }
        assertTrue(error("scope=flagged").contains("scope=flagged"), "the default mode is observe");
    }

    @Test
    void badScopeNamesValueAndKey() {
        assertBadValue("mode=nodelay,scope=some", "scope", "some");
    }

    @Test
    void maxDelayAcceptsMicrosAndMillis() throws OptionException {
        assertEquals(TimeUnit.MICROSECONDS.toNanos(500), parse("mode=coalesce,maxDelay=500us").fix().maxDelayNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(2), parse("mode=coalesce,maxDelay=2ms").fix().maxDelayNanos());
        assertEquals(TimeUnit.MICROSECONDS.toNanos(50), parse("maxDelay=50us").fix().maxDelayNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1000), parse("maxDelay=1000ms").fix().maxDelayNanos());
    }

    @Test
    void minStallDefaultsToOneMillisecondAndAcceptsZeroToASecond() throws OptionException {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1), parse("").minStallNanos());
        assertEquals(0, parse("minStall=0us").minStallNanos());
        assertEquals(TimeUnit.MICROSECONDS.toNanos(300), parse("minStall=300us").minStallNanos());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(5), parse("minStall=5ms").minStallNanos());
        assertTrue(parse("minStall=5ms").describe().contains("minStall=5000us"), parse("minStall=5ms").describe());
    }

    @Test
    void minStallOutsideBoundsOrUnitIsBad() {
        assertBadValue("minStall=2s", "minStall", "2s");
        assertBadValue("minStall=1001ms", "minStall", "1001ms");
        assertBadValue("minStall=1", "minStall", "1");
        assertBadValue("minStall=-1ms", "minStall", "-1ms");
    }

    @Test
    void maxCallSitesDefaultsTo50AndIsFrom1To10000() throws OptionException {
        assertEquals(50, AgentOptions.defaults().maxCallSites());
        assertFalse(AgentOptions.defaults().describe().contains("maxCallSites"), "the default is not shown");
        assertEquals(1, parse("maxCallSites=1").maxCallSites());
        assertEquals(10000, parse("maxCallSites=10000").maxCallSites());
        assertTrue(parse("maxCallSites=7").describe().contains(", maxCallSites=7,"), parse("maxCallSites=7").describe());
        assertEquals(7, parse("maxCallSites=7").withMode(Mode.NODELAY).maxCallSites(), "kept across a mode change");
        assertEquals(3, AgentOptions.parse("maxCallSites=7", props("tinygram.maxCallSites", "3")).maxCallSites());
    }

    @Test
    void maxCallSitesOutsideBoundsIsBad() {
        assertBadValue("maxCallSites=0", "maxCallSites", "0");
        assertBadValue("maxCallSites=10001", "maxCallSites", "10001");
        assertBadValue("maxCallSites=-5", "maxCallSites", "-5");
        assertBadValue("maxCallSites=lots", "maxCallSites", "lots");
        assertTrue(error("maxCallSites=0").endsWith("expected a whole number from 1 to 10000"), error("maxCallSites=0"));
    }

    @Test
    void maxDelayOutsideBoundsOrUnitIsBad() {
        assertBadValue("maxDelay=10us", "maxDelay", "10us");
        assertBadValue("maxDelay=49us", "maxDelay", "49us");
        assertBadValue("maxDelay=1001ms", "maxDelay", "1001ms");
        assertBadValue("maxDelay=5s", "maxDelay", "5s");
        assertBadValue("maxDelay=soon", "maxDelay", "soon");
        assertBadValue("maxDelay=2", "maxDelay", "2");
        assertBadValue("maxDelay=-2ms", "maxDelay", "-2ms");
    }

    @Test
    void maxDelayTooLongToCountIsABadValueNotACrash() {
        // more digits than a long holds: still an OptionException naming it, never a NumberFormatException
        assertBadValue("maxDelay=99999999999999999999ms", "maxDelay", "99999999999999999999ms");
    }

    @Test
    void includeAndExcludeAreHostPortLists() throws OptionException {
        AgentOptions o = parse("mode=nodelay,include=127.0.0.1:*;*:6379,exclude=10.1.*:5432");
        assertEquals(2, o.fix().include().size());
        assertEquals("127.0.0.1:*", o.fix().include().get(0).toString());
        assertEquals("*:6379", o.fix().include().get(1).toString());
        assertEquals(1, o.fix().exclude().size());
        assertEquals("10.1.*:5432", o.fix().exclude().get(0).toString());
    }

    @Test
    void includeOrExcludeWithoutPortIsBad() {
        assertBadValue("include=localhost", "include", "localhost");
        assertBadValue("exclude=127.0.0.1:*;db", "exclude", "127.0.0.1:*;db");
    }

    @Test
    void unknownKeyIsNamed() {
        String m = error("mode=observe,x=1");
        assertTrue(m.startsWith("unknown option 'x'"), m);
    }

    @Test
    void keysAreCaseSensitive() {
        assertTrue(error("Mode=observe").startsWith("unknown option 'Mode'"));
    }

    @Test
    void pairWithoutEqualsIsAnError() {
        String m = error("mode=observe,pair");
        assertTrue(m.contains("'pair'") && m.contains("key=value"), m);
        assertTrue(error("=observe").contains("key=value"), "an empty key is not key=value");
    }

    @Test
    void pairsAreTrimmedAndEmptyPairsSkipped() throws OptionException {
        AgentOptions o = parse(" mode = nodelay ,, log = debug ,");
        assertEquals(Mode.NODELAY, o.mode());
        assertEquals("debug", o.logLevel());
    }

    @Test
    void valueMayContainEquals() throws OptionException {
        assertEquals(Path.of("/tmp/a=b.jsonl"), parse("report=/tmp/a=b.jsonl").report());
    }

    @Test
    void systemPropertiesOverrideAgentArguments() throws OptionException {
        AgentOptions o = AgentOptions.parse("mode=nodelay,log=debug",
                props("tinygram.mode", "coalesce", "tinygram.stackDepth", "4"));
        assertEquals(Mode.COALESCE, o.mode());
        assertEquals(4, o.stackDepth());
        assertEquals("debug", o.logLevel(), "what properties do not set stays from the arguments");
    }

    @Test
    void otherSystemPropertiesAreIgnored() throws OptionException {
        AgentOptions o = AgentOptions.parse(null, props("mode", "off", "java.version", "17", "tinygramX.mode", "off"));
        assertEquals(Mode.OBSERVE, o.mode());
    }

    @Test
    void systemPropertyErrorsNameTheKey() {
        String unknown = assertThrows(OptionException.class,
                () -> AgentOptions.parse(null, props("tinygram.colour", "red"))).getMessage();
        assertTrue(unknown.startsWith("unknown option 'colour'"), unknown);
        String bad = assertThrows(OptionException.class,
                () -> AgentOptions.parse(null, props("tinygram.mss", " 12 "))).getMessage();
        assertTrue(bad.startsWith("bad value '12' for option 'mss'"), bad);
    }

    @Test
    void theStartUpLineSaysHowTheMssIsChosen() throws OptionException {
        assertTrue(AgentOptions.defaults().describe().contains("mss=auto (per connection: the kernel's working MSS off"
                + " loopback on JDK 22+, else its interface's MTU"),
                AgentOptions.defaults().describe());
        assertTrue(AgentOptions.parse("mss=1400", new java.util.Properties()).describe().contains("mss=1400,"));
    }
}
