package io.gnomon.ingest.remotewrite;

import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Rejection;
import java.util.Arrays;

/**
 * Counts what one request refused, per {@link Reason}, and remembers the first refusal (series,
 * reason, detail) for the 400 message. Refusals found while decoding come first; the storage's
 * are merged in from the {@link AppendResult} of the commit. Reused across requests.
 */
final class Tally {

    private final long[] counts = new long[Reason.values().length];
    private Reason firstReason;
    private String firstSeries;
    private String firstDetail;

    void reset() {
        Arrays.fill(counts, 0);
        firstReason = null;
        firstSeries = null;
        firstDetail = null;
    }

    /** Counts {@code n} refused items; the first call also records series and detail. */
    void add(Reason reason, long n, String series, String detail) {
        if (n <= 0) {
            return;
        }
        counts[reason.ordinal()] += n;
        if (firstReason == null || (!firstReason.badRequest() && reason.badRequest())) {
            firstReason = reason;
            firstSeries = series;
            firstDetail = detail;
        }
    }

    /** Adds the storage's refusals; its first refused series is named when it comes first. */
    void merge(AppendResult result) {
        Rejection first = result.firstRejection();
        if (first != null) {
            add(Reason.of(first), Math.max(1, result.rejected(first)),
                result.firstRejectedLabels() == null ? null : result.firstRejectedLabels().toString(), null);
        }
        for (Rejection r : Rejection.values()) {
            if (r != first) {
                add(Reason.of(r), result.rejected(r), null, null);
            }
        }
    }

    long count(Reason r) {
        return counts[r.ordinal()];
    }

    boolean badRequest() {
        for (Reason r : Reason.values()) {
            if (r.badRequest() && counts[r.ordinal()] > 0) {
                return true;
            }
        }
        return false;
    }

    boolean any() {
        return firstReason != null;
    }

    /**
     * {@code <reason> for series <labels> (<detail>); rejected: <reason>=<n>, ...}, or empty.
     */
    String describe() {
        if (firstReason == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(128).append(firstReason.message());
        if (firstSeries != null) {
            sb.append(" for series ").append(firstSeries);
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
