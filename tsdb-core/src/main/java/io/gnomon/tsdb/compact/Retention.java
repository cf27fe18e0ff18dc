package io.gnomon.tsdb.compact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which whole blocks retention deletes, oldest first (Prometheus's rules):
 * <ul>
 *   <li><b>time</b>: sorted newest first by maxTime, a block whose maxTime is more than the
 *       retention time (or exactly that) behind the newest block's maxTime goes, and every block older than it;</li>
 *   <li><b>size</b>: starting from what is not a block (the WAL, its checkpoint and the head,
 *       given by the caller), the sizes of the blocks are added newest first; the first block that
 *       takes the total past the limit goes, and every block older than it.</li>
 * </ul>
 * A limit of 0 (or less) disables that rule. Stateless.
 */
public final class Retention {

    private Retention() {
    }

    /** The ids of the blocks to delete. */
    public static Set<String> select(List<BlockInfo> blocks, long retentionMillis, long retentionBytes, long nonBlockBytes) {
        List<BlockInfo> newestFirst = new ArrayList<>(blocks);
        newestFirst.sort(Comparator.comparingLong(BlockInfo::maxTime).reversed().thenComparing(BlockInfo::id));
        Set<String> out = new LinkedHashSet<>();
        if (retentionMillis > 0 && !newestFirst.isEmpty()) {
            long newest = newestFirst.get(0).maxTime();
            for (int i = 1; i < newestFirst.size(); i++) {
                if (newest - newestFirst.get(i).maxTime() >= retentionMillis) {
                    for (int k = i; k < newestFirst.size(); k++) {
                        out.add(newestFirst.get(k).id());
                    }
                    break;
                }
            }
        }
        if (retentionBytes > 0) {
            long total = nonBlockBytes;
            for (int i = 0; i < newestFirst.size(); i++) {
                total += newestFirst.get(i).sizeBytes();
                if (total > retentionBytes) {
                    for (int k = i; k < newestFirst.size(); k++) {
                        out.add(newestFirst.get(k).id());
                    }
                    break;
                }
            }
        }
        return out;
    }
}
