package dev.tinygram.it.thirdparty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Jedis {@code SET key <16 KiB>}. Jedis' own socket factory always sets TCP_NODELAY (the --nodelay run uses it);
 * the stalling run plugs in a JedisSocketFactory that leaves Nagle on.
 */
public final class JedisStall {

    public static void main(String[] args) throws Exception {
        Bench b = Bench.parse(args);
        ExternalServer server = b.hasPort() ? null : ExternalServer.redis();
        int port = b.hasPort() ? b.port : server.port();
        HostAndPort hp = new HostAndPort(b.host, port);
        DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().timeoutMillis(10_000).build();
        try (Jedis jedis = b.nodelay ? new Jedis(hp, cfg) : new Jedis(new NagleSocketFactory(hp, 10_000), cfg)) {
            b.run("jedis", i -> {
                byte[] key = ("tinygram:" + i).getBytes();
                byte[] value = b.payload(i);
                Bench.check("OK".equals(jedis.set(key, value)), "SET reply");
                if (i >= 0) { // integrity check; the GET is a single small write
                    Bench.check(Arrays.equals(value, jedis.get(key)), "GET value");
                }
            });
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Plain socket with TCP_NODELAY left off (the JDK default). */
    static final class NagleSocketFactory implements JedisSocketFactory {
        private final HostAndPort hp;
        private final int timeout;

        NagleSocketFactory(HostAndPort hp, int timeout) {
            this.hp = hp;
            this.timeout = timeout;
        }

        @Override
        public Socket createSocket() {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(false);
                s.setKeepAlive(true);
                s.connect(new InetSocketAddress(hp.getHost(), hp.getPort()), timeout);
                s.setSoTimeout(timeout);
                return s;
            } catch (IOException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a failed socket
                }
                throw new JedisConnectionException("connect to " + hp, e);
            }
        }
    }
}
