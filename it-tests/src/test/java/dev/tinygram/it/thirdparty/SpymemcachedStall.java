package dev.tinygram.it.thirdparty;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;

/** spymemcached {@code set key <16 KiB>}; {@code setUseNagleAlgorithm(true)} unless --nodelay (library default). */
public final class SpymemcachedStall {

    public static void main(String[] args) throws Exception {
        System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SunLogger");
        java.util.logging.Logger.getLogger("net.spy.memcached").setLevel(java.util.logging.Level.WARNING);
        Bench b = Bench.parse(args);
        ExternalServer server = b.hasPort() ? null : ExternalServer.memcached();
        int port = b.hasPort() ? b.port : server.port();
        MemcachedClient mc = new MemcachedClient(new ConnectionFactoryBuilder()
                .setUseNagleAlgorithm(!b.nodelay).setOpTimeout(10_000).build(),
                List.of(new InetSocketAddress(b.host, port)));
        try {
            b.run("spymemcached", i -> {
                String key = "tinygram:" + i;
                byte[] value = b.payload(i);
                Bench.check(mc.set(key, 0, value).get(10, TimeUnit.SECONDS), "set");
                if (i >= 0) {
                    Bench.check(Arrays.equals(value, (byte[]) mc.get(key)), "get value");
                }
            });
        } finally {
            mc.shutdown(5, TimeUnit.SECONDS);
            if (server != null) {
                server.close();
            }
        }
    }
}
