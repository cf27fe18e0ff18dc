package io.gnomon.promql.parser;

import io.gnomon.promql.ast.AggregateExpr;
import io.gnomon.promql.ast.AggregateOp;
import io.gnomon.promql.ast.BinaryExpr;
import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.DurationExpr;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.LabelMatcher;
import io.gnomon.promql.ast.MatrixSelector;
import io.gnomon.promql.ast.NumberLiteral;
import io.gnomon.promql.ast.ParenExpr;
import io.gnomon.promql.ast.PosRange;
import io.gnomon.promql.ast.StringLiteral;
import io.gnomon.promql.ast.SubqueryExpr;
import io.gnomon.promql.ast.UnaryExpr;
import io.gnomon.promql.ast.ValueType;
import io.gnomon.promql.ast.VectorMatching;
import io.gnomon.promql.ast.VectorSelector;
import io.gnomon.promql.functions.Function;
import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus's {@code checkAST}: type checks every operator and argument, in the same
 * depth-first order, so the first error is the one Prometheus reports. It also finishes the
 * tree the way Prometheus does: vector matching is dropped unless both sides of a binary
 * operator are instant vectors, set operators get many-to-many matching, and the label
 * selector of {@code info()} may consist of empty matchers.
 */
final class TypeChecker {
    private final String query;
    private final RegexSupport regex;

    TypeChecker(String query, RegexSupport regex) {
        this.query = query;
        this.regex = regex;
    }

    private ParseException error(PosRange p, String msg) {
        return new ParseException(query, p, msg);
    }

    Expr check(Expr node) {
        if (node instanceof AggregateExpr n) {
            Expr e = expectType(n.expr(), ValueType.VECTOR, "aggregation expression");
            Expr param = n.param();
            AggregateOp op = n.op();
            if (op == AggregateOp.TOPK || op == AggregateOp.BOTTOMK || op == AggregateOp.QUANTILE
                    || op == AggregateOp.LIMITK || op == AggregateOp.LIMIT_RATIO) {
                param = expectType(param, ValueType.SCALAR, "aggregation parameter");
            } else if (op == AggregateOp.COUNT_VALUES) {
                param = expectType(param, ValueType.STRING, "aggregation parameter");
            }
            return new AggregateExpr(op, e, param, n.grouping(), n.without(), n.pos());
        } else if (node instanceof BinaryExpr n) {
            return binary(n);
        } else if (node instanceof Call n) {
            return call(n);
        } else if (node instanceof ParenExpr n) {
            return new ParenExpr(check(n.expr()), n.pos());
        } else if (node instanceof UnaryExpr n) {
            Expr e = check(n.expr());
            ValueType t = e.type();
            if (t != ValueType.SCALAR && t != ValueType.VECTOR) {
                throw error(n.pos(), "unary expression only allowed on expressions of type scalar or instant vector, got \""
                        + t.documentedName() + "\"");
            }
            return new UnaryExpr(n.op(), e, n.pos());
        } else if (node instanceof SubqueryExpr n) {
            Expr e = check(n.expr());
            if (e.type() != ValueType.VECTOR) {
                throw error(n.pos(), "subquery is only allowed on instant vector, got " + e.type().internalName() + " instead");
            }
            return new SubqueryExpr(e, n.range(), n.rangeExpr(), n.step(), n.stepExpr(), n.offset(), n.at(), n.pos());
        } else if (node instanceof MatrixSelector n) {
            return new MatrixSelector((VectorSelector) check(n.selector()), n.range(), n.rangeExpr(), n.pos());
        } else if (node instanceof VectorSelector n) {
            checkSelector(n);
            return n;
        } else if (node instanceof NumberLiteral || node instanceof StringLiteral || node instanceof DurationExpr) {
            return node;
        }
        throw error(node.pos(), "unknown node type: " + node.getClass().getSimpleName());
    }

    private Expr expectType(Expr node, ValueType want, String context) {
        Expr e = check(node);
        if (e.type() != want) {
            throw error(e.pos(), "expected type " + want.documentedName() + " in " + context + ", got "
                    + e.type().documentedName());
        }
        return e;
    }

    private void checkSelector(VectorSelector n) {
        List<LabelMatcher> ms = n.matchers();
        for (LabelMatcher m : ms) {
            if (m.type() == LabelMatcher.Type.RE || m.type() == LabelMatcher.Type.NRE) {
                String err = regex.validate(m.value());
                if (err != null) {
                    throw error(n.pos(), err);
                }
            }
        }
        if (!n.name().isEmpty()) {
            for (int i = 0; i < ms.size() - 1; i++) {
                LabelMatcher m = ms.get(i);
                if (m.name().equals(LabelMatcher.METRIC_NAME)) {
                    throw error(n.pos(), "metric name must not be set twice: " + Literals.goQuote(n.name()) + " or "
                            + Literals.goQuote(m.value()));
                }
            }
            return;
        }
        if (n.bypassEmptyMatcherCheck()) {
            return;
        }
        for (LabelMatcher m : ms) {
            if (!matchesEmpty(m)) {
                return;
            }
        }
        throw error(n.pos(), "vector selector must contain at least one non-empty matcher");
    }

    private boolean matchesEmpty(LabelMatcher m) {
        return switch (m.type()) {
            case EQ -> m.value().isEmpty();
            case NEQ -> !m.value().isEmpty();
            case RE -> regex.matchesEmpty(m.value());
            case NRE -> !regex.matchesEmpty(m.value());
        };
    }

