package io.gnomon.promql.ast;

/**
 * A string literal, unquoted. Bytes that are not valid UTF-8 (from escapes such as
 * {@code "\xff"}) are kept as lone surrogates {@code U+DC80..U+DCFF}, one per byte, so the
 * formatter can write them back as {@code \xNN} and the engine can recognise them.
 */
public record StringLiteral(String value, PosRange pos) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.STRING;
    }
}
