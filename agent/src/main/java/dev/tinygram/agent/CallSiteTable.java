package dev.tinygram.agent;

import dev.tinygram.report.CallSiteTotals;
import java.util.List;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;
import javax.management.openmbean.TabularType;

/**
 * The per-call-site totals as open data: a table indexed by {@code call_site} and {@code direction} (a call site
 * is one side's, so the pair is as unique as the site), one numeric column per total.
 * Monitoring bridges read it as labelled series: the Prometheus JMX exporter makes each index column a label
 * (named as the column, hence {@code call_site}) and each other column a value. An MXBean cannot declare such a
 * table (it maps a {@code Map} to a {@code key}/{@code value} table, and a {@code TabularData} to a bean), so
 * {@link AgentMBean} adds it beside the MXBean's attributes.
 */
final class CallSiteTable {
    static final String ATTRIBUTE = "CallSites";
    static final String INDEX = "call_site";
    static final String DIRECTION = "direction";
    private static final String[] ITEMS = {INDEX, DIRECTION, "stallsPredicted", "stallsNotPredicted", "stallsConfirmed",
            "stallsAvoided", "waitMs"};
    private static final String[] DESCRIPTIONS = {
            "the call site of the held write (Class.method(File.java:line)), or 'other' for those past maxCallSites",
            "outbound (our write held: fix with nodelay or coalesce), inbound (our read waits for the peer's held"
                    + " rest: fix with quickack), or any (the other row)",
            "stalls predicted and reported",
            "delayed-ACK stalls only the measured wait showed",
            "predicted stalls the measured wait confirmed",
            "stalls avoided by mode=nodelay or mode=coalesce",
            "milliseconds the reported stalls waited beyond the path's round trip"};
    private static final OpenType<?>[] TYPES = {SimpleType.STRING, SimpleType.STRING, SimpleType.LONG, SimpleType.LONG, SimpleType.LONG,
            SimpleType.LONG, SimpleType.DOUBLE};
    static final CompositeType ROW;
    static final TabularType TYPE;

    static {
        try {
            ROW = new CompositeType("dev.tinygram.CallSite", "one call site's stall totals", ITEMS, DESCRIPTIONS,
                    TYPES);
            TYPE = new TabularType("dev.tinygram.CallSites", "stall totals per call site", ROW,
                    new String[] {INDEX, DIRECTION});
        } catch (OpenDataException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CallSiteTable() {}

    static TabularData of(List<CallSiteTotals> rows) throws OpenDataException {
        TabularDataSupport table = new TabularDataSupport(TYPE);
        for (CallSiteTotals t : rows) {
            table.put(new CompositeDataSupport(ROW, ITEMS, new Object[] {t.callSite(), t.direction(), t.stallsPredicted(),
                    t.stallsNotPredicted(), t.stallsConfirmed(), t.stallsAvoided(), t.waitMs()}));
        }
        return table;
    }
}
