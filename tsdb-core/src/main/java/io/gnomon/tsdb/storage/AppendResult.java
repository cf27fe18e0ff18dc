package io.gnomon.tsdb.storage;

import io.gnomon.tsdb.labels.Labels;

/**
 * What a commit stored and what it refused. Counts per {@link Rejection}, plus the first refused
 * series and its reason, which is what a remote-write 400 or an OTLP partial success names.
 */
public final class AppendResult {

    private final long samplesAppended;
    private final long exemplarsAppended;
    private final long[] rejected;
    private final Labels firstRejectedLabels;
    private final Rejection firstRejection;
    private final String firstDetail;

    public AppendResult(long samplesAppended, long exemplarsAppended, long[] rejected,
                        Labels firstRejectedLabels, Rejection firstRejection, String firstDetail) {
        this.samplesAppended = samplesAppended;
        this.exemplarsAppended = exemplarsAppended;
        this.rejected = rejected.clone();
        this.firstRejectedLabels = firstRejectedLabels;
        this.firstRejection = firstRejection;
        this.firstDetail = firstDetail;
    }

    public long samplesAppended() {
        return samplesAppended;
    }

    public long exemplarsAppended() {
        return exemplarsAppended;
    }

    public long rejected(Rejection r) {
        return rejected[r.ordinal()];
    }

    /** Rejected samples (not exemplars), over all reasons. */
    public long samplesRejected() {
        long n = 0;
        for (Rejection r : Rejection.values()) {
            if (!r.isExemplar()) {
                n += rejected[r.ordinal()];
            }
        }
        return n;
    }

    /** Rejected exemplars, over all reasons. */
    public long exemplarsRejected() {
        long n = 0;
        for (Rejection r : Rejection.values()) {
            if (r.isExemplar()) {
                n += rejected[r.ordinal()];
            }
        }
        return n;
    }

    public boolean hasRejections() {
        return firstRejection != null;
    }

    /** The reason of the first rejection, or {@code null}. */
    public Rejection firstRejection() {
        return firstRejection;
    }

    /** The series of the first rejection, or {@code null}. */
    public Labels firstRejectedLabels() {
        return firstRejectedLabels;
    }

    /**
     * One line naming the first failing series and reason and the counts per reason, e.g.
     * {@code out of order sample for series {__name__="x"} (timestamp 10); rejected: out of order sample=3}.
     * Empty when nothing was rejected.
     */
    public String describe() {
        if (firstRejection == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(firstRejection.message());
        if (firstRejectedLabels != null) {
            sb.append(" for series ").append(firstRejectedLabels);
        }
        if (firstDetail != null && !firstDetail.isEmpty()) {
            sb.append(" (").append(firstDetail).append(')');
        }
        sb.append("; rejected:");
        String sep = " ";
        for (Rejection r : Rejection.values()) {
            if (rejected[r.ordinal()] > 0) {
                sb.append(sep).append(r.message()).append('=').append(rejected[r.ordinal()]);
                sep = ", ";
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "AppendResult[samples=" + samplesAppended + ", exemplars=" + exemplarsAppended
            + (hasRejections() ? ", " + describe() : "") + "]";
    }
}
