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
import io.gnomon.promql.ast.ValueType;
import io.gnomon.promql.ast.VectorMatching;
import io.gnomon.promql.ast.VectorSelector;
import java.util.List;

/**
 * The AST as JSON, in the shape of Prometheus's {@code /api/v1/parse_query} response
 * {@code data} field: objects with a {@code type} of {@code aggregation}, {@code binaryExpr},
 * {@code call}, {@code matrixSelector}, {@code subquery}, {@code durationExpr},
 * {@code numberLiteral}, {@code parenExpr}, {@code stringLiteral}, {@code unaryExpr} or
 * {@code vectorSelector}, with the same field names. Offsets and ranges are milliseconds,
 * timestamps milliseconds or null, number values strings.
 */
public final class AstJson {
    private AstJson() {
    }

    public static String dump(Expr e) {
        StringBuilder b = new StringBuilder(256);
        node(b, e);
        return b.toString();
    }

    private static void node(StringBuilder b, Expr e) {
        if (e == null) {
            b.append("null");
        } else if (e instanceof AggregateExpr a) {
            b.append("{\"type\":\"aggregation\",\"op\":").append(str(a.op().symbol()));
            b.append(",\"expr\":");
            node(b, a.expr());
            b.append(",\"param\":");
            node(b, a.param());
            b.append(",\"grouping\":");
            strings(b, a.grouping());
            b.append(",\"without\":").append(a.without()).append('}');
        } else if (e instanceof BinaryExpr x) {
            b.append("{\"type\":\"binaryExpr\",\"op\":").append(str(x.op().symbol()));
            b.append(",\"lhs\":");
            node(b, x.lhs());
            b.append(",\"rhs\":");
            node(b, x.rhs());
            b.append(",\"matching\":");
            VectorMatching m = x.matching();
            if (m == null) {
                b.append("null");
            } else {
                b.append("{\"card\":").append(str(m.card().text())).append(",\"labels\":");
                strings(b, m.matchingLabels());
                b.append(",\"on\":").append(m.on()).append(",\"include\":");
                strings(b, m.include());
                b.append(",\"fillValues\":{\"lhs\":").append(num(m.fillLeft())).append(",\"rhs\":")
                        .append(num(m.fillRight())).append("}}");
            }
            b.append(",\"bool\":").append(x.returnBool()).append('}');
        } else if (e instanceof Call c) {
            b.append("{\"type\":\"call\",\"func\":{\"name\":").append(str(c.function().name())).append(",\"argTypes\":[");
            List<ValueType> ts = c.function().argTypes();
            for (int i = 0; i < ts.size(); i++) {
                b.append(i > 0 ? "," : "").append(str(ts.get(i).internalName()));
            }
            b.append("],\"variadic\":").append(c.function().variadic()).append(",\"returnType\":")
                    .append(str(c.function().returnType().internalName())).append("},\"args\":[");
            for (int i = 0; i < c.args().size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                node(b, c.args().get(i));
            }
            b.append("]}");
        } else if (e instanceof MatrixSelector m) {
            VectorSelector vs = m.selector();
            b.append("{\"type\":\"matrixSelector\",\"name\":").append(str(vs.name()));
            b.append(",\"range\":").append(m.range().toMillis()).append(",\"rangeExpr\":");
            node(b, m.rangeExpr());
            offset(b, vs.offset());
            b.append(",\"matchers\":");
            matchers(b, vs.matchers());
            at(b, vs.at());
            b.append(",\"anchored\":").append(vs.anchored()).append(",\"smoothed\":").append(vs.smoothed()).append('}');
        } else if (e instanceof SubqueryExpr s) {
            b.append("{\"type\":\"subquery\",\"expr\":");
            node(b, s.expr());
            b.append(",\"range\":").append(s.range().toMillis()).append(",\"rangeExpr\":");
            node(b, s.rangeExpr());
            offset(b, s.offset());
            b.append(",\"step\":").append(s.step().toMillis()).append(",\"stepExpr\":");
            node(b, s.stepExpr());
            at(b, s.at());
            b.append('}');
        } else if (e instanceof DurationExpr d) {
            b.append("{\"type\":\"durationExpr\",\"op\":").append(str(durationOp(d.op()))).append(",\"lhs\":");
            durationOperand(b, d.lhs());
            b.append(",\"rhs\":");
            durationOperand(b, d.rhs());
            b.append(",\"wrapped\":").append(d.wrapped()).append('}');
        } else if (e instanceof NumberLiteral n) {
            b.append("{\"type\":\"numberLiteral\",\"val\":").append(str(PromQLFormatter.goFloat(n.value()))).append('}');
        } else if (e instanceof ParenExpr p) {
            b.append("{\"type\":\"parenExpr\",\"expr\":");
            node(b, p.expr());
            b.append('}');
        } else if (e instanceof StringLiteral s) {
            b.append("{\"type\":\"stringLiteral\",\"val\":").append(str(s.value())).append('}');
        } else if (e instanceof UnaryExpr u) {
            b.append("{\"type\":\"unaryExpr\",\"op\":").append(str(u.op().symbol())).append(",\"expr\":");
            node(b, u.expr());
            b.append('}');
        } else if (e instanceof VectorSelector vs) {
            b.append("{\"type\":\"vectorSelector\",\"name\":").append(str(vs.name()));
            offset(b, vs.offset());
            b.append(",\"matchers\":");
            matchers(b, vs.matchers());
            at(b, vs.at());
            b.append(",\"anchored\":").append(vs.anchored()).append(",\"smoothed\":").append(vs.smoothed()).append('}');
        }
    }