    private PosRange opRange(BinaryExpr n) {
        int start = n.lhs().pos().end();
        int end = n.rhs().pos().start() - 1;
        if (start < 0 || end < 0 || start >= query.length() || end >= query.length()) {
            return n.pos();
        }
        while (start < end && isSpace(query.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(query.charAt(end))) {
            end--;
        }
        return PosRange.of(start, end);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Iterates down the left spine of operator chains, checking in the same post-order. */
    private Expr binary(BinaryExpr top) {
        java.util.ArrayDeque<BinaryExpr> spine = new java.util.ArrayDeque<>();
        Expr cur = top;
        while (cur instanceof BinaryExpr b) {
            spine.push(b);
            cur = b.lhs();
        }
        Expr acc = check(cur);
        ValueType accType = acc.type();
        while (!spine.isEmpty()) {
            BinaryExpr n = spine.pop();
            Expr rhs = check(n.rhs());
            ValueType rt = rhs.type();
            acc = binary(n, acc, accType, rhs, rt);
            accType = accType == ValueType.SCALAR && rt == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
        }
        return acc;
    }

    private Expr binary(BinaryExpr n, Expr lhs, ValueType lt, Expr rhs, ValueType rt) {
        VectorMatching vm = n.matching();
        if (n.returnBool() && !n.op().isComparison()) {
            throw error(opRange(n), "bool modifier can only be used on comparison operators");
        }
        if (n.op().isComparison() && !n.returnBool() && rt == ValueType.SCALAR && lt == ValueType.SCALAR) {
            throw error(opRange(n), "comparisons between scalars must use BOOL modifier");
        }
        if (vm != null && n.op().isSetOperator() && vm.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
            vm = vm.withCard(VectorMatching.Cardinality.MANY_TO_MANY);
        }
        if (vm != null && vm.on()) {
            for (String l1 : vm.matchingLabels()) {
                for (String l2 : vm.include()) {
                    if (l1.equals(l2)) {
                        throw error(opRange(n), "label " + Literals.goQuote(l1) + " must not occur in ON and GROUP clause at once");
                    }
                }
            }
        }
        if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
            throw error(lhs.pos(), "binary expression must contain only scalar and instant vector types");
        }
        if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
            throw error(rhs.pos(), "binary expression must contain only scalar and instant vector types");
        }
        if ((lt != ValueType.VECTOR || rt != ValueType.VECTOR) && vm != null) {
            if (!vm.matchingLabels().isEmpty()) {
                throw error(n.pos(), "vector matching only allowed between instant vectors");
            }
            if (vm.hasFill()) {
                throw error(n.pos(), "filling in missing series only allowed between instant vectors");
            }
            vm = null;
        } else if (n.op().isSetOperator() && vm != null) {
            if (vm.card() == VectorMatching.Cardinality.ONE_TO_MANY || vm.card() == VectorMatching.Cardinality.MANY_TO_ONE) {
                throw error(n.pos(), "no grouping allowed for \"" + n.op().symbol() + "\" operation");
            }
            if (vm.card() != VectorMatching.Cardinality.MANY_TO_MANY) {
                throw error(n.pos(), "set operations must always be many-to-many");
            }
            if (vm.hasFill()) {
                throw error(n.pos(), "filling in missing series not allowed for set operators");
            }
        }
        if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && n.op().isSetOperator()) {
            throw error(n.pos(), "set operator \"" + n.op().symbol() + "\" not allowed in binary scalar expression");
        }
        return new BinaryExpr(n.op(), lhs, rhs, vm, n.returnBool(), n.pos());
    }

    private Expr call(Call n) {
        Function f = n.function();
        List<Expr> args = n.args();
        int nargs = f.argTypes().size();
        if (f.variadic() == 0) {
            if (nargs != args.size()) {
                throw error(n.pos(), "expected " + nargs + " argument(s) in call to " + Literals.goQuote(f.name()) + ", got " + args.size());
            }
        } else {
            int na = nargs - 1;
            if (na > args.size()) {
                throw error(n.pos(), "expected at least " + na + " argument(s) in call to " + Literals.goQuote(f.name()) + ", got " + args.size());
            } else if (f.variadic() > 0 && na + f.variadic() < args.size()) {
                throw error(n.pos(), "expected at most " + (na + f.variadic()) + " argument(s) in call to " + Literals.goQuote(f.name()) + ", got "
                        + args.size());
            }
        }
        List<Expr> out = new ArrayList<>(args);
        if (f.name().equals("info") && args.size() > 1) {
            Expr sel = args.get(1);
            if (sel.type() != ValueType.VECTOR) {
                throw error(n.pos(), "expected type instant vector in call to function \"info\", got " + sel.type().documentedName());
            }
            if (sel instanceof VectorSelector vs && !vs.name().isEmpty()) {
                throw error(sel.pos(), "expected label selectors only, got vector selector instead");
            } else if (sel instanceof VectorSelector vs) {
                out.set(1, vs.withBypassEmptyMatcherCheck());
            } else {
                throw error(sel.pos(), "expected label selectors only");
            }
        }
        for (int i = 0; i < out.size(); i++) {
            int ti = i;
            if (i >= nargs) {
                if (f.variadic() == 0) {
                    break;
                }
                ti = nargs - 1;
            }
            Expr a = check(out.get(i));
            out.set(i, a);
            ValueType want = f.argTypes().get(ti);
            if (a.type() != want) {
                throw error(a.pos(), "expected type " + want.documentedName() + " in call to function " + Literals.goQuote(f.name()) + ", got "
                        + a.type().documentedName());
            }
        }
        return new Call(f, out, n.pos());
    }
}
