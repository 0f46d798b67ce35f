package dev.tinygram.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * write-write-read over TLS: header and body are two writes to the {@link SSLSocket}'s
 * OutputStream, so they leave as two TLS records in two TCP segments, and the second waits for
 * the server's delayed ACK exactly as in plain TCP. The handshake happens before timing starts.
 *
 * <p>The key store {@code demo-keystore.p12} next to this class is DEMO-ONLY TEST DATA: a
 * self-signed EC P-256 certificate for CN=localhost (SAN IP 127.0.0.1, DNS localhost), valid
 * 36500 days, with the public password {@value #PASSWORD}. It protects nothing; never use it
 * outside these loopback demos. It was generated once with:
 * <pre>
 * keytool -genkeypair -alias tinygram-demo -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
 *   -dname CN=localhost -ext san=ip:127.0.0.1,dns:localhost -validity 36500 -storetype PKCS12 \
 *   -keystore demo-keystore.p12 -storepass tinygram-demo -keypass tinygram-demo
 * </pre>
 */
final class TlsClient extends RequestResponseDemo {
    static final String KEYSTORE_RESOURCE = "demo-keystore.p12";
    static final String ALIAS = "tinygram-demo";
    static final String PASSWORD = "tinygram-demo";
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    @Override
    public String name() {
        return "tls-client";
    }

    @Override
    public String description() {
        return "SSLSocket client: header write, body write (two TLS records), read (stalls)";
    }

    @Override
    String expectation() {
        return "two TLS records then a read with Nagle on: expect ~40 ms stalls on Linux";
    }

    static KeyStore demoKeyStore() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = TlsClient.class.getResourceAsStream(KEYSTORE_RESOURCE)) {
            if (in == null) {
                throw new IOException("missing resource " + KEYSTORE_RESOURCE);
            }
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    /** Server context: the demo key and certificate. */
    static SSLContext serverContext(KeyStore ks) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** Client context: trusts exactly the demo certificate. */
    static SSLContext clientContext(KeyStore ks) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(ALIAS, ks.getCertificate(ALIAS));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        int requests = requests(o);
        int warmup = warmup(o);
        Integrity integrity = new Integrity(name(), err);
        KeyStore ks = demoKeyStore();
        SSLServerSocket serverSocket = (SSLServerSocket) serverContext(ks).getServerSocketFactory()
                .createServerSocket(0, 128, Net.loopback());
        serverSocket.setEnabledProtocols(PROTOCOLS);
        RequestLoop.Timing timing;
        String protocol;
        try (DemoServer server = DemoServer.start(name(), serverSocket,
                DemoServer.oneWriteResponder(integrity), integrity);
             SSLSocket socket = (SSLSocket) clientContext(ks).getSocketFactory()
                     .createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(Net.READ_TIMEOUT_MS);
            SSLParameters params = socket.getSSLParameters();
            params.setProtocols(PROTOCOLS);
            params.setEndpointIdentificationAlgorithm("HTTPS"); // checks the SAN ip:127.0.0.1
            socket.setSSLParameters(params);
            socket.startHandshake();
            protocol = socket.getSession().getProtocol();
            OutputStream os = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            timing = RequestLoop.run(warmup, requests, seq -> {
                byte[] body = Codec.requestBody(seq);
                os.write(Codec.header(seq, body));
                os.write(body); // tinygram:later-write
                integrity.verify("client", Codec.readResponse(in, seq));
            });
        }
        Result r = Result.latency(name(), timing.summary()).put("tls", protocol);
        return report(o, out, timing.summary(), integrity, r);
    }
}
