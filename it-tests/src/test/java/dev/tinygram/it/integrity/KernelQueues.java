package dev.tinygram.it.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the kernel holds for one loopback connection, both ends, from {@code ss -tino}: the watchdog's second
 * opinion before it calls a connection hung. Bytes in a send queue while the peer's reader waits are the kernel's
 * to move (a zero-window probe or a retransmission backing off), not something the agent lost or held:
 * the agent only ever holds bytes in user space. The lines go into the failure text either way.
 */
final class KernelQueues {
    /** The ss lines of the connection's sockets (the state line and its info line joined), or why there are none. */
    final List<String> lines;
    /** Bytes in the send queues of the connection's established sockets; -1 when ss could not say. */
    final long sendQueued;

    private KernelQueues(List<String> lines, long sendQueued) {
        this.lines = lines;
        this.sendQueued = sendQueued;
    }

    static KernelQueues of(int localPort) {
        if (localPort <= 0) return new KernelQueues(List.of("(no local port)"), -1);
        String filter = "( sport = :" + localPort + " or dport = :" + localPort + " )";
        try {
            Process p = new ProcessBuilder("ss", "-tinoH", "state", "established", filter)
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new KernelQueues(List.of("(ss did not answer in 5 s)"), -1);
            }
            return parse(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new KernelQueues(List.of("(ss: " + e.getMessage() + ")"), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new KernelQueues(List.of("(interrupted)"), -1);
        }
    }

    /** Parses {@code ss -tinoH} output: a state line ("Recv-Q Send-Q local peer [timer]") then an indented info line. */
    static KernelQueues parse(String out) {
        List<String> lines = new ArrayList<>();
        long queued = 0;
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            if (Character.isWhitespace(line.charAt(0)) && !lines.isEmpty()) {
                int last = lines.size() - 1;
                lines.set(last, lines.get(last) + " |" + line.strip());
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) return new KernelQueues(List.of("(ss said: " + line.strip() + ")"), -1);
            try {
                // with a state filter ss leaves the state column out: Recv-Q, Send-Q, local, peer
                queued += Long.parseLong(f[1]);
            } catch (NumberFormatException e) {
                return new KernelQueues(List.of("(ss said: " + line.strip() + ")"), -1);
            }
            lines.add(line.strip());
        }
        if (lines.isEmpty()) return new KernelQueues(List.of("(no established socket)"), 0);
        return new KernelQueues(List.copyOf(lines), queued);
    }

    /** Whether the kernel holds bytes to send: the stall is the kernel's, and it will move them. */
    boolean kernelHoldsBytes() {
        return sendQueued > 0;
    }

    String describe() {
        return "kernel queues (ss -tino): " + (sendQueued < 0 ? "unknown" : sendQueued + " B to send")
                + "\n        " + String.join("\n        ", lines);
    }
}
