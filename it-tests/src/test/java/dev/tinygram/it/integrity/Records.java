package dev.tinygram.it.integrity;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * The records the integrity app sends: {@code [payloadLength][threadId][seq][payload][crc32]}, big-endian ints, the
 * CRC over everything before it. A record's payload size and bytes are a pure function of (connection seed, thread,
 * seq), so a reader re-derives and compares every byte of what it gets back without being told what was sent.
 */
final class Records {
    static final int HEADER = 12;
    static final int TRAILER = 4;
    static final int OVERHEAD = HEADER + TRAILER;

    private Records() {}

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long seedOf(long connSeed, int thread, long seq) {
        return mix(connSeed ^ mix(0x9E3779B97F4A7C15L * (thread + 1) + seq));
    }

    /**
     * Payload sizes, skewed small: most 1..200 B, some up to a few KB, a few around and above one loopback MSS
     * (65483 B) so coalescing's pass-through and "would fill the buffer" paths both run, up to {@code max}.
     */
    static int payloadSize(long connSeed, int thread, long seq, int max, boolean smallOnly) {
        SplittableRandom r = new SplittableRandom(seedOf(connSeed, thread, seq) ^ 0x5151L);
        int p = r.nextInt(1000);
        int size;
        if (smallOnly || p < 700) size = 1 + r.nextInt(200);
        else if (p < 850) size = 201 + r.nextInt(4096 - 200);
        else if (p < 930) size = 4097 + r.nextInt(60000 - 4096);
        else if (p < 960) size = 65483 - 64 + r.nextInt(128);   // straddles one loopback MSS with the overhead
        else size = 65537 + r.nextInt(Math.max(1, max - 65536));
        return Math.min(size, max);
    }

    /** A whole record for (thread, seq). */
    static byte[] build(long connSeed, int thread, long seq, int payloadLength) {
        byte[] b = new byte[OVERHEAD + payloadLength];
        putInt(b, 0, payloadLength);
        putInt(b, 4, thread);
        putInt(b, 8, (int) seq);
        fill(b, HEADER, payloadLength, seedOf(connSeed, thread, seq));
        CRC32 crc = new CRC32();
        crc.update(b, 0, HEADER + payloadLength);
        putInt(b, HEADER + payloadLength, (int) crc.getValue());
        return b;
    }

    static void fill(byte[] b, int off, int len, long seed) {
        long s = seed;
        long word = 0;
        for (int i = 0; i < len; i++) {
            if ((i & 7) == 0) {
                s += 0x9E3779B97F4A7C15L;
                word = mix(s);
            }
            b[off + i] = (byte) (word >>> ((i & 7) << 3));
        }
    }

    /** The index of the first payload byte that differs from what (seed) generates, or -1. */
    static int firstMismatch(byte[] b, int off, int len, long seed) {
        long s = seed;
        long word = 0;
        for (int i = 0; i < len; i++) {
            if ((i & 7) == 0) {
                s += 0x9E3779B97F4A7C15L;
                word = mix(s);
            }
            if (b[off + i] != (byte) (word >>> ((i & 7) << 3))) return i;
        }
        return -1;
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /**
     * Verifies an echoed byte stream record by record, fed in whatever pieces the reads return. Per thread the seq
     * must go 0, 1, 2, ... with no gap or repeat; every record's size, payload bytes and CRC must be the ones its
     * (thread, seq) generates. The first violation is kept (described without payload bytes) and stops it.
     */
    static final class Verifier {
        private final long connSeed;
        private final int threads;
        private final int max;
        private final boolean smallOnly;
        private final long[] next;
        private byte[] acc = new byte[1 << 16];
        private int start;
        private int end;
        private long streamOffset;   // of acc[start]
        private long records;
        private long bytes;
        private String failure;

        Verifier(long connSeed, int threads, int max, boolean smallOnly) {
            this.connSeed = connSeed;
            this.threads = threads;
            this.max = max;
            this.smallOnly = smallOnly;
            this.next = new long[threads];
        }

        /** Feeds bytes read; returns false once a violation was found. */
        boolean feed(byte[] b, int off, int len) {
            if (failure != null) return false;
            bytes += len;
            ensure(len);
            System.arraycopy(b, off, acc, end, len);
            end += len;
            while (end - start >= HEADER) {
                int plen = getInt(acc, start);
                int thread = getInt(acc, start + 4);
                long seq = getInt(acc, start + 8) & 0xffffffffL;
                if (plen < 0 || plen > max) {
                    return fail("bad payload length " + plen + " at stream offset " + streamOffset
                            + " (stream out of step: bytes lost, duplicated or reordered before this point)");
                }
                if (thread < 0 || thread >= threads) {
                    return fail("bad thread id " + thread + " at stream offset " + streamOffset
                            + " (stream out of step)");
                }
                int total = OVERHEAD + plen;
                if (end - start < total) break;
                if (seq != next[thread]) {
                    return fail("thread " + thread + ": got seq " + seq + ", expected " + next[thread]
                            + (seq < next[thread] ? " (duplicate)" : " (missing records " + next[thread] + ".."
                            + (seq - 1) + ")") + " at stream offset " + streamOffset);
                }
                int expectedLength = payloadSize(connSeed, thread, seq, max, smallOnly);
                if (plen != expectedLength) {
                    return fail("thread " + thread + " seq " + seq + ": payload length " + plen + ", expected "
                            + expectedLength + " at stream offset " + streamOffset);
                }
                CRC32 crc = new CRC32();
                crc.update(acc, start, HEADER + plen);
                int sent = getInt(acc, start + HEADER + plen);
                int mismatch = firstMismatch(acc, start + HEADER, plen, seedOf(connSeed, thread, seq));
                if (mismatch >= 0 || sent != (int) crc.getValue()) {
                    return fail("thread " + thread + " seq " + seq + " (payload " + plen + " B) at stream offset "
                            + streamOffset + ": " + (mismatch >= 0 ? "payload byte " + mismatch + " differs" : "")
                            + (sent != (int) crc.getValue() ? (mismatch >= 0 ? ", " : "") + "crc32 mismatch" : ""));
                }
                next[thread]++;
                records++;
                start += total;
                streamOffset += total;
            }
            if (start == end) {
                start = 0;
                end = 0;
            }
            return true;
        }

        private void ensure(int more) {
            if (end + more <= acc.length) return;
            int live = end - start;
            if (live + more <= acc.length && start > 0) {
                System.arraycopy(acc, start, acc, 0, live);
            } else {
                byte[] bigger = new byte[Math.max(acc.length * 2, live + more)];
                System.arraycopy(acc, start, bigger, 0, live);
                acc = bigger;
            }
            start = 0;
            end = live;
        }

        private boolean fail(String what) {
            failure = what;
            return false;
        }

        String failure() {
            return failure;
        }

        long records() {
            return records;
        }

        long bytes() {
            return bytes;
        }

        /** Bytes of a record begun and not finished (after EOF: a torn record). */
        int partial() {
            return end - start;
        }

        long received(int thread) {
            return next[thread];
        }

        /** At EOF of a complete exchange: every thread's records all came back, nothing after them. */
        String checkComplete(long[] sent) {
            if (failure != null) return failure;
            if (partial() != 0) {
                return partial() + " B of an unfinished record at EOF (stream offset " + streamOffset + ")";
            }
            for (int t = 0; t < threads; t++) {
                if (next[t] != sent[t]) {
                    return "thread " + t + ": " + next[t] + " of " + sent[t] + " records came back before EOF"
                            + " (received so far: " + Arrays.toString(next) + ")";
                }
            }
            return null;
        }
    }
}
