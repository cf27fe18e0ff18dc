package io.gnomon.ingest.otlp;

import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Rejection;
import java.util.Arrays;

/**
 * What one request stored and refused: data points seen and refused per {@link Reason}, the first
 * refusal (metric, reason, detail) for the partial-success message, and samples written.
 * Reused across requests of one thread.
 */
final class Outcome {

    private final long[] counts = new long[Reason.values().length];
    long points;
    long pointsRejected;
    long samplesWritten;
    long exemplarsWritten;
    private Reason firstReason;
    private String firstWhat;
    private String firstDetail;

    void reset() {
        Arrays.fill(counts, 0);
        points = 0;
        pointsRejected = 0;
        samplesWritten = 0;
        exemplarsWritten = 0;
        firstReason = null;
        firstWhat = null;
        firstDetail = null;
    }

    /** One data point refused (entirely) for {@code reason}. */
    void rejectPoint(Reason reason, String what, String detail) {
        pointsRejected++;
        add(reason, 1, what, detail);
    }

    void add(Reason reason, long n, String what, String detail) {
        if (n <= 0) {
            return;
        }
        counts[reason.ordinal()] += n;
        if (firstReason == null || (!firstReason.dataPoint() && reason.dataPoint())) {
            firstReason = reason;
            firstWhat = what;
            firstDetail = detail;
        }
    }

    /**
     * Adds the storage's refusals. Storage counts samples, not data points: each refused sample
     * is counted as one refused data point (a histogram point refused whole counts once per
     * series), capped at the points of the request.
     */
    void merge(AppendResult result) {
        samplesWritten = result.samplesAppended();
        exemplarsWritten = result.exemplarsAppended();
        Rejection first = result.firstRejection();
        if (first != null) {
            add(Reason.of(first), Math.max(1, result.rejected(first)),
                result.firstRejectedLabels() == null ? null : "series " + result.firstRejectedLabels(), null);
        }
        for (Rejection r : Rejection.values()) {
            if (r != first) {
                add(Reason.of(r), result.rejected(r), null, null);
            }
        }
        pointsRejected = Math.min(points, pointsRejected + result.samplesRejected());
    }

    long count(Reason r) {
        return counts[r.ordinal()];
    }

    boolean any() {
        return firstReason != null;
    }

    /** {@code <reason> for <what> (<detail>); rejected: <reason>=<n>, ...}, or empty. */
    String describe() {
        if (firstReason == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(128).append(firstReason.message());
        if (firstWhat != null) {
            sb.append(" for ").append(firstWhat);
        }
        if (firstDetail != null && !firstDetail.isEmpty()) {
            sb.append(" (").append(firstDetail).append(')');
        }
        sb.append("; rejected:");
        String sep = " ";
        for (Reason r : Reason.values()) {
            if (counts[r.ordinal()] > 0) {
                sb.append(sep).append(r.message()).append('=').append(counts[r.ordinal()]);
                sep = ", ";
            }
        }
        return sb.toString();
    }
}
