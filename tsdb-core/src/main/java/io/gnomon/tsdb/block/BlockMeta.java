package io.gnomon.tsdb.block;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The contents of a block's {@code meta.json}, field for field as Prometheus writes it
 * ({@code tsdb/block.go}, {@code BlockMeta}), so that either system reads the other's blocks.
 *
 * <pre>
 * {
 * 	"ulid": "01HZX8Q3W0C9M1ZJ8Q2V4D6B7N",     block id and directory name
 * 	"minTime": 1700000000000,                 first timestamp that may be present (ms, inclusive)
 * 	"maxTime": 1700007200000,                 end of the range (ms, EXCLUSIVE)
 * 	"stats": {                                counts over the block; each omitted when 0
 * 		"numSamples": 1440,
 * 		"numSeries": 2,
 * 		"numChunks": 12,
 * 		"numTombstones": 0
 * 	},
 * 	"compaction": {
 * 		"level": 1,                           1 for a block cut from the head, +1 per compaction
 * 		"sources": ["01HZX8Q3W0C9M1ZJ8Q2V4D6B7N"],  level-1 blocks whose data it holds
 * 		"parents": [{"ulid": ..., "minTime": ..., "maxTime": ...}],  blocks it was compacted from
 * 		"deletable": true,                    omitted when false: compaction left nothing
 * 		"failed": true                        omitted when false: compaction of it failed
 * 	},
 * 	"version": 1                              meta.json format; only 1 exists
 * }
 * </pre>
 *
 * <p>The file is written by Go's {@code json.MarshalIndent(meta, "", "\t")}; {@link #toJson()}
 * produces the same text for the fields above. Unknown fields are ignored when reading (newer
 * Prometheus versions add e.g. {@code numFloatSamples} and compaction {@code hints}).
 */
public record BlockMeta(Ulid ulid, long minTime, long maxTime, Stats stats, Compaction compaction, int version) {

    /** The name of the file in a block directory. */
    public static final String FILE_NAME = "meta.json";
    /** The only meta.json version. */
    public static final int VERSION = 1;

    public BlockMeta {
        if (ulid == null || stats == null || compaction == null) {
            throw new IllegalArgumentException("block meta needs ulid, stats and compaction");
        }
    }

    /** Counts over a block; they need not be exact for blocks written by others. */
    public record Stats(long numSamples, long numSeries, long numChunks, long numTombstones) {
        public static final Stats EMPTY = new Stats(0, 0, 0, 0);

        public Stats withTombstones(long n) {
            return new Stats(numSamples, numSeries, numChunks, n);
        }
    }

    /** A parent block: what {@code compaction.parents} lists. */
    public record BlockDesc(Ulid ulid, long minTime, long maxTime) {
    }

    /**
     * How a block came to be.
     *
     * @param level 1 for a block cut from the head; the maximum parent level + 1 after compaction
     * @param sources the level-1 blocks whose data it holds, sorted; empty in a request to
     *     {@link BlockWriter} means "this new block itself" (head compaction)
     * @param parents the blocks it was directly compacted from (empty at level 1)
     */
    public record Compaction(int level, List<Ulid> sources, List<BlockDesc> parents, boolean deletable, boolean failed) {
        public Compaction {
            sources = List.copyOf(sources);
            parents = List.copyOf(parents);
        }

        /** The compaction record of a block cut from the head; its source is set to the new block. */
        public static Compaction head() {
            return new Compaction(1, List.of(), List.of(), false, false);
        }

        /** The compaction record of a block made from {@code parents}: next level, union of sources. */
        public static Compaction merge(Collection<BlockMeta> parents) {
            int level = 0;
            TreeSet<Ulid> sources = new TreeSet<>();
            List<BlockDesc> descs = new ArrayList<>();
            for (BlockMeta m : parents) {
                level = Math.max(level, m.compaction().level());
                sources.addAll(m.compaction().sources());
                descs.add(new BlockDesc(m.ulid(), m.minTime(), m.maxTime()));
            }
            return new Compaction(level + 1, new ArrayList<>(sources), descs, false, false);
        }

