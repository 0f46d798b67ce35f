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

    /** Loopback: the RTT is known (50 us) and never learned. */
    static ConnectionModel loopback(Profile profile) {
        return new ConnectionModel(new ConnectionModel.Config(profile, LOOPBACK_MSS, ms(0.05),
                RttEstimate.Source.LOOPBACK, false, false));
    }

    /** A connection whose first RTT bound is the time its connect took. */
    static ConnectionModel connected(Profile profile, int mss, double rttMs, boolean fresh) {
        return new ConnectionModel(new ConnectionModel.Config(profile, mss, ms(rttMs), RttEstimate.Source.CONNECT,
                false, fresh));
    }
}
