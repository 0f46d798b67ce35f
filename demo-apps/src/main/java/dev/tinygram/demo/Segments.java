package dev.tinygram.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What left one socket, as the kernel counts it: {@code segs_out} (every segment, pure ACKs included) and
 * {@code data_segs_out} (segments carrying data) from {@code ss -tin}. Linux only; where ss is missing the
 * counts are unknown (-1).
 */
final class Segments {
    private static final Pattern SEGS_OUT = Pattern.compile("\\bsegs_out:(\\d+)");
    private static final Pattern DATA_SEGS_OUT = Pattern.compile("\\bdata_segs_out:(\\d+)");

    record Count(long segsOut, long dataSegsOut) {
        static final Count UNKNOWN = new Count(-1, -1);

        boolean known() {
            return segsOut >= 0;
        }
    }

    private Segments() {
    }

    static Count of(Socket socket) {
        InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        try {
            Process ss = new ProcessBuilder("ss", "-tinH", "state", "established",
                    "src", local.getAddress().getHostAddress() + ":" + local.getPort(),
                    "dst", remote.getAddress().getHostAddress() + ":" + remote.getPort())
                    .redirectErrorStream(true).start();
            String text = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!ss.waitFor(5, TimeUnit.SECONDS) || ss.exitValue() != 0) return Count.UNKNOWN;
            Matcher all = SEGS_OUT.matcher(text);
            Matcher data = DATA_SEGS_OUT.matcher(text);
            if (!all.find()) return Count.UNKNOWN;
            return new Count(Long.parseLong(all.group(1)), data.find() ? Long.parseLong(data.group(1)) : -1);
        } catch (IOException e) {
            return Count.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Count.UNKNOWN;
        }
    }

    /** Adds segments per request between two counts to a result, if both are known. */
    static void perRequest(Result result, Count before, Count after, int requests) {
        if (!before.known() || !after.known() || requests == 0) return;
        result.put("segs_per_req", Stats.twoDecimals((after.segsOut() - before.segsOut()) / (double) requests));
        if (before.dataSegsOut() >= 0 && after.dataSegsOut() >= 0) {
            result.put("data_segs_per_req",
                    Stats.twoDecimals((after.dataSegsOut() - before.dataSegsOut()) / (double) requests));
        }
    }
}
