/**
 * Chunk encodings: compressed runs of one series' samples, bit-for-bit Prometheus's
 * ({@code tsdb/chunkenc}). {@link io.gnomon.tsdb.chunkenc.XorChunk} is the float chunk the head
 * appends to and blocks store; {@link io.gnomon.tsdb.chunkenc.XorIterator} decodes it from any
 * byte range. {@link io.gnomon.tsdb.chunkenc.StStream} is the head's in-memory stream of per-sample
 * start timestamps kept next to a chunk (not part of any block format). Formats:
 * {@code docs/format/chunks.md}.
 *
 * <p>Leaf package: depends only on {@code io.gnomon.tsdb.storage} (the iterator contract).
 */
package io.gnomon.tsdb.chunkenc;
