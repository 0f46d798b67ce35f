package dev.tinygram.core;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ProfileTest {

    @Test
    void profilesAreFoundByName() {
        assertSame(Profile.LINUX, Profile.named("linux"));
        assertSame(Profile.RFC896, Profile.named("RFC896"));
        assertSame(Profile.WINDOWS, Profile.named("windows"));
    }

    @Test
    void autoIsTheProfileOfTheOsTheJvmRunsOn() {
        assertSame(Profile.forOs(System.getProperty("os.name")), Profile.named("auto"));
        assertSame(Profile.LINUX, Profile.forOs("Linux"));
        assertSame(Profile.WINDOWS, Profile.forOs("Windows 11"));
        assertSame(Profile.RFC896, Profile.forOs("Mac OS X"));
    }

    @Test
    void unknownProfileNamesTheBadValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Profile.named("bsd"));
        assertTrue(e.getMessage().contains("'bsd'"), e.getMessage());
    }

    @Test
    void linuxTimerIs40MsGrowingTo200() {
        assertEquals(40_000_000, Profile.LINUX.delayedAckNanos());
        assertEquals(200_000_000, Profile.LINUX.maxDelayedAckNanos());
    }
}
