package dev.tinygram.core;

/** Small builders shared by the core's tests. */
final class Models {
    static final int LOOPBACK_MSS = 65483;
    static final int ETHERNET_MSS = 1460;

    private Models() {}

    static long ms(double millis) {
        return Math.round(millis * 1_000_000);
    }

    /** An established connection whose peer is interactive (request/response in steady state). */
    static ConnectionModel established(Profile profile, int mss, double rttMs) {
        return new ConnectionModel(new ConnectionModel.Config(profile, mss, ms(rttMs), false, false));
    }

    static ConnectionModel fresh(Profile profile, int mss, double rttMs) {
        return new ConnectionModel(new ConnectionModel.Config(profile, mss, ms(rttMs), false, true));
    }

    static ConnectionModel loopback(Profile profile) {
        return established(profile, LOOPBACK_MSS, 0.05);
    }
}
