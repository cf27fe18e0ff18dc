package io.gnomon.scrape.discovery;

import io.gnomon.scrape.config.FileSdConfig;
import io.gnomon.scrape.config.TargetGroup;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code file_sd_configs}: target groups from JSON or YAML files matched by the patterns (a glob
 * in the last path element). Files are checked for changes (listing, size, modification time)
 * every {@link #POLL_MILLIS} and read again on change and at every {@code refresh_interval}. A file
 * that cannot be read or parsed keeps its previous groups and the error is logged; a deleted
 * file's groups go away. Each group gets {@code __meta_filepath}.
 */
public final class FileDiscovery implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FileDiscovery.class.getName());
    static final long POLL_MILLIS = 1000;

    private final String id;
    private final FileSdConfig config;
    private final DiscoveryListener listener;
    private final Map<Path, String> stamps = new HashMap<>();
    private final Map<Path, List<TargetGroup>> groups = new TreeMap<>();
    private volatile ScheduledFuture<?> poll;
    private long lastFullRead;
    private volatile boolean closed;

    public FileDiscovery(String id, FileSdConfig config, DiscoveryListener listener) {
        this.id = id;
        this.config = config;
        this.listener = listener;
    }

    /** Reads the files once (synchronously), then watches them on {@code timer}. */
    public synchronized void start(ScheduledExecutorService timer) {
        refresh(true);
        poll = timer.scheduleWithFixedDelay(() -> {
            try {
                boolean full = System.currentTimeMillis() - lastFullRead >= config.refreshInterval().toMillis();
                refresh(full);
            } catch (RuntimeException e) {
                LOG.warning("file discovery " + id + " failed: " + e);
            }
        }, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    synchronized void refresh(boolean full) {
        if (closed) {
            return;
        }
        if (full) {
            lastFullRead = System.currentTimeMillis();
        }
        Map<Path, String> now = new HashMap<>();
        for (String pattern : config.files()) {
            for (Path f : expand(pattern)) {
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    now.put(f, a.lastModifiedTime().toMillis() + "/" + a.size());
                } catch (IOException e) {
                    // vanished between listing and stat
                }
            }
        }
        boolean changed = !now.keySet().equals(stamps.keySet());
        for (Map.Entry<Path, String> e : now.entrySet()) {
            if (full || !Objects.equals(stamps.get(e.getKey()), e.getValue())) {
                try {
                    List<TargetGroup> g = TargetGroupReader.read(Files.readString(e.getKey()), e.getKey().toString(),
                        "__meta_filepath", e.getKey().toString());
                    if (!g.equals(groups.get(e.getKey()))) {
                        groups.put(e.getKey(), g);
                        changed = true;
                    }
                } catch (IOException | IllegalArgumentException ex) {
                    LOG.warning("file discovery " + id + ": cannot read " + e.getKey() + ", keeping its previous targets: " + ex.getMessage());
                }
            }
        }
        groups.keySet().retainAll(now.keySet());
        stamps.clear();
        stamps.putAll(now);
        if (changed) {
            List<TargetGroup> all = new ArrayList<>();
            groups.values().forEach(all::addAll);
            listener.update(id, all);
        }
    }

    static List<Path> expand(String pattern) {
        Path p = Path.of(pattern);
        Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
        String name = p.getFileName().toString();
        List<Path> out = new ArrayList<>();
        if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
            if (Files.isRegularFile(p)) {
                out.add(p);
            }
            return out;
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + name);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                if (m.matches(f.getFileName()) && Files.isRegularFile(f)) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            LOG.warning("file discovery: cannot list " + dir + ": " + e.getMessage());
        }
        out.sort(null);
        return out;
    }

    @Override
    public void close() { // not synchronized: a refresh holding the lock may be calling into the pool
        closed = true;
        if (poll != null) {
            poll.cancel(false);
        }
    }
}
