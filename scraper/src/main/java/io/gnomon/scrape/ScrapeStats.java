package io.gnomon.scrape;

import java.util.concurrent.atomic.LongAdder;

/** Counters over all scrapes, exported on Gnomon's own {@code /metrics}. */
public final class ScrapeStats {
    final LongAdder samples = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder scrapes = new LongAdder();

    /** Samples parsed from scrape bodies. */
    public long samplesScraped() {
        return samples.sum();
    }

    /** Samples the storage refused (out of order, duplicate, too old...); the scrape itself succeeded. */
    public long samplesRejected() {
        return rejected.sum();
    }

    /** Scrapes that failed (the target was reported down). */
    public long scrapesFailed() {
        return failed.sum();
    }

    /** Ticks skipped because the previous scrape of the target was still running. */
    public long scrapesSkipped() {
        return skipped.sum();
    }
}
