package dev.tinygram.it.thirdparty;

import java.nio.charset.StandardCharsets;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.config.SocketConfig;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

/**
 * Apache HttpClient 4.5 POST of a 16 KiB body over a kept-alive connection.
 *
 * <p>Stall: {@code SessionOutputBufferImpl.write(byte[],int,int)} flushes the buffered request head and then writes the
 * body straight to the socket because the body is larger than the 8 KiB buffer / fragment-size hint: two write()s,
 * then a read. With {@code SocketConfig.tcpNoDelay=false} the body waits for the server's delayed ACK of the head.
 * {@code --nodelay} uses {@code tcpNoDelay=true} (HttpClient's own default): same two writes, no stall.
 */
public final class HttpClient4Stall {

    public static void main(String[] args) throws Exception {
        Bench b = Bench.parse(args);
        LocalHttpServer server = b.hasPort() ? null : LocalHttpServer.start();
        int port = b.hasPort() ? b.port : server.port();
        PoolingHttpClientConnectionManager cm = new PoolingHttpClientConnectionManager();
        cm.setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(b.nodelay).build());
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(cm).build()) {
            String url = "http://" + b.host + ":" + port + "/echo";
            b.run("httpclient4", i -> {
                byte[] body = b.payload(i);
                HttpPost post = new HttpPost(url);
                post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_OCTET_STREAM));
                try (CloseableHttpResponse resp = client.execute(post)) {
                    String text = EntityUtils.toString(resp.getEntity(), StandardCharsets.US_ASCII);
                    Bench.check(resp.getStatusLine().getStatusCode() == 200, "status " + resp.getStatusLine());
                    Bench.check(LocalHttpServer.describe(body).equals(text), text);
                }
            });
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
