package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.BinaryExpr;
import io.gnomon.promql.ast.BinaryOp;
import io.gnomon.promql.ast.VectorMatching;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Binary operators: scalar/scalar, vector/scalar and vector/vector with Prometheus's matching
 * rules (one-to-one, many-to-one, one-to-many, set operators, fill values). Match signatures
 * are computed once per series, not per step.
 */
final class BinaryOps {
    private final Evaluator ev;

    BinaryOps(Evaluator ev) {
        this.ev = ev;
    }

    Object eval(BinaryExpr b, Grid g) {
        Object l = ev.eval(b.lhs(), g);
        Object r = ev.eval(b.rhs(), g);
        BinaryOp op = b.op();
        if (l instanceof double[] ld && r instanceof double[] rd) {
            double[] out = new double[g.n()];
            for (int i = 0; i < g.n(); i++) {
                out[i] = op.isComparison() ? (compare(op, ld[i], rd[i]) ? 1 : 0) : arith(op, ld[i], rd[i]);
            }
            return out;
        }
        if (l instanceof double[] ld) {
            return vectorScalar(op, Evaluator.asVector(r), ld, true, b.returnBool(), g);
        }
        if (r instanceof double[] rd) {
            return vectorScalar(op, Evaluator.asVector(l), rd, false, b.returnBool(), g);
        }
        List<StepSeries> lv = Evaluator.asVector(l);
        List<StepSeries> rv = Evaluator.asVector(r);
        VectorMatching m = b.matching();
        if (m == null) {
            m = new VectorMatching(op.isSetOperator() ? VectorMatching.Cardinality.MANY_TO_MANY
                    : VectorMatching.Cardinality.ONE_TO_ONE, List.of(), false, List.of(), null, null);
        }
        return switch (op) {
            case AND, UNLESS -> andUnless(lv, rv, m, op == BinaryOp.AND, g);
            case OR -> or(lv, rv, m, g);
            default -> vectorVector(op, lv, rv, m, b.returnBool(), g);
        };
    }

