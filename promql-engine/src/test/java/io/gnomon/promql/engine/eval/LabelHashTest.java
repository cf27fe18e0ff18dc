package io.gnomon.promql.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** XXH64 reference vectors (seed 0), covering the short, 4-byte, 8-byte and 32-byte-stripe paths. */
class LabelHashTest {
    private static long h(String s) {
        return LabelHash.xxh64(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void referenceVectors() {
        assertEquals(0xEF46DB3751D8E999L, h(""));
        assertEquals(0xD24EC4F1A98C6E5BL, h("a"));
        assertEquals(0x44BC2CF5AD770999L, h("abc"));
        assertEquals(0xFBCEA83C8A378BF1L, h("Nobody inspects the spammish repetition"));
    }
}
