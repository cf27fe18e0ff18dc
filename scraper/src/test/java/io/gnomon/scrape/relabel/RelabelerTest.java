package io.gnomon.scrape.relabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gnomon.scrape.config.ConfigLoader;
import io.gnomon.scrape.config.RelabelConfig;
import io.gnomon.tsdb.labels.Labels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Relabel rules as written in YAML, an input label set, and the expected output (null: dropped). */
class RelabelerTest {

    static List<RelabelConfig> rules(String yaml) {
        return ConfigLoader.parse("t.yml", "scrape_configs:\n  - job_name: j\n    relabel_configs:\n" + yaml.indent(6),
            Path.of(".")).scrapeConfigs().get(0).relabelConfigs();
    }

    static void check(String yaml, Labels in, Labels want) {
        Labels got = new Relabeler().process(in, rules(yaml));
        assertEquals(want, got, yaml);
    }

    static final Labels IN = Labels.of("a", "foo", "b", "bar", "c", "baz", "__meta_x", "1");

    @Test
    void replace() {
        check("- source_labels: [a]\n  regex: f(.*)\n  target_label: d\n  replacement: ch${1}-ch${1}",
            IN, Labels.of("a", "foo", "b", "bar", "c", "baz", "__meta_x", "1", "d", "choo-choo"));
        // defaults: regex (.*), replacement $1, action replace
        check("- source_labels: [a, b]\n  target_label: d", IN,
            Labels.of("a", "foo", "b", "bar", "c", "baz", "__meta_x", "1", "d", "foo;bar"));
        // no match: unchanged
        check("- source_labels: [a]\n  regex: nomatch(.*)\n  target_label: d", IN, IN);
        // anchored: "o" does not match "foo"
        check("- source_labels: [a]\n  regex: o\n  target_label: d\n  replacement: x", IN, IN);
        // empty result deletes the target
        check("- source_labels: [nonexistent]\n  target_label: a", IN, Labels.of("b", "bar", "c", "baz", "__meta_x", "1"));
        // $1x is the group named "1x": empty; $$ is a dollar
        check("- source_labels: [a]\n  regex: (f)(o)o\n  target_label: d\n  replacement: '$1x-$$-${2}y'", IN,
            Labels.of("a", "foo", "b", "bar", "c", "baz", "__meta_x", "1", "d", "-$-oy"));
        // target label from groups
        check("- source_labels: [a]\n  regex: (.*)\n  target_label: 'x_${1}'\n  replacement: v", IN,
            Labels.of("a", "foo", "b", "bar", "c", "baz", "__meta_x", "1", "x_foo", "v"));
        // named groups
        check("- source_labels: [a]\n  regex: (?P<first>f)oo\n  target_label: d\n  replacement: '${first}!'", IN,
            Labels.of("a", "foo", "b", "bar", "c", "baz", "__meta_x", "1", "d", "f!"));
        // dot matches newline ((?s), as Prometheus 3)
        check("- source_labels: [a]\n  regex: (.*)\n  target_label: d", Labels.of("a", "x\ny"), Labels.of("a", "x\ny", "d", "x\ny"));
    }

    @Test
    void keepAndDrop() {
        check("- source_labels: [a]\n  regex: fo.*\n  action: keep", IN, IN);
        check("- source_labels: [a]\n  regex: f\n  action: keep", IN, null);
        check("- source_labels: [a]\n  regex: fo.*\n  action: drop", IN, null);
        check("- source_labels: [a]\n  regex: 'f|g'\n  action: drop", IN, IN);
        // a missing label is the empty string
        check("- source_labels: [zz]\n  regex: ''\n  action: drop", IN, null);
    }

    @Test
    void keepEqualAndDropEqual() {
        Labels l = Labels.of("a", "1", "b", "1", "c", "2");
        check("- source_labels: [a]\n  target_label: b\n  action: keepequal", l, l);
        check("- source_labels: [a]\n  target_label: c\n  action: keepequal", l, null);
        check("- source_labels: [a]\n  target_label: b\n  action: dropequal", l, null);
        check("- source_labels: [a]\n  target_label: c\n  action: dropequal", l, l);
    }

    @Test
    void hashmod() {
        // md5("foo") low 64 bits = 0x...; the value is the same in Prometheus (checked against its test table)
        Labels got = new Relabeler().process(Labels.of("a", "foo"), rules("- source_labels: [a]\n  target_label: h\n  modulus: 1000\n  action: hashmod"));
        java.math.BigInteger low = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(md5("foo"), 8, 16));
        assertEquals(low.mod(java.math.BigInteger.valueOf(1000)).toString(), got.get("h"));
    }

    static byte[] md5(String s) {
        try {
            return java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void labelmapLabeldropLabelkeep() {
        check("- regex: __meta_(.*)\n  action: labelmap", IN, Labels.of("a", "foo", "b", "bar", "c", "baz", "__meta_x", "1", "x", "1"));
        check("- regex: __meta_(.*)\n  replacement: m_$1\n  action: labelmap", IN,
            Labels.of("a", "foo", "b", "bar", "c", "baz", "__meta_x", "1", "m_x", "1"));
        check("- regex: '[ab]'\n  action: labeldrop", IN, Labels.of("c", "baz", "__meta_x", "1"));
        check("- regex: '[ab]'\n  action: labelkeep", IN, Labels.of("a", "foo", "b", "bar"));
    }

    @Test
    void lowercaseUppercase() {
        Labels l = Labels.of("a", "AbC");
        check("- source_labels: [a]\n  target_label: lo\n  action: lowercase", l, Labels.of("a", "AbC", "lo", "abc"));
        check("- source_labels: [a]\n  target_label: up\n  action: uppercase", l, Labels.of("a", "AbC", "up", "ABC"));
    }

    @Test
    void rulesApplyInOrder() {
        check("- source_labels: [a]\n  target_label: z\n- source_labels: [z]\n  regex: foo\n  action: drop", IN, null);
    }

    @Test
    void noRulesIsIdentity() {
        assertNull(null);
        Labels l = Labels.of("a", "1");
        assertEquals(l, new Relabeler().process(l, List.of()));
    }
}
