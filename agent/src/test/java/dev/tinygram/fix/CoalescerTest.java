package dev.tinygram.fix;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.fix.CoalesceStats.Cause;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The coalescer's rules, one test per rule. The timer's deadline is an hour away, so only the test flushes. */
class CoalescerTest {
    private static final int BOUND = 100;
    private static final long NEVER = TimeUnit.HOURS.toNanos(1);
    private static final FlushTimer TIMER = new FlushTimer(TimeUnit.MILLISECONDS.toNanos(2));

    private final Object socket = new Object();
    /** Marks the test's own writes of pass-through data, standing for the JDK's write. */
    private final Object jdk = new Object();
    private final Recorder recorder = new Recorder();
    private final CoalesceStats stats = new CoalesceStats();
    private final Coalescer coalescer = new Coalescer(BOUND, NEVER, recorder, TIMER, new SendThreads(), stats, System::nanoTime);

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) (seed + i);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private Object write(byte[] data) {
        return CoalescerCalls.write(coalescer, socket, ByteBuffer.wrap(data));
    }

    /** The application's write as tinygram's hook runs it: a null answer means the JDK writes it itself. */
    private void appWrite(byte[] data) throws IOException {
        Object r = write(data);
        if (r == null) {
            recorder.write(jdk, data, 0, data.length);
        } else if (r instanceof IOException e) {
            throw e;
        } else {
            assertEquals(Boolean.TRUE, r);
        }
    }

    @Test
    void smallWriteIsBufferedNotSent() {
        assertEquals(Boolean.TRUE, write(bytes(BOUND - 1, 1)));
        assertEquals(0, recorder.attempts(), "nothing reaches the socket for a write below the bound");
        assertEquals(BOUND - 1, coalescer.buffered());
    }

    @Test
    void bufferedWritesLeaveAsOneSendOnFlush() {
        byte[] a = bytes(10, 1), b = bytes(20, 50), c = bytes(30, 90);
        write(a);
        write(b);
        write(c);
        assertNull(CoalescerCalls.flush(coalescer, socket, Cause.READ));
        List<Recorder.Call> calls = recorder.calls();
        assertEquals(1, calls.size(), "three small writes, one send");
        assertArrayEquals(concat(a, b, c), calls.get(0).bytes());
        assertSame(socket, calls.get(0).socket(), "the send goes to the coalescer's socket");
        assertEquals(0, coalescer.buffered());
    }

    @Test
    void onlyRemainingBytesOfTheBufferAreTaken() {
        byte[] array = bytes(50, 7);
        assertEquals(Boolean.TRUE, CoalescerCalls.write(coalescer, socket, ByteBuffer.wrap(array, 10, 15)));
        CoalescerCalls.flush(coalescer, socket, Cause.READ);
        assertArrayEquals(Arrays.copyOfRange(array, 10, 25), recorder.bytes());
    }

    @Test
    void bufferedBytesAreCopiedSoTheApplicationMayReuseItsArray() {
        byte[] array = bytes(10, 1);
        byte[] original = array.clone();
        write(array);
        Arrays.fill(array, (byte) 0x77);   // the JDK write was skipped: the app owns its array again
        CoalescerCalls.flush(coalescer, socket, Cause.READ);
        assertArrayEquals(original, recorder.bytes());
    }

    @Test
    void writeThatWouldFillSegmentSendsBufferFirstThenIsBuffered() {
        byte[] a = bytes(60, 1), b = bytes(40, 100);   // 60 + 40 == BOUND
        write(a);
        assertEquals(Boolean.TRUE, write(b), "the filling write is itself buffered");
        List<Recorder.Call> calls = recorder.calls();
        assertEquals(1, calls.size());
        assertArrayEquals(a, calls.get(0).bytes(), "the buffer went first, without the new write");
        assertEquals(40, coalescer.buffered());
        CoalescerCalls.flush(coalescer, socket, Cause.READ);
        assertArrayEquals(concat(a, b), recorder.bytes());
    }

    @Test
    void writeJustBelowFillingStaysInBuffer() {
        write(bytes(60, 1));
        write(bytes(39, 2));   // 99 < BOUND
        assertEquals(0, recorder.attempts());
        assertEquals(99, coalescer.buffered());
    }

    @Test
    void largeWritePassesThroughUncopiedAfterBufferIsSent() {
        byte[] small = bytes(30, 1);
        byte[] large = bytes(BOUND, 40);   // exactly one segment
        write(small);
        ByteBuffer data = ByteBuffer.wrap(large);
        assertNull(CoalescerCalls.write(coalescer, socket, data), "a whole segment goes through the JDK write itself");
        List<Recorder.Call> calls = recorder.calls();
        assertEquals(1, calls.size(), "the buffer was sent before the large write goes ahead");
        assertArrayEquals(small, calls.get(0).bytes());
        for (Recorder.Call c : calls) assertNotSame(large, c.array(), "the large array never reaches the writer");
        assertEquals(BOUND, data.remaining(), "the large write's bytes were not consumed (not copied)");
        assertEquals(0, coalescer.buffered());
        assertEquals(1, stats.writesBuffered(), "only the small write was buffered, not the pass-through one");
        assertEquals(30, stats.bytesBuffered.sum());
    }

    @Test
    void largeWriteWithEmptyBufferSendsNothing() {
        assertNull(write(bytes(2 * BOUND, 1)));
        assertEquals(0, recorder.attempts(), "no empty send before a pass-through write");
        assertEquals(0, stats.flushes(Cause.LARGE_WRITE));
    }

    @Test
    void flushOfEmptyBufferSendsNothing() {
        assertNull(CoalescerCalls.flush(coalescer, socket, Cause.READ));
        assertNull(CoalescerCalls.flush(coalescer, socket, Cause.CLOSE));
        assertEquals(0, recorder.attempts());
        assertEquals(0, stats.flushes(Cause.READ) + stats.flushes(Cause.CLOSE));
    }

    @Test
    void coalescedSendsStayBelowBound() throws IOException {
        Random random = new Random(7);
        for (int i = 0; i < 3000; i++) appWrite(bytes(1 + random.nextInt(2 * BOUND), i));
        CoalescerCalls.flush(coalescer, socket, Cause.CLOSE);
        List<Recorder.Call> sends = recorder.calls().stream().filter(c -> c.socket() == socket).toList();
        assertFalse(sends.isEmpty());
        for (Recorder.Call c : sends) {
            assertTrue(c.length() > 0 && c.length() < BOUND, "a coalesced send of " + c.length() + " B");
        }
    }

    @Test
    void orderIsPreservedOverManyRandomWrites() throws IOException {
        Random random = new Random(20240601L);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 5000; i++) {
            byte[] data = new byte[1 + random.nextInt(2 * BOUND)];
            random.nextBytes(data);
            expected.writeBytes(data);
            appWrite(data);
            if (random.nextInt(20) == 0) assertNull(CoalescerCalls.flush(coalescer, socket, Cause.READ));
            if (random.nextInt(50) == 0) {
                Arrays.fill(data, (byte) 0);   // reusing the array must not change what was written
            }
        }
        assertNull(CoalescerCalls.flush(coalescer, socket, Cause.CLOSE));
        assertArrayEquals(expected.toByteArray(), recorder.bytes());
    }

    @Test
    void failedSendIsReturnedByTheWriteThatCausedIt() {
        IOException broken = new IOException("broken pipe");
        write(bytes(60, 1));
        recorder.failWith(broken);
        assertSame(broken, write(bytes(60, 2)), "the filling write's send failed: the write throws");
    }

    @Test
    void largeWriteReturnsFailureOfTheSendBeforeIt() {
        IOException broken = new IOException("broken pipe");
        write(bytes(10, 1));
        recorder.failWith(broken);
        assertSame(broken, write(bytes(BOUND, 2)), "the JDK write must not go ahead after a failed send");
    }

    @Test
    void failureIsSticky() {
        IOException broken = new IOException("connection reset");
        write(bytes(10, 1));
        recorder.failWith(broken);
        assertSame(broken, CoalescerCalls.flush(coalescer, socket, Cause.READ));
        int attempts = recorder.attempts();
        assertSame(broken, write(bytes(5, 2)), "a small write after a failure throws it");
        assertSame(broken, write(bytes(BOUND * 2, 3)), "a large write after a failure throws it, never null");
        assertSame(broken, CoalescerCalls.flush(coalescer, socket, Cause.READ));
        assertSame(broken, CoalescerCalls.flush(coalescer, socket, Cause.SHUTDOWN));
        assertSame(broken, CoalescerCalls.flush(coalescer, socket, Cause.FULL));
        assertEquals(attempts, recorder.attempts(), "a failed socket is not written to again");
        assertEquals(0, coalescer.buffered(), "nothing is buffered after a failure");
        assertEquals(1, stats.writesBuffered(), "writes after a failure are not counted as buffered");
    }

    @Test
    void failedSendStaysFailedEvenIfSocketRecovers() {
        IOException broken = new IOException("reset");
        write(bytes(10, 1));
        recorder.failWith(broken);
        CoalescerCalls.flush(coalescer, socket, Cause.READ);
        recorder.failWith(null);
        assertSame(broken, write(bytes(10, 2)));
        assertSame(broken, CoalescerCalls.flush(coalescer, socket, Cause.READ));
        assertEquals(0, recorder.size(), "no bytes after the failed ones are ever sent");
    }

    @Test
    void closeAfterReportedFailureSucceeds() {
        IOException broken = new IOException("reset");
        write(bytes(10, 1));
        recorder.failWith(broken);
        assertSame(broken, CoalescerCalls.flush(coalescer, socket, Cause.READ));
        assertNull(CoalescerCalls.flush(coalescer, socket, Cause.CLOSE), "closing a socket whose failure was reported is fine");
        assertNull(CoalescerCalls.flush(coalescer, socket, Cause.CLOSE));
        assertSame(broken, write(bytes(1, 2)), "but writes still throw");
    }

    @Test
    void closeReportsFailureOfTheCloseSendItself() {
        IOException broken = new IOException("reset");
        write(bytes(10, 1));
        recorder.failWith(broken);
        assertSame(broken, CoalescerCalls.flush(coalescer, socket, Cause.CLOSE), "bytes lost at close are reported by the close");
        assertNull(CoalescerCalls.flush(coalescer, socket, Cause.CLOSE));
    }

    @Test
    void statsCountBufferedWritesAndBytes() throws IOException {
        write(bytes(10, 1));
        write(bytes(20, 2));
        write(bytes(BOUND, 3));   // passes through
        write(bytes(5, 4));
        assertEquals(3, stats.writesBuffered());
        assertEquals(35, stats.bytesBuffered.sum());
    }

    @Test
    void statsCountSendsByCause() {
        write(bytes(10, 1));
        CoalescerCalls.flush(coalescer, socket, Cause.READ);
        write(bytes(60, 2));
        write(bytes(60, 3));                      // FULL
        write(bytes(BOUND, 4));                   // LARGE_WRITE sends the 60
        write(bytes(10, 5));
        CoalescerCalls.flush(coalescer, socket, Cause.FLUSH);
        write(bytes(10, 6));
        CoalescerCalls.flush(coalescer, socket, Cause.CLOSE);
        CoalescerCalls.flush(coalescer, socket, Cause.CLOSE);     // empty: not counted
        assertEquals(1, stats.flushes(Cause.READ));
        assertEquals(1, stats.flushes(Cause.FULL));
        assertEquals(1, stats.flushes(Cause.LARGE_WRITE));
        assertEquals(1, stats.flushes(Cause.FLUSH));
        assertEquals(1, stats.flushes(Cause.CLOSE));
        assertEquals(0, stats.flushes(Cause.DELAY));
        assertEquals(5, recorder.calls().size());
    }

    @Test
    void shutdownSendsTheBufferAndLaterWritesGoStraightToTheSocket() throws IOException {
        byte[] a = bytes(10, 1), b = bytes(10, 2);
        appWrite(a);
        assertNull(CoalescerCalls.flush(coalescer, socket, Cause.SHUTDOWN));
        assertEquals(1, stats.flushes(Cause.SHUTDOWN));
        assertNull(write(b), "after shutdownOutput the JDK gets the write, and refuses it itself");
        assertEquals(0, coalescer.buffered());
        assertArrayEquals(a, recorder.bytes());
    }

    @Test
    void retiredCoalescerSendsWhatIsBufferedBeforeLettingAWriteThrough() throws IOException {
        byte[] a = bytes(10, 1), b = bytes(10, 2), c = bytes(10, 3);
        appWrite(a);
        coalescer.outputEnded();
        appWrite(b);
        appWrite(c);
        assertArrayEquals(concat(a, b, c), recorder.bytes(), "the buffered bytes first, then the writes, in order");
        assertEquals(0, coalescer.buffered());
    }

    @Test
    void statsDoNotCountFailedSends() {
        write(bytes(10, 1));
        recorder.failWith(new IOException("reset"));
        CoalescerCalls.flush(coalescer, socket, Cause.READ);
        assertEquals(0, stats.flushes(Cause.READ));
    }

    @Test
    void statsDescribeNamesEveryCause() {
        write(bytes(10, 1));
        write(bytes(20, 2));
        CoalescerCalls.flush(coalescer, socket, Cause.READ);
        assertTrue(stats.describe().startsWith("coalesced 2 writes (30 B) into sends on: read=1 full=0 flush=0 close=0"
                + " shutdown=0 delay=0 large_write=0; gaps between writes of one burst: p50 < "), stats.describe());
    }
}
