package io.gnomon.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from {@code /proc/<pid>/stat} and {@code status}. */
final class ProcStats {

    /** Clock ticks per second of {@code utime}/{@code stime}; 100 on every Linux we run on. */
    static final double CLK_TCK = 100.0;

    private ProcStats() {
    }

    /** User plus system CPU seconds consumed so far. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name, which is in parentheses and may contain spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state); utime is field 14, stime field 15.
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return (utime + stime) / CLK_TCK;
    }

    /** Resident set size in bytes (VmRSS). */
    static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                String[] p = line.substring(6).trim().split("\\s+");
                return Long.parseLong(p[0]) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }
}
