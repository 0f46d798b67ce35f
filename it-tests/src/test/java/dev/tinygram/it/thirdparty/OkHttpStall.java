package dev.tinygram.it.thirdparty;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** OkHttp 4 POST of a 16 KiB body. OkHttp never sets TCP_NODELAY; --nodelay installs a SocketFactory that does. */
public final class OkHttpStall {

    public static void main(String[] args) throws Exception {
        Bench b = Bench.parse(args);
        LocalHttpServer server = b.hasPort() ? null : LocalHttpServer.start();
        int port = b.hasPort() ? b.port : server.port();
        OkHttpClient.Builder builder = new OkHttpClient.Builder();
        if (b.nodelay) {
            builder.socketFactory(new NoDelaySocketFactory());
        }
        OkHttpClient client = builder.build();
        MediaType octets = MediaType.get("application/octet-stream");
        try {
            String url = "http://" + b.host + ":" + port + "/echo";
            b.run("okhttp", i -> {
                byte[] body = b.payload(i);
                Request req = new Request.Builder().url(url).post(RequestBody.create(body, octets)).build();
                try (Response resp = client.newCall(req).execute()) {
                    Bench.check(resp.code() == 200, "status " + resp.code());
                    String text = resp.body().string();
                    Bench.check(LocalHttpServer.describe(body).equals(text), text);
                }
            });
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
            if (server != null) {
                server.close();
            }
        }
    }

    /** OkHttp creates unconnected sockets through createSocket(); set TCP_NODELAY on them. */
    static final class NoDelaySocketFactory extends SocketFactory {
        private final SocketFactory d = SocketFactory.getDefault();

        private static Socket nd(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override public Socket createSocket() throws IOException { return nd(d.createSocket()); }
        @Override public Socket createSocket(String h, int p) throws IOException { return nd(d.createSocket(h, p)); }
        @Override public Socket createSocket(String h, int p, InetAddress la, int lp) throws IOException {
            return nd(d.createSocket(h, p, la, lp));
        }
        @Override public Socket createSocket(InetAddress h, int p) throws IOException { return nd(d.createSocket(h, p)); }
        @Override public Socket createSocket(InetAddress h, int p, InetAddress la, int lp) throws IOException {
            return nd(d.createSocket(h, p, la, lp));
        }
    }
}
