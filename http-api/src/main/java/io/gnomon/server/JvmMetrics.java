package io.gnomon.server;

import io.gnomon.tsdb.metrics.MetricSource;
import io.gnomon.tsdb.metrics.MetricWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;

/** JVM memory, GC, threads and process metrics in the names the JVM client libraries use. */
final class JvmMetrics implements MetricSource {

    private final long startMillis = ManagementFactory.getRuntimeMXBean().getStartTime();

    @Override
    public void writeMetrics(MetricWriter w) {
        var mem = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = mem.getHeapMemoryUsage();
        MemoryUsage nonHeap = mem.getNonHeapMemoryUsage();
        w.family("jvm_memory_used_bytes", "gauge", "Used bytes of a given JVM memory area.")
            .sample("jvm_memory_used_bytes", heap.getUsed(), "area", "heap")
            .sample("jvm_memory_used_bytes", nonHeap.getUsed(), "area", "nonheap");
        w.family("jvm_memory_committed_bytes", "gauge", "Committed bytes of a given JVM memory area.")
            .sample("jvm_memory_committed_bytes", heap.getCommitted(), "area", "heap")
            .sample("jvm_memory_committed_bytes", nonHeap.getCommitted(), "area", "nonheap");
        w.family("jvm_memory_max_bytes", "gauge", "Max bytes of a given JVM memory area.")
            .sample("jvm_memory_max_bytes", heap.getMax(), "area", "heap")
            .sample("jvm_memory_max_bytes", nonHeap.getMax(), "area", "nonheap");
        w.family("jvm_memory_pool_used_bytes", "gauge", "Used bytes of a given JVM memory pool.");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            w.sample("jvm_memory_pool_used_bytes", pool.getUsage().getUsed(), "pool", pool.getName());
        }
        w.family("jvm_gc_collection_seconds_count", "counter", "Number of garbage collections by collector.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            w.sample("jvm_gc_collection_seconds_count", gc.getCollectionCount(), "gc", gc.getName());
        }
        w.family("jvm_gc_collection_seconds_sum", "counter", "Time spent in garbage collection by collector, in seconds.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            w.sample("jvm_gc_collection_seconds_sum", gc.getCollectionTime() / 1000.0, "gc", gc.getName());
        }
        w.family("jvm_threads_current", "gauge", "Current thread count of the JVM.")
            .sample("jvm_threads_current", ManagementFactory.getThreadMXBean().getThreadCount());
        w.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.")
            .sample("process_start_time_seconds", startMillis / 1000.0);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            w.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.")
                .sample("process_cpu_seconds_total", os.getProcessCpuTime() / 1e9);
        }
    }
}
