package io.gnomon.tsdb.labels;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class SymbolTableTest {

    @Test
    void sameInstanceForEqualStrings() {
        String a = SymbolTable.GLOBAL.intern(new String("job".toCharArray()));
        String b = SymbolTable.GLOBAL.intern(new String("job".toCharArray()));
        assertSame(a, b);
    }

    @Test
    void uniqueValuesDoNotAccumulate() {
        // Two million distinct 40-char values (unique trace ids, say) interned and dropped: the
        // heap must come back down, which a strong map would not allow (~300 MB retained).
        long before = usedAfterGc();
        for (int i = 0; i < 2_000_000; i++) {
            Labels.of("trace_id", String.format("%040x", i * 2654435761L + 17));
        }
        long after = usedAfterGc();
        assertTrue(after - before < 64L << 20, "heap grew by " + ((after - before) >> 20) + " MiB");
    }

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