    static double arith(BinaryOp op, double l, double r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case MOD -> goMod(l, r);
            case POW -> Math.pow(l, r);
            case ATAN2 -> Math.atan2(l, r);
            default -> throw QueryException.internal("not an arithmetic operator: " + op, null);
        };
    }

    /** Go's {@code math.Mod}: the result has the sign of {@code l}, like Java's {@code %}. */
    private static double goMod(double l, double r) {
        return l % r;
    }

    static boolean compare(BinaryOp op, double l, double r) {
        return switch (op) {
            case EQLC -> l == r;
            case NEQ -> l != r;
            case GTR -> l > r;
            case LSS -> l < r;
            case GTE -> l >= r;
            case LTE -> l <= r;
            default -> throw QueryException.internal("not a comparison operator: " + op, null);
        };
    }

    private static boolean changesSchema(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, POW, MOD, ATAN2 -> true;
            default -> false;
        };
    }

    private List<StepSeries> vectorScalar(BinaryOp op, List<StepSeries> vec, double[] sc, boolean scalarLeft,
            boolean returnBool, Grid g) {
        List<StepSeries> out = new ArrayList<>(vec.size());
        boolean cmp = op.isComparison();
        for (StepSeries s : vec) {
            StepSeries o = new StepSeries(s.labels, g.n(), s.dropName || changesSchema(op) || returnBool);
            for (int i = 0; i < g.n(); i++) {
                if (!s.has(i)) {
                    continue;
                }
                double x = s.v[i];
                double l = scalarLeft ? sc[i] : x;
                double r = scalarLeft ? x : sc[i];
                if (cmp) {
                    boolean keep = compare(op, l, r);
                    if (returnBool) {
                        o.set(i, keep ? 1 : 0);
                    } else if (keep) {
                        o.set(i, x);
                    }
                } else {
                    o.set(i, arith(op, l, r));
                }
            }
            if (!o.isEmpty()) {
                out.add(o);
            }
        }
        return out;
    }

    /** The match signature: the {@code on} labels, or all but the {@code ignoring} labels and the name. */
    static Labels signature(Labels l, VectorMatching m) {
        Labels.Builder b = Labels.builder();
        if (m.on()) {
            for (String n : m.matchingLabels()) {
                String v = l.get(n);
                if (!v.isEmpty()) {
                    b.add(n, v);
                }
            }
            return b.build();
        }
        b = l.toBuilder();
        b.del(Labels.METRIC_NAME);
        for (String n : m.matchingLabels()) {
            b.del(n);
        }
        return b.build();
    }

    private static int[] ordinals(List<StepSeries> side, VectorMatching m, Map<Labels, Integer> sigs, List<Labels> sigList) {
        int[] ord = new int[side.size()];
        for (int i = 0; i < ord.length; i++) {
            Labels sig = signature(side.get(i).labels, m);
            Integer o = sigs.get(sig);
            if (o == null) {
                o = sigs.size();
                sigs.put(sig, o);
                sigList.add(sig);
            }
            ord[i] = o;
        }
        return ord;
    }

    private List<StepSeries> andUnless(List<StepSeries> lhs, List<StepSeries> rhs, VectorMatching m, boolean and, Grid g) {
        Map<Labels, Integer> sigs = new HashMap<>();
        List<Labels> sigList = new ArrayList<>();
        int[] lo = ordinals(lhs, m, sigs, sigList);
        int[] ro = ordinals(rhs, m, sigs, sigList);
        boolean[] present = new boolean[sigs.size()];
        List<StepSeries> out = new ArrayList<>();
        StepSeries[] outs = new StepSeries[lhs.size()];
        for (int i = 0; i < g.n(); i++) {
            Arrays.fill(present, false);
            for (int j = 0; j < rhs.size(); j++) {
                if (rhs.get(j).has(i)) {
                    present[ro[j]] = true;
                }
            }
            for (int j = 0; j < lhs.size(); j++) {
                StepSeries s = lhs.get(j);
                if (s.has(i) && present[lo[j]] == and) {
                    if (outs[j] == null) {
                        outs[j] = new StepSeries(s.labels, g.n(), s.dropName);
                    }
                    outs[j].set(i, s.v[i]);
                }
            }
        }
        for (StepSeries o : outs) {
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    private List<StepSeries> or(List<StepSeries> lhs, List<StepSeries> rhs, VectorMatching m, Grid g) {
        Map<Labels, Integer> sigs = new HashMap<>();
        List<Labels> sigList = new ArrayList<>();
        int[] lo = ordinals(lhs, m, sigs, sigList);
        int[] ro = ordinals(rhs, m, sigs, sigList);
        boolean[] present = new boolean[sigs.size()];
        List<StepSeries> out = new ArrayList<>(lhs);
        StepSeries[] outs = new StepSeries[rhs.size()];
        for (int i = 0; i < g.n(); i++) {
            Arrays.fill(present, false);
            for (int j = 0; j < lhs.size(); j++) {
                if (lhs.get(j).has(i)) {
                    present[lo[j]] = true;
                }
            }
            for (int j = 0; j < rhs.size(); j++) {
                StepSeries s = rhs.get(j);
                if (s.has(i) && !present[ro[j]]) {
                    if (outs[j] == null) {
                        outs[j] = new StepSeries(s.labels, g.n(), s.dropName);
                    }
                    outs[j].set(i, s.v[i]);
                }
            }
        }
        for (StepSeries o : outs) {
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    private List<StepSeries> vectorVector(BinaryOp op, List<StepSeries> lhs, List<StepSeries> rhs, VectorMatching m,
            boolean returnBool, Grid g) {
        boolean swapped = m.card() == VectorMatching.Cardinality.ONE_TO_MANY;
        if (swapped) {
            List<StepSeries> t = lhs;
            lhs = rhs;
            rhs = t;
        }
        boolean oneToOne = m.card() == VectorMatching.Cardinality.ONE_TO_ONE;
        Map<Labels, Integer> sigs = new HashMap<>();
        List<Labels> sigList = new ArrayList<>();
        int[] lo = ordinals(lhs, m, sigs, sigList);
        int[] ro = ordinals(rhs, m, sigs, sigList);
        int nsig = sigs.size();
        int[] rightOf = new int[nsig];
        boolean[] matched = new boolean[nsig];
        List<Set<Labels>> inserted = new ArrayList<>();
        Map<Labels, StepSeries> outByLabels = new HashMap<>();
        List<StepSeries> out = new ArrayList<>();
        Long2ObjectHashMap<Labels> metricCache = new Long2ObjectHashMap<>();
        // As Prometheus: the fill values are not swapped with the sides for group_right.
        Double fillL = m.fillLeft();
        Double fillR = m.fillRight();
        for (int i = 0; i < g.n(); i++) {
            Arrays.fill(rightOf, -1);
            Arrays.fill(matched, false);
            inserted.clear();
            int lcount = 0;
            int rcount = 0;
            for (int j = 0; j < rhs.size(); j++) {
                if (!rhs.get(j).has(i)) {
                    continue;
                }
                rcount++;
                int o = ro[j];
                if (rightOf[o] >= 0) {
                    String a = rhs.get(j).labels.toString();
                    String b = rhs.get(rightOf[o]).labels.toString();
                    if (a.compareTo(b) > 0) {
                        String t = a;
                        a = b;
                        b = t;
                    }
                    throw QueryException.execution("found duplicate series for the match group " + sigList.get(o)
                            + " on the " + (swapped ? "left" : "right") + " hand-side of the operation: [" + a + ", " + b
                            + "];many-to-many matching not allowed: matching labels must be unique on one side");
                }
                rightOf[o] = j;
            }
            for (StepSeries s : lhs) {
                if (s.has(i)) {
                    lcount++;
                }
            }
            if ((lcount == 0 && rcount == 0) || ((lcount == 0 || rcount == 0) && fillL == null && fillR == null)) {
                continue;
            }
            for (int j = 0; j < lhs.size(); j++) {
                StepSeries ls = lhs.get(j);
                if (!ls.has(i)) {
                    continue;
                }
                int o = lo[j];
                int rj = rightOf[o];
                if (rj < 0 && fillR == null) {
                    continue;
                }
                Labels rl = rj >= 0 ? rhs.get(rj).labels : sigList.get(o);
                double rv = rj >= 0 ? rhs.get(rj).v[i] : fillR;
                apply(op, ls.labels, ls.v[i], rl, rv, j, rj >= 0 ? rj : -1 - o, o, oneToOne, swapped, returnBool, m, i, g,
                        matched, inserted, outByLabels, out, metricCache, ls.dropName);
            }
            if (fillL != null) {
                for (int j = 0; j < rhs.size(); j++) {
                    StepSeries rs = rhs.get(j);
                    if (!rs.has(i)) {
                        continue;
                    }
                    int o = ro[j];
                    boolean already = oneToOne ? matched[o] : (o < inserted.size() && inserted.get(o) != null && !inserted.get(o).isEmpty());
                    if (already) {
                        continue;
                    }
                    apply(op, sigList.get(o), fillL, rs.labels, rs.v[i], -1 - o - nsig, j, o, oneToOne, swapped, returnBool,
                            m, i, g, matched, inserted, outByLabels, out, metricCache, false);
                }
            }
        }
        return out;
    }

    private void apply(BinaryOp op, Labels ll, double lval, Labels rl, double rval, int lkey, int rkey, int o,
            boolean oneToOne, boolean swapped, boolean returnBool, VectorMatching m, int i, Grid g, boolean[] matched,
            List<Set<Labels>> inserted, Map<Labels, StepSeries> outByLabels, List<StepSeries> out,
            Long2ObjectHashMap<Labels> metricCache, boolean inDrop) {
        double fl = swapped ? rval : lval;
        double fr = swapped ? lval : rval;
        double value;
        boolean keep;
        if (op.isComparison()) {
            keep = compare(op, fl, fr);
            value = fl; // comparisons keep the left-hand value (after undoing a group_right swap)
        } else {
            value = arith(op, fl, fr);
            keep = true;
        }
        if (returnBool) {
            value = keep ? 1 : 0;
        }
        long key = ((long) lkey << 32) ^ (rkey & 0xffffffffL);
        Labels metric = metricCache.get(key);
        if (metric == null) {
            metric = resultMetric(ll, rl, op, m, oneToOne);
            metricCache.put(key, metric);
        }
        if (oneToOne) {
            if (matched[o]) {
                throw QueryException.execution("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
            }
            matched[o] = true;
        } else {
            while (inserted.size() <= o) {
                inserted.add(null);
            }
            Set<Labels> set = inserted.get(o);
            if (set == null) {
                set = new HashSet<>();
                inserted.set(o, set);
            }
            if (!set.add(metric)) {
                throw QueryException.execution("multiple matches for labels: grouping labels must ensure unique matches");
            }
        }
        if (!keep && !returnBool) {
            return;
        }
        boolean drop = returnBool || (inDrop && !changesSchema(op));
        StepSeries s = outByLabels.get(metric);
        if (s == null || s.dropName != drop) {
            s = new StepSeries(metric, g.n(), drop);
            outByLabels.put(metric, s);
            out.add(s);
        } else if (s.has(i)) {
            throw QueryException.execution("vector cannot contain metrics with the same labelset");
        }
        s.set(i, value);
    }

    private static Labels resultMetric(Labels lhs, Labels rhs, BinaryOp op, VectorMatching m, boolean oneToOne) {
        Labels.Builder b = lhs.toBuilder();
        if (changesSchema(op)) {
            b.del(Labels.METRIC_NAME, "__type__", "__unit__");
        }
        if (oneToOne) {
            if (m.on()) {
                Set<String> keep = new HashSet<>(m.matchingLabels());
                for (int i = 0; i < lhs.size(); i++) {
                    if (!keep.contains(lhs.name(i))) {
                        b.del(lhs.name(i));
                    }
                }
            } else {
                for (String n : m.matchingLabels()) {
                    b.del(n);
                }
            }
        }
        for (String n : m.include()) {
            String v = rhs.get(n);
            if (!v.isEmpty()) {
                b.set(n, v);
            } else {
                b.del(n);
            }
        }
        return b.build();
    }
}
