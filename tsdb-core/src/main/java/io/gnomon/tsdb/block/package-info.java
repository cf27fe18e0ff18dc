/**
 * Persistent blocks in the Prometheus TSDB format: a directory named by a {@link
 * io.gnomon.tsdb.block.Ulid} holding {@code meta.json} ({@link io.gnomon.tsdb.block.BlockMeta}),
 * {@code chunks/000001...} ({@link io.gnomon.tsdb.chunks.ChunkSegmentWriter}), {@code index}
 * ({@link io.gnomon.tsdb.index.IndexWriter}) and {@code tombstones}
 * ({@link io.gnomon.tsdb.tombstones.TombstonesFile}).
 *
 * <p>{@link io.gnomon.tsdb.block.BlockReader} is the one read path over the head and blocks;
 * {@link io.gnomon.tsdb.block.Block} opens a block directory (memory-mapped, never read whole
 * onto the heap), {@link io.gnomon.tsdb.block.BlockQuerier} queries any reader, and
 * {@link io.gnomon.tsdb.block.BlockWriter} writes a new block from readers (head compaction,
 * leveled and vertical compaction). Byte layouts: {@code docs/format/blocks.md}.
 */
package io.gnomon.tsdb.block;
