package io.gnomon.tsdb.chunkenc;

import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.ValueType;

/**
 * A chunk's sample iterator together with the chunk's {@link StStream}: {@link #atST()} is the
 * current sample's start timestamp. Every sample is stepped through (the ST stream is decoded in
 * order), so {@link #seek} advances with {@link #next} rather than delegating.
 */
public final class StSampleIterator implements SampleIterator {
    private final SampleIterator in;
    private final StStream.Reader st;
    private boolean started;
    private ValueType current = ValueType.NONE;
    private long stAt;

    public StSampleIterator(SampleIterator in, StStream.Reader st) {
        this.in = in;
        this.st = st;
    }

    @Override
    public ValueType next() {
        if (started && current == ValueType.NONE) {
            return ValueType.NONE;
        }
        started = true;
        current = in.next();
        if (current != ValueType.NONE) {
            stAt = st.next(in.atT());
        }
        return current;
    }

    @Override
    public ValueType seek(long t) {
        if (started && (current == ValueType.NONE || in.atT() >= t)) {
            return current;
        }
        ValueType vt = next();
        while (vt != ValueType.NONE && in.atT() < t) {
            vt = next();
        }
        return vt;
    }

    @Override
    public long atT() {
        return in.atT();
    }

    @Override
    public double atV() {
        return in.atV();
    }

    @Override
    public long atST() {
        return stAt;
    }

    @Override
    public Throwable err() {
        Throwable e = in.err();
        if (e == null && st.err() != null) {
            return CorruptChunkException.stStream(st.err());
        }
        return e;
    }
}
