package io.gnomon.promql.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.promql.parser.ParseException;
import io.gnomon.promql.parser.PromQLParser;
import org.junit.jupiter.api.Test;

class StorageRegexSupportTest {

    @Test
    void invalidRegexIsAParseError() {
        ParseException e = assertThrows(ParseException.class,
            () -> PromQLParser.parse("up{job=~\"(\"}", StorageRegexSupport.INSTANCE));
        assertTrue(e.getMessage().contains("error parsing regexp: missing closing )"), e.getMessage());
        // RE2 rejects what java.util.regex would accept.
        assertThrows(ParseException.class, () -> PromQLParser.parse("up{job=~\"(a)\\\\1\"}", StorageRegexSupport.INSTANCE));
        assertThrows(ParseException.class, () -> PromQLParser.parse("up{job=~\"a(?=b)\"}", StorageRegexSupport.INSTANCE));
        assertDoesNotThrow(() -> PromQLParser.parse("up{job=~\"(?P<x>a|b)\"}", StorageRegexSupport.INSTANCE));
    }

    @Test
    void emptyMatcherRuleUsesRe2() {
        assertThrows(ParseException.class, () -> PromQLParser.parse("{job=~\".*\"}", StorageRegexSupport.INSTANCE));
        assertDoesNotThrow(() -> PromQLParser.parse("{job=~\".+\"}", StorageRegexSupport.INSTANCE));
        assertDoesNotThrow(() -> PromQLParser.parse("{job!~\".*\"}", StorageRegexSupport.INSTANCE));
    }
}
