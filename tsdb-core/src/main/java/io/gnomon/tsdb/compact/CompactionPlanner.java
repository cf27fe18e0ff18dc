package io.gnomon.tsdb.compact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which persisted blocks to compact next, as Prometheus's leveled compactor does.
 *
 * <p>Ranges: {@link #exponentialRanges} gives 2h, 6h, 18h, 54h, ... (each 3x the previous),
 * {@link #capRanges} drops those above the maximum block duration (10% of the retention time,
 * at most 31 days). One call of {@link #plan} returns one group, in this order of preference:
 * <ol>
 *   <li><b>Overlapping blocks</b> (vertical compaction): the first set of blocks, by minTime,
 *       whose time ranges overlap transitively. Merging them de-duplicates the samples.</li>
 *   <li><b>Leveled compaction</b>: the newest block is left out (it was just cut from the head and
 *       stays alone for one block range, which keeps incremental backups simple). For each range
 *       above the smallest, the blocks are split into aligned windows of that range
 *       ({@code [k*range, (k+1)*range)}, a block belongs to the window containing it entirely);
 *       the first window with at least two blocks that either fills the whole window or ends at
 *       or before the start of the newest remaining block is returned (so a window is not
 *       compacted early while another block of the same size may still land in it). A window
 *       holding a block whose compaction failed before is skipped.</li>
 *   <li><b>Tombstones</b>: a single block at least as long as the middle range whose tombstones
 *       exceed 5% of its series, to rewrite it without the deleted data.</li>
 * </ol>
 * An empty list means nothing to do. Stateless and thread-safe.
 */
public final class CompactionPlanner {

    /** Prometheus's default: 2h minimum block, 10 ranges, factor 3. */
    public static List<Long> exponentialRanges(long minSize, int steps, int factor) {
        List<Long> out = new ArrayList<>();
        long r = minSize;
        for (int i = 0; i < steps; i++) {
            out.add(r);
            if (r > Long.MAX_VALUE / factor) {
                break;
            }
            r *= factor;
        }
        return out;
    }

    /** The ranges not above {@code maxBlockDuration} (the smallest is always kept). */
    public static List<Long> capRanges(List<Long> ranges, long maxBlockDuration) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            if (i > 0 && ranges.get(i) > maxBlockDuration) {
                break;
            }
            out.add(ranges.get(i));
        }
        return out;
    }

    /**
     * The maximum block duration Prometheus derives from the retention time: 10% of it, at most
     * 31 days; with no time retention (0) 31 days.
     */
    public static long maxBlockDuration(long retentionMillis, long minBlockDuration) {
        long max = 31L * 24 * 3600 * 1000;
        if (retentionMillis > 0) {
            max = Math.min(max, retentionMillis / 10);
        }
        return Math.max(max, minBlockDuration);
    }

    private final List<Long> ranges;

    public CompactionPlanner(List<Long> ranges) {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("no block ranges");
        }
        this.ranges = List.copyOf(ranges);
    }

    public List<Long> ranges() {
        return ranges;
    }

    /** The next group of blocks to compact into one, or an empty list. */
    public List<BlockInfo> plan(List<BlockInfo> blocks) {
        List<BlockInfo> sorted = new ArrayList<>(blocks);
        sorted.sort(Comparator.comparingLong(BlockInfo::minTime).thenComparing(BlockInfo::id));
        List<BlockInfo> overlapping = firstOverlapping(sorted);
        if (!overlapping.isEmpty()) {
            return overlapping;
        }
        if (sorted.isEmpty()) {
            return List.of();
        }
        // The newest block stays alone for now.
        List<BlockInfo> older = sorted.subList(0, sorted.size() - 1);
        List<BlockInfo> leveled = older.isEmpty() ? List.of() : selectLeveled(older, older.get(older.size() - 1).minTime());
        if (!leveled.isEmpty()) {
            return leveled;
        }
        long minSpan = ranges.get(ranges.size() / 2);
        for (int i = older.size() - 1; i >= 0; i--) {
            BlockInfo b = older.get(i);
            if (b.span() < minSpan) {
                break;
            }
            if (!b.compactionFailed() && (double) b.numTombstones() / (b.numSeries() + 1) > 0.05) {
                return List.of(b);
            }
        }
        return List.of();
    }

    /** The first maximal run of transitively overlapping blocks (sorted by minTime), or empty. */
    static List<BlockInfo> firstOverlapping(List<BlockInfo> sorted) {
        List<BlockInfo> group = new ArrayList<>();
        long groupMax = Long.MIN_VALUE;
        for (BlockInfo b : sorted) {
            if (!group.isEmpty() && b.minTime() < groupMax) {
                group.add(b);
                groupMax = Math.max(groupMax, b.maxTime());
                continue;
            }
            if (group.size() > 1) {
                return group;
            }
            group.clear();
            group.add(b);
            groupMax = b.maxTime();
        }
        return group.size() > 1 ? group : List.of();
    }

    private List<BlockInfo> selectLeveled(List<BlockInfo> blocks, long highTime) {
        if (ranges.size() < 2 || blocks.isEmpty()) {
            return List.of();
        }
        for (int r = 1; r < ranges.size(); r++) {
            long range = ranges.get(r);
            for (List<BlockInfo> part : splitByRange(blocks, range)) {
                if (part.size() < 2 || part.stream().anyMatch(BlockInfo::compactionFailed)) {
                    continue;
                }
                long mint = part.get(0).minTime();
                long maxt = part.get(part.size() - 1).maxTime();
                if (maxt - mint == range || maxt <= highTime) {
                    return part;
                }
            }
        }
        return List.of();
    }

    /**
     * Groups blocks (sorted by minTime, not overlapping) by the aligned window of width
     * {@code range} that contains them; blocks that straddle a window boundary (already larger
     * than the window) belong to none.
     */
    static List<List<BlockInfo>> splitByRange(List<BlockInfo> blocks, long range) {
        List<List<BlockInfo>> out = new ArrayList<>();
        int i = 0;
        while (i < blocks.size()) {
            BlockInfo b = blocks.get(i);
            long t0 = Math.floorDiv(b.minTime(), range) * range;
            if (b.maxTime() > t0 + range) {
                i++;
                continue;
            }
            List<BlockInfo> group = new ArrayList<>();
            while (i < blocks.size()) {
                BlockInfo m = blocks.get(i);
                if (m.maxTime() > t0 + range) {
                    break;
                }
                group.add(m);
                i++;
            }
            if (!group.isEmpty()) {
                out.add(group);
            }
        }
        return out;
    }
}
