package io.gnomon.ingest.remotewrite;

import io.gnomon.tsdb.labels.SymbolTable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Maps UTF-8 bytes to the canonical ({@link SymbolTable#GLOBAL}-interned) {@link String}, so
 * that a label value seen in an earlier request costs a hash and a byte comparison instead of a
 * decode and an allocation. Validates UTF-8 on the way in.
 *
 * <p>Open addressing over parallel arrays; grows to {@code maxCapacity} slots and then starts
 * over empty (cheap eviction: the working set of a steady sender refills it within a request).
 * Owned by one thread.
 */
final class StringCache {

    private final int maxCapacity;
    private byte[][] keys;
    private String[] values;
    private int[] hashes;
    private int size;

    StringCache(int initialCapacity, int maxCapacity) {
        this.maxCapacity = Integer.highestOneBit(Math.max(16, maxCapacity));
        int cap = Integer.highestOneBit(Math.max(16, Math.min(initialCapacity, this.maxCapacity)));
        allocate(cap);
    }

    private void allocate(int cap) {
        keys = new byte[cap][];
        values = new String[cap];
        hashes = new int[cap];
        size = 0;
    }

    /** The canonical string of these bytes, or {@code null} when they are not valid UTF-8. */
    String get(byte[] b, int off, int len) {
        if (len == 0) {
            return "";
        }
        int h = hash(b, off, len);
        int mask = keys.length - 1;
        int i = h & mask;
        byte[] k;
        while ((k = keys[i]) != null) {
            if (hashes[i] == h && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        String s;
        if (Utf8.isAscii(b, off, len)) {
            s = new String(b, off, len, StandardCharsets.ISO_8859_1);
        } else if (Utf8.isValid(b, off, len)) {
            s = new String(b, off, len, StandardCharsets.UTF_8);
        } else {
            return null;
        }
        s = SymbolTable.GLOBAL.intern(s);
        if (size + 1 > (keys.length >> 1)) {
            allocate(keys.length < maxCapacity ? keys.length << 1 : keys.length);
            // The old entries are dropped rather than rehashed: they refill on demand.
            mask = keys.length - 1;
            i = h & mask;
        }
        keys[i] = Arrays.copyOfRange(b, off, off + len);
        values[i] = s;
        hashes[i] = h;
        size++;
        return s;
    }

    int size() {
        return size;
    }

    /** FNV-1a over 4 bytes at a time, finished with a murmur mix. */
    static int hash(byte[] b, int off, int len) {
        int h = 0x811c9dc5 ^ len;
        int end = off + len;
        int i = off;
        for (; i + 4 <= end; i += 4) {
            int w = (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | b[i + 3] << 24;
            h = (h ^ w) * 0x01000193;
        }
        for (; i < end; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
