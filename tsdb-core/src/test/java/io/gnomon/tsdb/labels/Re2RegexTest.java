package io.gnomon.tsdb.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Re2RegexTest {

    @Test
    void groupsAreNumberedAsInGo() {
        Re2Regex r = Re2Regex.compile("(?:x)(a(b))(?i:c)(?P<name>d)|e");
        assertEquals(3, r.groupCount());
        assertEquals(3, r.groupIndex("name"));
        assertEquals(-1, r.groupIndex("nope"));
        java.util.regex.Matcher m = r.matcher("xabCd");
        assertTrue(m.matches());
        assertEquals("ab", m.group(1));
        assertEquals("b", m.group(2));
        assertEquals("d", m.group(3));
    }

    @Test
    void anchoredAndDotMatchesNewline() {
        Re2Regex r = Re2Regex.compile("a.c");
        assertTrue(r.matches("a\nc"));
        assertFalse(r.matches("xa.c"));
        assertFalse(r.matches("abcx"));
    }

    @Test
    void rejectsWhatRe2Rejects() {
        assertThrows(InvalidMatcherException.class, () -> Re2Regex.compile("(?<!a)b"));
        assertThrows(InvalidMatcherException.class, () -> Re2Regex.compile("(a"));
        assertThrows(InvalidMatcherException.class, () -> Re2Regex.compile("(a)\\1"));
    }

    @Test
    void equalWhenCompiledFromTheSameText() {
        assertEquals(Re2Regex.compile("a(b)"), Re2Regex.compile("a(b)"));
        assertFalse(Re2Regex.compile("a(b)").equals(Re2Regex.compile("a(c)")));
    }
}