        public Compaction withSources(List<Ulid> s) {
            return new Compaction(level, s, parents, deletable, failed);
        }

        public Compaction withDeletable(boolean d) {
            return new Compaction(level, sources, parents, d, failed);
        }

        public Compaction withFailed(boolean f) {
            return new Compaction(level, sources, parents, deletable, f);
        }
    }

    public BlockMeta withStats(Stats s) {
        return new BlockMeta(ulid, minTime, maxTime, s, compaction, version);
    }

    public BlockMeta withCompaction(Compaction c) {
        return new BlockMeta(ulid, minTime, maxTime, stats, c, version);
    }

    /** Whether {@code [minTime, maxTime)} overlaps {@code [mint, maxt]} (both inclusive). */
    public boolean overlaps(long mint, long maxt) {
        return minTime <= maxt && mint < maxTime;
    }

    /** The text Prometheus would write for this meta (tab-indented, no trailing newline). */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\n\t\"ulid\": \"").append(ulid).append("\",\n");
        sb.append("\t\"minTime\": ").append(minTime).append(",\n");
        sb.append("\t\"maxTime\": ").append(maxTime).append(",\n");
        sb.append("\t\"stats\": {");
        List<String> st = new ArrayList<>(4);
        if (stats.numSamples() != 0) {
            st.add("\"numSamples\": " + stats.numSamples());
        }
        if (stats.numSeries() != 0) {
            st.add("\"numSeries\": " + stats.numSeries());
        }
        if (stats.numChunks() != 0) {
            st.add("\"numChunks\": " + stats.numChunks());
        }
        if (stats.numTombstones() != 0) {
            st.add("\"numTombstones\": " + stats.numTombstones());
        }
        appendFields(sb, st, "\t\t", "\t");
        sb.append(",\n\t\"compaction\": {");
        List<String> cf = new ArrayList<>(5);
        cf.add("\"level\": " + compaction.level());
        if (!compaction.sources().isEmpty()) {
            StringBuilder a = new StringBuilder("\"sources\": [");
            for (int i = 0; i < compaction.sources().size(); i++) {
                a.append(i == 0 ? "\n" : ",\n").append("\t\t\t\"").append(compaction.sources().get(i)).append('"');
            }
            cf.add(a.append("\n\t\t]").toString());
        }
        if (!compaction.parents().isEmpty()) {
            StringBuilder a = new StringBuilder("\"parents\": [");
            for (int i = 0; i < compaction.parents().size(); i++) {
                BlockDesc d = compaction.parents().get(i);
                a.append(i == 0 ? "\n" : ",\n").append("\t\t\t{\n")
                        .append("\t\t\t\t\"ulid\": \"").append(d.ulid()).append("\",\n")
                        .append("\t\t\t\t\"minTime\": ").append(d.minTime()).append(",\n")
                        .append("\t\t\t\t\"maxTime\": ").append(d.maxTime()).append("\n\t\t\t}");
            }
            cf.add(a.append("\n\t\t]").toString());
        }
        if (compaction.failed()) {
            cf.add("\"failed\": true");
        }
        if (compaction.deletable()) {
            cf.add("\"deletable\": true");
        }
        appendFields(sb, cf, "\t\t", "\t");
        sb.append(",\n\t\"version\": ").append(version).append("\n}");
        return sb.toString();
    }

    private static void appendFields(StringBuilder sb, List<String> fields, String indent, String closeIndent) {
        if (fields.isEmpty()) {
            sb.append('}');
            return;
        }
        for (int i = 0; i < fields.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n").append(indent).append(fields.get(i));
        }
        sb.append('\n').append(closeIndent).append('}');
    }

    /**
     * Parses meta.json text.
     *
     * @param source the file, for the error message
     * @throws CorruptBlockException when the text is not a version-1 meta.json
     */
    public static BlockMeta parse(String json, Path source) throws CorruptBlockException {
        try {
            Object root = MiniJson.parse(json);
            if (!(root instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            long version = num(m, "version", true);
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported meta.json version " + version + ", only 1 is known");
            }
            Ulid ulid = Ulid.parse(str(m, "ulid"));
            long mint = num(m, "minTime", true);
            long maxt = num(m, "maxTime", true);
            if (maxt < mint) {
                throw new IllegalArgumentException("maxTime " + maxt + " before minTime " + mint);
            }
            Map<?, ?> st = obj(m, "stats");
            Stats stats = st == null ? Stats.EMPTY
                    : new Stats(num(st, "numSamples", false), num(st, "numSeries", false),
                            num(st, "numChunks", false), num(st, "numTombstones", false));
            Map<?, ?> c = obj(m, "compaction");
            Compaction comp;
            if (c == null) {
                comp = new Compaction(1, List.of(ulid), List.of(), false, false);
            } else {
                List<Ulid> sources = new ArrayList<>();
                for (Object o : list(c, "sources")) {
                    sources.add(Ulid.parse(String.valueOf(o)));
                }
                List<BlockDesc> parents = new ArrayList<>();
                for (Object o : list(c, "parents")) {
                    if (!(o instanceof Map<?, ?> pm)) {
                        throw new IllegalArgumentException("parent is not an object");
                    }
                    parents.add(new BlockDesc(Ulid.parse(str(pm, "ulid")), num(pm, "minTime", true), num(pm, "maxTime", true)));
                }
                comp = new Compaction((int) num(c, "level", false), sources, parents,
                        Boolean.TRUE.equals(c.get("deletable")), Boolean.TRUE.equals(c.get("failed")));
            }
            return new BlockMeta(ulid, mint, maxt, stats, comp, (int) version);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new CorruptBlockException(source, "invalid meta.json: " + e.getMessage());
        }
    }

    /** Reads {@code dir/meta.json}. */
    public static BlockMeta read(Path dir) throws IOException {
        Path f = dir.resolve(FILE_NAME);
        byte[] b;
        try {
            b = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw new CorruptBlockException(f, "meta.json missing");
        }
        return parse(new String(b, StandardCharsets.UTF_8), f);
    }

    /**
     * Writes {@code dir/meta.json} atomically: to {@code meta.json.tmp}, fsync, rename (as
     * Prometheus's {@code writeMetaFile}), so a crash leaves the old file or the new one.
     */
    public void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        io.gnomon.tsdb.fileutil.FileUtil.writeAtomically(tmp, dir.resolve(FILE_NAME), toJson().getBytes(StandardCharsets.UTF_8));
    }

    private static long num(Map<?, ?> m, String k, boolean required) {
        Object o = m.get(k);
        if (o == null) {
            if (required) {
                throw new IllegalArgumentException("field " + k + " missing");
            }
            return 0;
        }
        if (!(o instanceof Long l)) {
            throw new IllegalArgumentException("field " + k + " is not an integer");
        }
        return l;
    }

    private static String str(Map<?, ?> m, String k) {
        Object o = m.get(k);
        if (!(o instanceof String s)) {
            throw new IllegalArgumentException("field " + k + " missing or not a string");
        }
        return s;
    }

    private static Map<?, ?> obj(Map<?, ?> m, String k) {
        Object o = m.get(k);
        if (o == null) {
            return null;
        }
        if (!(o instanceof Map<?, ?> r)) {
            throw new IllegalArgumentException("field " + k + " is not an object");
        }
        return r;
    }

    private static List<?> list(Map<?, ?> m, String k) {
        Object o = m.get(k);
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException("field " + k + " is not an array");
        }
        return l;
    }
}
