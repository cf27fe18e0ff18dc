package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.AtModifier;
import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.LabelMatcher;
import io.gnomon.promql.ast.OffsetModifier;
import io.gnomon.promql.ast.PosRange;
import io.gnomon.promql.ast.SubqueryExpr;
import io.gnomon.promql.ast.VectorSelector;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.MatchType;
import io.gnomon.tsdb.labels.Matcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The experimental {@code info(v [, selector])}: adds the data labels of matching info series
 * ({@code target_info} by default) to each series of {@code v}, joining on the identifying labels
 * {@code instance} and {@code job}. When two versions of an info series overlap, the one with the
 * newer sample wins, as in Prometheus.
 */
final class InfoFunction {
    private static final String TARGET_INFO = "target_info";
    private static final String[] IDENTIFYING = {"instance", "job"};

    private InfoFunction() {
    }

    static List<StepSeries> eval(Evaluator ev, Call c, Grid g) {
        Expr arg0 = c.args().get(0);
        VectorSelector first = firstSelector(arg0);
        long offset = 0;
        AtModifier at = AtModifier.NONE;
        if (first != null) {
            at = first.at();
            offset = ev.offsetMs(first.offset());
            if (!at.isSet()) {
                for (SubqueryExpr sq : enclosingSubqueries(arg0, first)) {
                    offset += ev.offsetMs(sq.offset());
                    if (sq.at().isSet()) {
                        at = sq.at();
                        break;
                    }
                }
            }
        }
        List<StepSeries> base = Evaluator.asVector(ev.eval(arg0, g));
        Map<String, List<LabelMatcher>> dataMatchers = new LinkedHashMap<>();
        List<LabelMatcher> nameMatchers = new ArrayList<>();
        if (c.args().size() > 1) {
            VectorSelector sel = (VectorSelector) FunctionCalls.unwrap(c.args().get(1));
            for (LabelMatcher m : sel.matchers()) {
                dataMatchers.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
                if (m.name().equals(Labels.METRIC_NAME)) {
                    nameMatchers.add(m);
                }
            }
        } else {
            nameMatchers.add(LabelMatcher.eq(Labels.METRIC_NAME, TARGET_INFO));
        }
        List<Matcher> effective = effectiveNameMatchers(nameMatchers);
        boolean[] ignore = new boolean[base.size()];
        Map<String, Set<String>> idValues = new LinkedHashMap<>();
        for (int j = 0; j < base.size(); j++) {
            Labels l = base.get(j).labels;
            String name = l.metricName();
            boolean all = true;
            for (Matcher m : effective) {
                if (!m.matches(name)) {
                    all = false;
                    break;
                }
            }
            ignore[j] = all;
            if (all) {
                continue;
            }
            for (String id : IDENTIFYING) {
                String v = l.get(id);
                if (!v.isEmpty()) {
                    idValues.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(v);
                }
            }
        }
        List<StepSeries> infos = new ArrayList<>();
        List<LabelMatcher> selNameMatchers = new ArrayList<>();
        for (List<LabelMatcher> ms : dataMatchers.values()) {
            for (LabelMatcher m : ms) {
                if (m.name().equals(Labels.METRIC_NAME)) {
                    selNameMatchers.add(m);
                }
            }
        }
        dataMatchers.remove(Labels.METRIC_NAME);
        if (!idValues.isEmpty()) {
            List<LabelMatcher> ms = new ArrayList<>();
            for (Map.Entry<String, Set<String>> e : idValues.entrySet()) {
                StringBuilder sb = new StringBuilder();
                for (String v : e.getValue()) {
                    if (sb.length() > 0) {
                        sb.append('|');
                    }
                    sb.append(quoteMeta(v));
                }
                ms.add(new LabelMatcher(LabelMatcher.Type.RE, e.getKey(), sb.toString()));
            }
            for (List<LabelMatcher> l : dataMatchers.values()) {
                ms.addAll(l);
            }
            for (Matcher m : effectiveNameMatchers(selNameMatchers)) {
                ms.add(new LabelMatcher(switch (m.type()) {
                    case EQ -> LabelMatcher.Type.EQ;
                    case NEQ -> LabelMatcher.Type.NEQ;
                    case RE -> LabelMatcher.Type.RE;
                    case NRE -> LabelMatcher.Type.NRE;
                }, m.name(), m.value()));
            }
            VectorSelector infoSel = new VectorSelector("", ms, OffsetModifier.of(Duration.ofMillis(offset)), at, false,
                    false, true, PosRange.NONE);
            infos = ev.selectVector(infoSel, g, true);
        }
        // signature per info metric name
        Set<String> infoNames = new LinkedHashSet<>();
        for (StepSeries s : infos) {
            infoNames.add(s.labels.metricName());
        }
        String[] infoSig = new String[infos.size()];
        for (int k = 0; k < infos.size(); k++) {
            infoSig[k] = signature(infos.get(k).labels.metricName(), infos.get(k).labels);
        }
        Map<Labels, StepSeries> outs = new LinkedHashMap<>();
        Map<String, Integer> chosen = new HashMap<>();
        for (int i = 0; i < g.n(); i++) {
            chosen.clear();
            for (int k = 0; k < infos.size(); k++) {
                StepSeries s = infos.get(k);
                if (!s.has(i)) {
                    continue;
                }
                long origT = Math.round(s.v[i] * 1000);
                Integer ex = chosen.get(infoSig[k]);
                if (ex != null) {
                    long exT = Math.round(infos.get(ex).v[i] * 1000);
                    if (exT < origT) {
                        chosen.put(infoSig[k], k);
                    } else if (exT == origT) {
                        throw QueryException.execution("found duplicate series for info metric: existing "
                                + infos.get(ex).labels + " @ " + exT + ", new " + s.labels + " @ " + origT);
                    }
                } else {
                    chosen.put(infoSig[k], k);
                }
            }
            for (int j = 0; j < base.size(); j++) {
                StepSeries bs = base.get(j);
                if (!bs.has(i)) {
                    continue;
                }
                Labels result;
                if (ignore[j]) {
                    result = bs.labels;
                } else {
                    Labels.Builder add = Labels.builder();
                    Map<String, String> added = new HashMap<>();
                    int seen = 0;
                    for (String infoName : infoNames) {
                        Integer k = chosen.get(signature(infoName, bs.labels));
                        if (k == null) {
                            continue;
                        }
                        seen++;
                        Labels il = infos.get(k).labels;
                        for (int x = 0; x < il.size(); x++) {
                            String n = il.name(x);
                            String v = il.value(x);
                            if (n.equals(Labels.METRIC_NAME)) {
                                continue;
                            }
                            if (!dataMatchers.isEmpty() && !dataMatchers.containsKey(n)) {
                                continue;
                            }
                            String prev = added.get(n);
                            if (prev != null && !prev.equals(v)) {
                                throw QueryException.execution("conflicting label: " + n);
                            }
                            if (bs.labels.has(n)) {
                                continue;
                            }
                            added.put(n, v);
                            add.set(n, v);
                        }
                    }
                    if (seen == 0) {
                        boolean allEmpty = true;
                        for (List<LabelMatcher> ms : dataMatchers.values()) {
                            for (LabelMatcher m : ms) {
                                if (!m.matchesEmpty()) {
                                    allEmpty = false;
                                }
                            }
                        }
                        if (!allEmpty) {
                            continue;
                        }
                    }
                    Labels.Builder b = bs.labels.toBuilder();
                    for (Map.Entry<String, String> e : added.entrySet()) {
                        b.set(e.getKey(), e.getValue());
                    }
                    result = b.build();
                }
                StepSeries o = outs.get(result);
                if (o == null) {
                    o = new StepSeries(result, g.n(), bs.dropName);
                    outs.put(result, o);
                } else if (o.has(i)) {
                    throw QueryException.execution("vector cannot contain metrics with the same labelset");
                }
                o.set(i, bs.v[i]);
            }
        }
        return new ArrayList<>(outs.values());
    }

