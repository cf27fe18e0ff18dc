package io.gnomon.promql.functions;

import io.gnomon.promql.ast.ValueType;
import java.util.List;

/**
 * A PromQL function's signature.
 *
 * <p>{@code variadic}: 0 means exactly {@code argTypes.size()} arguments; n &gt; 0 means the
 * last argument type may be given 0..n times (so {@code argTypes.size()-1} to
 * {@code argTypes.size()-1+n} arguments); -1 means the last type may repeat without limit.
 * Extra variadic arguments have the type of the last entry of {@code argTypes}.
 */
public record Function(String name, List<ValueType> argTypes, int variadic, ValueType returnType, boolean experimental) {
    public Function {
        argTypes = List.copyOf(argTypes);
    }

    /** The declared type of argument {@code i}, or null if a call may not have it. */
    public ValueType argType(int i) {
        if (i < argTypes.size()) {
            return argTypes.get(i);
        }
        return variadic != 0 && !argTypes.isEmpty() ? argTypes.get(argTypes.size() - 1) : null;
    }
}
