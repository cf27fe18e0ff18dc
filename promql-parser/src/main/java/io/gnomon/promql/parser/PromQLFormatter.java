package io.gnomon.promql.parser;

import io.gnomon.promql.ast.AggregateExpr;
import io.gnomon.promql.ast.AtModifier;
import io.gnomon.promql.ast.BinaryExpr;
import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.DurationExpr;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.LabelMatcher;
import io.gnomon.promql.ast.MatrixSelector;
import io.gnomon.promql.ast.NumberLiteral;
import io.gnomon.promql.ast.OffsetModifier;
import io.gnomon.promql.ast.ParenExpr;
import io.gnomon.promql.ast.StringLiteral;
import io.gnomon.promql.ast.SubqueryExpr;
import io.gnomon.promql.ast.UnaryExpr;
import io.gnomon.promql.ast.VectorMatching;
import io.gnomon.promql.ast.VectorSelector;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Prints an AST as canonical single-line PromQL, with the spacing and spelling of
 * Prometheus's {@code Expr.String()}: {@code sum by (job) (rate(x{a="b"}[5m]))},
 * {@code a + on (b) group_left (c) d}, matchers sorted, durations as {@code 1h30m},
 * {@code @} before {@code offset}, strings in Go double-quoted form.
 *
 * <p>{@link #pretty(Expr)} is what {@code /api/v1/format_query} returns: the same text
 * when it fits in 100 characters, otherwise Prometheus's multi-line layout (each node that is
 * too long is split, children indented by two spaces).
 *
 * <p>Contract: {@code NormalForm.of(PromQLParser.parse(format(e)))} and
 * {@code NormalForm.of(PromQLParser.parse(pretty(e)))} equal {@code NormalForm.of(e)} for
 * every {@code e} returned by {@link PromQLParser#parse}.
 */
public final class PromQLFormatter {
    /** Prometheus's line length limit of the prettifier, in bytes. */
    static final int MAX_LINE = 100;

    private PromQLFormatter() {
    }

    /** Single-line canonical text (Prometheus's {@code Expr.String()}). */
    public static String format(Expr e) {
        StringBuilder sb = new StringBuilder(64);
        write(sb, e);
        return sb.toString();
    }

    /** Canonical text split over lines like {@code format_query} (Prometheus's {@code Pretty(0)}). */
    public static String pretty(Expr e) {
        return pretty(e, 0, MAX_LINE);
    }

    /** {@link #pretty(Expr)} with another line limit (tests use small limits). */
    static String pretty(Expr e, int maxLine) {
        return pretty(e, 0, maxLine);
    }

    private static String pretty(Expr e, int level, int max) {
        String ind = "  ".repeat(level);
        String flat = format(e);
        boolean split = flat.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max;
        if (e instanceof AggregateExpr a) {
            if (!split) {
                return ind + flat;
            }
            StringBuilder b = new StringBuilder(ind).append(a.op().symbol());
            if (a.without()) {
                b.append(" without (");
                labels(b, a.grouping());
                b.append(") ");
            } else if (!a.grouping().isEmpty()) {
                b.append(" by (");
                labels(b, a.grouping());
                b.append(") ");
            }
            b.append("(\n");
            if (a.param() != null) {
                b.append(pretty(a.param(), level + 1, max)).append(",\n");
            }
            return b.append(pretty(a.expr(), level + 1, max)).append('\n').append(ind).append(')').toString();
        } else if (e instanceof BinaryExpr x) {
            if (!split) {
                return ind + flat;
            }
            StringBuilder b = new StringBuilder(pretty(x.lhs(), level + 1, max)).append('\n').append(ind).append(x.op().symbol());
            if (x.returnBool()) {
                b.append(" bool");
            }
            matching(b, x.matching());
            return b.append('\n').append(pretty(x.rhs(), level + 1, max)).toString();
        } else if (e instanceof Call c) {
            if (!split || c.args().isEmpty()) {
                return ind + flat;
            }
            StringBuilder b = new StringBuilder(ind).append(c.function().name()).append("(\n");
            for (int i = 0; i < c.args().size(); i++) {
                if (i > 0) {
                    b.append(",\n");
                }
                b.append(pretty(c.args().get(i), level + 1, max));
            }
            return b.append('\n').append(ind).append(')').toString();
        } else if (e instanceof ParenExpr p) {
            if (!split) {
                return ind + flat;
            }
            return ind + "(\n" + pretty(p.expr(), level + 1, max) + "\n" + ind + ")";
        } else if (e instanceof SubqueryExpr s) {
            if (!split) {
                return flat;
            }
            String inner = format(s.expr());
            return pretty(s.expr(), level, max) + flat.substring(inner.length());
        } else if (e instanceof UnaryExpr u) {
            return ind + u.op().symbol() + pretty(u.expr(), level, max).strip();
        }
        return ind + flat;
    }

    private static void write(StringBuilder b, Expr e) {
        if (e instanceof NumberLiteral n) {
            b.append(number(n));
        } else if (e instanceof StringLiteral s) {
            b.append(Literals.goQuote(s.value()));
        } else if (e instanceof VectorSelector vs) {
            selectorCore(b, vs);
            at(b, vs.at());
            extended(b, vs);
            offset(b, vs.offset());
        } else if (e instanceof MatrixSelector m) {
            VectorSelector vs = m.selector();
            selectorCore(b, vs);
            b.append('[');
            if (m.rangeExpr() != null) {
                write(b, m.rangeExpr());
            } else {
                b.append(duration(m.range()));
            }
            b.append(']');
            extended(b, vs);
            at(b, vs.at());
            offset(b, vs.offset());
        } else if (e instanceof SubqueryExpr s) {
            write(b, s.expr());
            b.append('[');
            if (s.rangeExpr() != null) {
                write(b, s.rangeExpr());
            } else {
                b.append(duration(s.range()));
            }
            b.append(':');
            if (!s.step().isZero()) {
                b.append(duration(s.step()));
            } else if (s.stepExpr() != null) {
                write(b, s.stepExpr());
            }
            b.append(']');
            at(b, s.at());
            offset(b, s.offset());
        } else if (e instanceof BinaryExpr top) {
            // Iterate down the left spine: operator chains can be thousands long.
            java.util.ArrayDeque<BinaryExpr> spine = new java.util.ArrayDeque<>();
            Expr cur = top;
            while (cur instanceof BinaryExpr x) {
                spine.push(x);
                cur = x.lhs();
            }
            write(b, cur);
            while (!spine.isEmpty()) {
                BinaryExpr x = spine.pop();
                b.append(' ').append(x.op().symbol());
                if (x.returnBool()) {
                    b.append(" bool");
                }
                matching(b, x.matching());
                b.append(' ');
                write(b, x.rhs());
            }
        } else if (e instanceof UnaryExpr u) {
            b.append(u.op().symbol());
            write(b, u.expr());
        } else if (e instanceof ParenExpr p) {
            b.append('(');
            write(b, p.expr());
            b.append(')');
        } else if (e instanceof AggregateExpr a) {
            b.append(a.op().symbol());
            if (a.without()) {
                b.append(" without (");
                labels(b, a.grouping());
                b.append(") ");
            } else if (!a.grouping().isEmpty()) {
                b.append(" by (");
                labels(b, a.grouping());
                b.append(") ");
            }
            b.append('(');
            if (a.param() != null) {
                write(b, a.param());
                b.append(", ");
            }
            write(b, a.expr());
            b.append(')');
        } else if (e instanceof Call c) {
            b.append(c.function().name()).append('(');
            for (int i = 0; i < c.args().size(); i++) {
                if (i > 0) {
                    b.append(", ");
                }
                write(b, c.args().get(i));
            }
            b.append(')');
        } else if (e instanceof DurationExpr d) {
            duration(b, d);
        } else {
            throw new IllegalArgumentException("unknown node " + e);
        }
    }

    private static void duration(StringBuilder b, DurationExpr d) {
        if (d.wrapped()) {
            b.append('(');
        }
        switch (d.op()) {
            case STEP:
                b.append("step()");
                break;
            case RANGE:
                b.append("range()");
                break;
            case MIN_OF:
            case MAX_OF:
                b.append(d.op().symbol()).append('(');
                write(b, d.lhs());
                b.append(", ");
                write(b, d.rhs());
                b.append(')');
                break;
            default:
                if (d.lhs() == null) {
                    if (d.op() == DurationExpr.Op.SUB) {
                        b.append('-');
                    }
                    write(b, d.rhs());
                } else {
                    write(b, d.lhs());
                    b.append(' ').append(d.op().symbol()).append(' ');
                    write(b, d.rhs());
                }
        }
        if (d.wrapped()) {
            b.append(')');
        }
    }

    private static void selectorCore(StringBuilder b, VectorSelector vs) {
        List<String> ms = new ArrayList<>(vs.matchers().size());
        for (LabelMatcher m : vs.matchers()) {
            if (m.name().equals(LabelMatcher.METRIC_NAME) && m.type() == LabelMatcher.Type.EQ
                    && m.value().equals(vs.name()) && !m.value().isEmpty()) {
                continue;
            }
            ms.add(matcher(m));
        }
        b.append(vs.name());
        if (!ms.isEmpty()) {
            Collections.sort(ms);
            b.append('{').append(String.join(",", ms)).append('}');
        }
    }

    /** Prometheus's {@code labels.Matcher.String()}. */
    static String matcher(LabelMatcher m) {
        String name = isLegacyLabelName(m.name()) ? m.name() : Literals.goQuote(m.name());
        return name + m.type().symbol() + Literals.goQuote(m.value());
    }

    private static void at(StringBuilder b, AtModifier a) {
        switch (a.kind()) {
            case TIMESTAMP:
                b.append(" @ ").append(BigDecimal.valueOf(a.timestampMillis(), 3).toPlainString());
                break;
            case START:
                b.append(" @ start()");
                break;
            case END:
                b.append(" @ end()");
                break;
            default:
                break;
        }
    }

    private static void extended(StringBuilder b, VectorSelector vs) {
        if (vs.anchored()) {
            b.append(" anchored");
        } else if (vs.smoothed()) {
            b.append(" smoothed");
        }
    }

    private static void offset(StringBuilder b, OffsetModifier o) {
        if (o.expr() != null) {
            b.append(" offset ");
            write(b, o.expr());
        } else if (!o.duration().isZero()) {
            b.append(" offset ");
            if (o.duration().isNegative()) {
                b.append('-').append(duration(o.duration().negated()));
            } else {
                b.append(duration(o.duration()));
            }
        }
    }

    private static void matching(StringBuilder b, VectorMatching vm) {
        if (vm == null) {
            return;
        }
        boolean grouped = vm.card() == VectorMatching.Cardinality.MANY_TO_ONE
                || vm.card() == VectorMatching.Cardinality.ONE_TO_MANY;
        if (!vm.matchingLabels().isEmpty() || vm.on() || grouped) {
            b.append(vm.on() ? " on (" : " ignoring (");
            labels(b, vm.matchingLabels());
            b.append(')');
        }
        if (grouped) {
            b.append(vm.card() == VectorMatching.Cardinality.MANY_TO_ONE ? " group_left (" : " group_right (");
            labels(b, vm.include());
            b.append(')');
        }
        if (vm.hasFill()) {
            if (vm.fillLeft() != null && vm.fillRight() != null && vm.fillLeft().equals(vm.fillRight())) {
                b.append(" fill (").append(goFloat(vm.fillLeft())).append(')');
            } else {
                if (vm.fillLeft() != null) {
                    b.append(" fill_left (").append(goFloat(vm.fillLeft())).append(')');
                }
                if (vm.fillRight() != null) {
                    b.append(" fill_right (").append(goFloat(vm.fillRight())).append(')');
                }
            }
        }
    }

    private static void labels(StringBuilder b, List<String> ls) {
        for (int i = 0; i < ls.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            String l = ls.get(i);
            b.append(isLegacyLabelName(l) ? l : Literals.goQuote(l));
        }
    }

    static boolean isLegacyLabelName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String number(NumberLiteral n) {
        if (n.duration()) {
            long ms = Math.round(n.value() * 1000);
            if (Double.doubleToRawLongBits(n.value()) < 0) { // sign bit: keeps -0s a negative zero
                return "-" + Literals.formatDuration(-ms);
            }
            return Literals.formatDuration(ms);
        }
        return goFloat(n.value());
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, with {@code +Inf}/{@code -Inf}/{@code NaN}. */
    static String goFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return shortestDigits(v).toPlainString();
    }

    /**
     * The shortest decimal that reads back as {@code v}, the closest to it among those of that
     * length: Go's shortest formatting. Not {@link Double#toString}, which on Java 17 and older
     * sometimes gives a digit more ({@code 2e23} as {@code 1.9999999999999998E23}, where Go
     * prints {@code 200000000000000000000000}). A literal is formatted rarely, so this tries each
     * precision from 1 to 17 significant digits on the exact value (at a power of two, where the
     * values that read back lie unevenly around {@code v}, this can give one digit more than Go;
     * the result still reads back as {@code v}).
     */
    static BigDecimal shortestDigits(double v) {
        BigDecimal exact = new BigDecimal(v);
        for (int p = 1; p < 17; p++) {
            BigDecimal d = exact.round(new java.math.MathContext(p, java.math.RoundingMode.HALF_EVEN));
            if (d.doubleValue() == v) {
                return d.stripTrailingZeros();
            }
        }
        return exact.round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    private static String duration(Duration d) {
        return Literals.formatDuration(d.toMillis());
    }
}