    /** Inside duration expressions number literals also say whether they were durations. */
    private static void durationOperand(StringBuilder b, Expr e) {
        if (e instanceof NumberLiteral n) {
            b.append("{\"type\":\"numberLiteral\",\"val\":").append(str(PromQLFormatter.goFloat(n.value())))
                    .append(",\"duration\":").append(n.duration()).append('}');
        } else {
            node(b, e);
        }
    }

    private static String durationOp(DurationExpr.Op op) {
        switch (op) {
            case STEP: return "step";
            case RANGE: return "range";
            case MIN_OF: return "min_of";
            case MAX_OF: return "max_of";
            default: return op.symbol();
        }
    }

    private static void offset(StringBuilder b, OffsetModifier o) {
        b.append(",\"offset\":").append(o.duration().toMillis()).append(",\"offsetExpr\":");
        node(b, o.expr());
    }

    private static void at(StringBuilder b, AtModifier a) {
        b.append(",\"timestamp\":").append(a.kind() == AtModifier.Kind.TIMESTAMP ? Long.toString(a.timestampMillis()) : "null");
        b.append(",\"startOrEnd\":");
        switch (a.kind()) {
            case START:
                b.append("\"start\"");
                break;
            case END:
                b.append("\"end\"");
                break;
            default:
                b.append("null");
        }
    }

    private static void matchers(StringBuilder b, List<LabelMatcher> ms) {
        b.append('[');
        for (int i = 0; i < ms.size(); i++) {
            LabelMatcher m = ms.get(i);
            b.append(i > 0 ? "," : "").append("{\"name\":").append(str(m.name())).append(",\"value\":")
                    .append(str(m.value())).append(",\"type\":").append(str(m.type().symbol())).append('}');
        }
        b.append(']');
    }

    private static void strings(StringBuilder b, List<String> ss) {
        b.append('[');
        for (int i = 0; i < ss.size(); i++) {
            b.append(i > 0 ? "," : "").append(str(ss.get(i)));
        }
        b.append(']');
    }

    private static String num(Double d) {
        if (d == null) {
            return "null";
        }
        if (d.isNaN() || d.isInfinite()) {
            return str(PromQLFormatter.goFloat(d));
        }
        return PromQLFormatter.goFloat(d);
    }

    /** A JSON string literal. */
    static String str(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20 || (c >= 0xD800 && c <= 0xDFFF && !validSurrogateAt(s, i))) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
