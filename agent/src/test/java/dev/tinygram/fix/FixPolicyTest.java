package dev.tinygram.fix;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.conn.Api;
import dev.tinygram.conn.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which connections a fix acts on, one test per rule. */
class FixPolicyTest {

    private static Endpoint to(String ip, int port) throws UnknownHostException {
        InetAddress remote = InetAddress.getByName(ip);   // a literal: no DNS
        InetSocketAddress local = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40000);
        return new Endpoint(Api.SOCKET, local, new InetSocketAddress(remote, port), false);
    }

    private static FixPolicy policy(String include, String exclude) {
        return new FixPolicy(true, false, false, HostPortPattern.parseList(include),
                HostPortPattern.parseList(exclude), 1_000_000, 0);
    }

    @Test
    void emptyIncludeAppliesToAll() throws Exception {
        FixPolicy p = policy("", "");
        assertTrue(p.appliesTo(to("127.0.0.1", 80)));
        assertTrue(p.appliesTo(to("10.2.3.4", 6379)));
    }

    @Test
    void includeLimitsToMatchingRemotes() throws Exception {
        FixPolicy p = policy("*:6379;10.1.*:5432", "");
        assertTrue(p.appliesTo(to("10.9.9.9", 6379)));
        assertTrue(p.appliesTo(to("10.1.7.7", 5432)));
        assertFalse(p.appliesTo(to("10.9.9.9", 5432)));
        assertFalse(p.appliesTo(to("127.0.0.1", 80)));
    }

    @Test
    void excludeWinsOverInclude() throws Exception {
        FixPolicy p = policy("*:6379", "127.0.0.1:*");
        assertFalse(p.appliesTo(to("127.0.0.1", 6379)), "matched by both: excluded");
        assertTrue(p.appliesTo(to("10.0.0.1", 6379)));
    }

    @Test
    void excludeAloneRemovesFromAll() throws Exception {
        FixPolicy p = policy("", "*:22");
        assertFalse(p.appliesTo(to("10.0.0.1", 22)));
        assertTrue(p.appliesTo(to("10.0.0.1", 23)));
    }

    @Test
    void remoteIsMatchedAsNumericHostPort() throws Exception {
        FixPolicy p = policy("10.0.0.1:9000;[0:0:0:0:0:0:0:1]:*", "");
        assertTrue(p.appliesTo(to("10.0.0.1", 9000)));
        assertTrue(p.appliesTo(to("::1", 9000)), "IPv6 remotes are matched as [addr]:port");
        assertFalse(p.appliesTo(to("127.0.0.1", 9000)));
    }

    @Test
    void ipv6PatternInCompressedFormMatches() throws Exception {
        // "[::1]:*" is how anyone writes the IPv6 loopback; Endpoint.text gives "[0:0:0:0:0:0:0:1]:port"
        FixPolicy p = policy("[::1]:*", "");
        assertTrue(p.appliesTo(to("::1", 9000)), "an IPv6 pattern matches whatever way the address is written");
    }

    @Test
    void policyThatFixesNothingAppliesToNothing() throws Exception {
        assertFalse(FixPolicy.none().fixes());
        assertFalse(FixPolicy.none().appliesTo(to("127.0.0.1", 80)));
        FixPolicy off = new FixPolicy(false, false, false, HostPortPattern.parseList("*:*"), List.of(), 0, 0);
        assertFalse(off.appliesTo(to("127.0.0.1", 80)));
    }

    @Test
    void eitherNodelayOrCoalesceFixes() {
        assertTrue(new FixPolicy(true, false, false, List.of(), List.of(), 0, 0).fixes());
        assertTrue(new FixPolicy(false, true, false, List.of(), List.of(), 0, 0).fixes());
    }
}