    private static String signature(String infoName, Labels l) {
        StringBuilder sb = new StringBuilder(infoName);
        for (String id : IDENTIFYING) {
            sb.append('\u0000').append(l.get(id));
        }
        return sb.toString();
    }

    private static List<Matcher> effectiveNameMatchers(List<LabelMatcher> ms) {
        List<Matcher> out = new ArrayList<>();
        boolean positive = false;
        for (LabelMatcher m : ms) {
            out.add(toMatcher(m));
            positive |= m.type() == LabelMatcher.Type.EQ || m.type() == LabelMatcher.Type.RE;
        }
        if (positive) {
            return out;
        }
        if (!ms.isEmpty()) {
            out.add(0, Matcher.create(MatchType.RE, Labels.METRIC_NAME, ".+_info"));
            return out;
        }
        return List.of(Matcher.eq(Labels.METRIC_NAME, TARGET_INFO));
    }

    private static Matcher toMatcher(LabelMatcher m) {
        return Matcher.create(switch (m.type()) {
            case EQ -> MatchType.EQ;
            case NEQ -> MatchType.NEQ;
            case RE -> MatchType.RE;
            case NRE -> MatchType.NRE;
        }, m.name(), m.value());
    }

    /** Go's {@code regexp.QuoteMeta}. */
    static String quoteMeta(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static VectorSelector firstSelector(Expr e) {
        if (e instanceof VectorSelector vs) {
            return vs;
        }
        for (Expr child : children(e)) {
            VectorSelector v = firstSelector(child);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Subqueries on the path from {@code root} down to {@code target}, innermost first. */
    private static List<SubqueryExpr> enclosingSubqueries(Expr root, VectorSelector target) {
        List<SubqueryExpr> path = new ArrayList<>();
        findPath(root, target, path);
        java.util.Collections.reverse(path);
        return path;
    }

    private static boolean findPath(Expr e, VectorSelector target, List<SubqueryExpr> path) {
        if (e == target) {
            return true;
        }
        if (e instanceof SubqueryExpr sq) {
            path.add(sq);
        }
        for (Expr child : children(e)) {
            if (findPath(child, target, path)) {
                return true;
            }
        }
        if (e instanceof SubqueryExpr) {
            path.remove(path.size() - 1);
        }
        return false;
    }

    private static List<Expr> children(Expr e) {
        if (e instanceof io.gnomon.promql.ast.ParenExpr p) {
            return List.of(p.expr());
        }
        if (e instanceof io.gnomon.promql.ast.MatrixSelector ms) {
            return List.of(ms.selector());
        }
        if (e instanceof SubqueryExpr sq) {
            return List.of(sq.expr());
        }
        if (e instanceof io.gnomon.promql.ast.UnaryExpr u) {
            return List.of(u.expr());
        }
        if (e instanceof io.gnomon.promql.ast.BinaryExpr b) {
            return List.of(b.lhs(), b.rhs());
        }
        if (e instanceof io.gnomon.promql.ast.AggregateExpr a) {
            return a.param() == null ? List.of(a.expr()) : List.of(a.param(), a.expr());
        }
        if (e instanceof Call c) {
            return c.args();
        }
        return List.of();
    }
}
