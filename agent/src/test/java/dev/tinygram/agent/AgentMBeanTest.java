package dev.tinygram.agent;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.report.CallSiteTotals;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.management.Attribute;
import javax.management.AttributeNotFoundException;
import javax.management.JMX;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.OpenMBeanAttributeInfo;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registered MBean as a JMX client (and a JMX exporter) sees it, in an MBean server of the test's own: the
 * MXBean's attributes, plus the {@code CallSites} table indexed by {@code call_site} and {@code direction}.
 */
class AgentMBeanTest {
    private final List<CallSiteTotals> rows = new ArrayList<>();
    private MBeanServer server;
    private ObjectName name;

    /** An AgentMXBean whose every getter answers 7 (or "observe"), without a running agent. */
    private static AgentMXBean view() {
        return (AgentMXBean) Proxy.newProxyInstance(AgentMXBean.class.getClassLoader(),
                new Class<?>[] {AgentMXBean.class}, (proxy, method, args) -> switch (method.getReturnType().getName()) {
                    case "long" -> 7L;
                    case "java.lang.String" -> "observe";
                    case "java.util.Map" -> java.util.Map.of();
                    default -> null;
                });
    }

    @BeforeEach
    void register() throws Exception {
        server = MBeanServerFactory.newMBeanServer();   // not the platform's, and kept in no list
        name = new ObjectName(AgentMXBean.OBJECT_NAME);
        server.registerMBean(new AgentMBean(view(), () -> List.copyOf(rows)), name);
    }

    @Test
    void callSitesIsAnOpenTableIndexedByCallSite() throws Exception {
        MBeanAttributeInfo info = Arrays.stream(server.getMBeanInfo(name).getAttributes())
                .filter(a -> a.getName().equals("CallSites")).findFirst().orElseThrow();
        assertTrue(info.isReadable() && !info.isWritable(), info.toString());
        OpenMBeanAttributeInfo open = (OpenMBeanAttributeInfo) info;
        assertEquals(List.of("call_site", "direction"),
                ((javax.management.openmbean.TabularType) open.getOpenType()).getIndexNames());

        rows.add(new CallSiteTotals("A.run(A.java:1)", CallSiteTotals.OUTBOUND, 3, 1, 2, 0, 120.5));
        rows.add(new CallSiteTotals("B.serve(B.java:2)", CallSiteTotals.INBOUND, 4, 0, 4, 0, 160.0));
        rows.add(new CallSiteTotals(CallSiteTotals.OTHER, CallSiteTotals.ANY, 5, 0, 5, 1, 200.0));
        TabularData table = (TabularData) server.getAttribute(name, "CallSites");
        assertEquals(List.of("call_site", "direction"), table.getTabularType().getIndexNames());
        assertEquals(3, table.size());
        assertEquals(4L, table.get(new Object[] {"B.serve(B.java:2)", "inbound"}).get("stallsPredicted"));
        CompositeData a = table.get(new Object[] {"A.run(A.java:1)", "outbound"});
        assertEquals(3L, a.get("stallsPredicted"));
        assertEquals(1L, a.get("stallsNotPredicted"));
        assertEquals(2L, a.get("stallsConfirmed"));
        assertEquals(0L, a.get("stallsAvoided"));
        assertEquals(120.5, (Double) a.get("waitMs"), 1e-9);
        assertEquals(5L, table.get(new Object[] {"other", "any"}).get("stallsPredicted"));
    }

    @Test
    void aBulkReadGetsTheTableAndTheMxBeanAttributes() throws Exception {
        rows.add(new CallSiteTotals("A.run(A.java:1)", CallSiteTotals.OUTBOUND, 1, 0, 1, 0, 40.0));
        List<Attribute> read = server.getAttributes(name, new String[] {"CallSites", "StallsPredicted", "Mode",
                "NoSuchThing"}).asList();
        assertEquals(List.of("CallSites", "StallsPredicted", "Mode"), read.stream().map(Attribute::getName).toList(),
                "an unknown attribute is left out, the rest are read");
        assertEquals(1, ((TabularData) read.get(0).getValue()).size());
        assertEquals(7L, read.get(1).getValue());
        assertEquals("observe", read.get(2).getValue());
    }

    @Test
    void theMxBeanProxyStillWorksAndTheTableIsReadOnly() throws Exception {
        AgentMXBean proxy = JMX.newMXBeanProxy(server, name, AgentMXBean.class);
        assertEquals(7L, proxy.getConnectionsTracked());
        assertEquals("observe", proxy.getMode());
        assertThrows(AttributeNotFoundException.class,
                () -> server.setAttribute(name, new Attribute("CallSites", null)));
    }
}
