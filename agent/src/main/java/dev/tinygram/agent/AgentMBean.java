package dev.tinygram.agent;

import dev.tinygram.report.CallSiteTotals;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.ReflectionException;
import javax.management.StandardMBean;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;

/**
 * What is registered as {@code dev.tinygram:type=Agent}: the {@link AgentMXBean} (so its proxies, jconsole and
 * {@code status} work as before), plus the read-only {@code CallSites} table ({@link CallSiteTable}), which an
 * MXBean interface cannot declare.
 */
final class AgentMBean extends StandardMBean {
    private final Supplier<List<CallSiteTotals>> callSites;
    private volatile MBeanInfo info;

    AgentMBean(AgentMXBean view, Supplier<List<CallSiteTotals>> callSites) {
        super(view, AgentMXBean.class, true);
        this.callSites = callSites;
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        MBeanInfo i = info;
        if (i == null) {
            MBeanInfo mx = super.getMBeanInfo();
            MBeanAttributeInfo[] attributes = Arrays.copyOf(mx.getAttributes(), mx.getAttributes().length + 1);
            attributes[attributes.length - 1] = new OpenMBeanAttributeInfoSupport(CallSiteTable.ATTRIBUTE,
                    "stall totals per call site, at most maxCallSites rows and an 'other' row for the rest",
                    CallSiteTable.TYPE, true, false, false);
            i = new MBeanInfo(mx.getClassName(), mx.getDescription(), attributes, mx.getConstructors(),
                    mx.getOperations(), mx.getNotifications(), mx.getDescriptor());
            info = i;
        }
        return i;
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException, MBeanException, ReflectionException {
        if (!CallSiteTable.ATTRIBUTE.equals(name)) return super.getAttribute(name);
        try {
            return CallSiteTable.of(callSites.get());
        } catch (OpenDataException e) {
            throw new MBeanException(e, "cannot build the " + CallSiteTable.ATTRIBUTE + " table");
        }
    }

    /** Each attribute as {@link #getAttribute} gives it; one that fails is left out, as the contract says. */
    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList list = new AttributeList();
        for (String name : names) {
            try {
                list.add(new Attribute(name, getAttribute(name)));
            } catch (Exception e) {
                // left out: a bulk read (a JMX exporter's scrape) still gets every other attribute
            }
        }
        return list;
    }
}
