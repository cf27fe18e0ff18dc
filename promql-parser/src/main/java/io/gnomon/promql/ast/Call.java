package io.gnomon.promql.ast;

import io.gnomon.promql.functions.Function;
import java.util.List;

/** A function call; {@code function} is the entry of {@link io.gnomon.promql.functions.Functions}. */
public record Call(Function function, List<Expr> args, PosRange pos) implements Expr {
    public Call {
        args = List.copyOf(args);
    }

    @Override
    public ValueType type() {
        return function.returnType();
    }
}
