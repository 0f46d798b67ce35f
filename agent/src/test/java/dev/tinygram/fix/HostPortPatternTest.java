package dev.tinygram.fix;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** host:port globs, one test per rule. */
class HostPortPatternTest {

    private static HostPortPattern one(String text) {
        List<HostPortPattern> list = HostPortPattern.parseList(text);
        assertEquals(1, list.size());
        return list.get(0);
    }

    @Test
    void starAsPortMatchesEveryPortOfThatHost() {
        HostPortPattern p = one("127.0.0.1:*");
        assertTrue(p.matches("127.0.0.1:80"));
        assertTrue(p.matches("127.0.0.1:65535"));
        assertFalse(p.matches("127.0.0.10:80"), "the host must match whole");
        assertFalse(p.matches("127.0.0.2:80"));
    }

    @Test
    void starAsHostMatchesEveryHostOnThatPort() {
        HostPortPattern p = one("*:6379");
        assertTrue(p.matches("10.0.0.1:6379"));
        assertTrue(p.matches("[::1]:6379"));
        assertFalse(p.matches("10.0.0.1:63790"), "the port must match whole");
        assertFalse(p.matches("10.0.0.1:16378"));
    }

    @Test
    void starInsideHostMatchesAnyRun() {
        HostPortPattern p = one("10.1.*:5432");
        assertTrue(p.matches("10.1.2.3:5432"));
        assertTrue(p.matches("10.1.255.255:5432"));
        assertFalse(p.matches("10.10.2.3:5432"), "10.1. is a literal prefix");
        assertFalse(p.matches("10.1.2.3:5433"));
        assertFalse(p.matches("11.1.2.3:5432"));
    }

    @Test
    void exactPatternMatchesOnlyItself() {
        HostPortPattern p = one("192.168.0.5:8080");
        assertTrue(p.matches("192.168.0.5:8080"));
        assertFalse(p.matches("192.168.0.5:808"));
        assertFalse(p.matches("192.168.0.55:8080"));
        assertFalse(p.matches("x192.168.0.5:8080"));
    }

    @Test
    void dotsAreLiteralNotRegex() {
        HostPortPattern p = one("10.0.0.1:80");
        assertFalse(p.matches("10a0b0c1:80"));
    }

    @Test
    void bracketedIpv6PatternMatches() {
        HostPortPattern p = one("[::1]:*");   // connections are matched in the JDK's full numeric form
        assertTrue(p.matches("[0:0:0:0:0:0:0:1]:9000"));
        assertFalse(p.matches("[0:0:0:0:0:0:0:2]:9000"));
    }

    @Test
    void listIsSplitOnSemicolonsTrimmedAndBlanksSkipped() {
        List<HostPortPattern> list = HostPortPattern.parseList(" 127.0.0.1:* ;; *:6379 ;");
        assertEquals(2, list.size());
        assertEquals("127.0.0.1:*", list.get(0).toString());
        assertEquals("*:6379", list.get(1).toString());
        assertTrue(list.get(0).matches("127.0.0.1:1"));
    }

    @Test
    void entryWithoutColonIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostPortPattern.parseList("127.0.0.1:*;localhost"));
        assertTrue(e.getMessage().contains("'localhost'"), e.getMessage());
    }
}
