package dev.tinygram.it.integrity;

import dev.tinygram.it.integrity.Harness.Ctx;

/**
 * {@code slow-reader}: the echo of {@link EchoScenario} with one or two writers of only small records (below one
 * MSS: under mode=coalesce every one is buffered), about a megabyte of them, while the reader stops now and then
 * for 20..100 ms and once for 1 s, as an application busy with what it read (mostly with 32 or 64 KB socket buffers
 * at both ends): the pipe fills up both ways, and must drain again when the reader comes back.
 */
final class SlowReaderScenario implements Scenario {
    @Override
    public String label() {
        return "slow-reader";
    }

    @Override
    public Runs runs() {
        return Runs.EXTRA;
    }

    @Override
    public String run(Harness h, Ctx x) throws Exception {
        return EchoScenario.echo(h, x, true);
    }
}
