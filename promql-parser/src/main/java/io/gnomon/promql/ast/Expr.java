package io.gnomon.promql.ast;

/**
 * A PromQL expression: an immutable, typed node of the syntax tree produced by
 * {@code io.gnomon.promql.parser.PromQLParser}.
 *
 * <p>Every node carries its {@link PosRange} in the query text. Records compare positions
 * too; to compare two trees structurally (for example a query and its formatted form) use
 * {@link NormalForm#of(Expr)} on both sides. Double components compare with
 * {@link Double#compare}, so a {@code NaN} literal equals itself.
 */
public sealed interface Expr
        permits NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, SubqueryExpr,
                BinaryExpr, UnaryExpr, ParenExpr, AggregateExpr, Call, DurationExpr {

    /** The type of the value this expression evaluates to. */
    ValueType type();

    /** Where the node is in the query text. */
    PosRange pos();
}
