/**
 * A generic, durable, segmented write-ahead log of opaque records. It knows nothing about series
 * or samples: tsdb-core encodes its records (series, samples, exemplars, histograms, tombstones)
 * into byte strings and decodes them on replay.
 *
 * <ul>
 *   <li>{@link io.gnomon.wal.Wal}: open (with repair), append with group commit, segments,
 *       truncation, checkpoints.</li>
 *   <li>{@link io.gnomon.wal.WalReader}: iterate records (newest checkpoint, then segments) with a
 *       sticky {@link io.gnomon.wal.WalCorruptionException}.</li>
 *   <li>{@link io.gnomon.wal.WalOptions}, {@link io.gnomon.wal.FsyncPolicy}: segment size,
 *       LZ4, fsync policy and interval.</li>
 *   <li>{@link io.gnomon.wal.RepairReport}, {@link io.gnomon.wal.WalMetrics},
 *       {@link io.gnomon.wal.CheckpointResult}: what happened.</li>
 *   <li>{@link io.gnomon.wal.RecordFilter}: what a checkpoint keeps.</li>
 *   <li>{@link io.gnomon.wal.WalDescriptor}, {@link io.gnomon.wal.WalPosition}: format constants
 *       and positions; the byte layout is specified in {@code WalWriter} and
 *       {@code docs/format/wal.md}.</li>
 * </ul>
 */
package io.gnomon.wal;
