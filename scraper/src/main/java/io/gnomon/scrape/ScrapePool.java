package io.gnomon.scrape;

import io.gnomon.scrape.config.ScrapeConfig;
import io.gnomon.scrape.config.TargetGroup;
import io.gnomon.scrape.discovery.FileDiscovery;
import io.gnomon.scrape.discovery.HttpDiscovery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The targets of one {@code scrape_configs} job: its discovery providers, the targets they yield
 * after relabeling (and the dropped ones), and one {@link ScrapeLoop} per target. On every
 * discovery update or reload the target set is rebuilt; a target whose identity (labels and URL)
 * stays keeps its loop, cache and state; a target that goes away is stopped with stale markers.
 */
final class ScrapePool {

    private static final Logger LOG = Logger.getLogger(ScrapePool.class.getName());

    private final ScrapeManager manager;
    private ScrapeConfig config;
    private HttpFetcher fetcher;
    private final Map<String, List<TargetGroup>> groups = new LinkedHashMap<>();
    private final List<AutoCloseable> providers = new ArrayList<>();
    private Map<Long, ScrapeLoop> loops = new LinkedHashMap<>();
    private volatile List<DroppedTarget> dropped = List.of();
    private volatile int droppedCount;
    private volatile List<Target> active = List.of();
    private final TargetBuilder builder = new TargetBuilder();
    private boolean stopped;

    ScrapePool(ScrapeManager manager, ScrapeConfig config) {
        this.manager = manager;
        this.config = config;
        this.fetcher = manager.fetcher(config);
    }

    String name() {
        return config.jobName();
    }

    synchronized ScrapeConfig config() {
        return config;
    }

    /** Starts discovery (static and file groups are read before this returns). */
    synchronized void start() {
        startProviders();
    }

    private void startProviders() {
        groups.clear();
        for (TargetGroup g : config.staticConfigs()) {
            groups.computeIfAbsent("static", k -> new ArrayList<>()).add(g);
        }
        int i = 0;
        for (var f : config.fileSdConfigs()) {
            FileDiscovery d = new FileDiscovery("file/" + config.jobName() + "/" + i++, f, this::update);
            providers.add(d);
            d.start(manager.discoveryTimer());
        }
        i = 0;
        for (var h : config.httpSdConfigs()) {
            HttpDiscovery d = new HttpDiscovery("http/" + config.jobName() + "/" + i++, h, this::update);
            providers.add(d);
            d.start(manager.discoveryTimer());
        }
        sync();
    }

    private void stopProviders() {
        for (AutoCloseable p : providers) {
            try {
                p.close();
            } catch (Exception e) {
                LOG.warning("stopping discovery failed: " + e);
            }
        }
        providers.clear();
    }

    private synchronized void update(String provider, List<TargetGroup> g) {
        if (stopped) {
            return;
        }
        groups.put(provider, g);
        sync();
    }

    /** Applies a changed config; discovery restarts only when the discovery part changed. */
    synchronized void reload(ScrapeConfig c) {
        boolean sdChanged = !Objects.equals(c.staticConfigs(), config.staticConfigs())
            || !Objects.equals(c.fileSdConfigs(), config.fileSdConfigs())
            || !Objects.equals(c.httpSdConfigs(), config.httpSdConfigs());
        if (!c.http().equals(config.http()) || !c.scheme().equals(config.scheme())) {
            fetcher = manager.fetcher(c);
        }
        config = c;
        if (sdChanged) {
            stopProviders();
            startProviders();
        } else {
            sync();
        }
    }

    /** Rebuilds targets from the current groups. */
    private void sync() {
        List<TargetGroup> all = new ArrayList<>();
        groups.values().forEach(all::addAll);
        Map<Long, ScrapeLoop> next = new LinkedHashMap<>();
        List<DroppedTarget> drops = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (TargetBuilder.Result r : builder.build(config, all)) {
            if (r.target() == null) {
                drops.add(r.dropped());
                if (r.error() != null) {
                    LOG.warning("scrape pool " + config.jobName() + ": target dropped: " + r.error()
                        + " [labels=" + r.dropped().discoveredLabels() + "]");
                }
                continue;
            }
            Target t = r.target();
            if (next.containsKey(t.hash())) {
                continue; // the same target twice
            }
            ScrapeLoop old = loops.remove(t.hash());
            ScrapeLoop loop;
            if (old != null) {
                old.update(t, config, fetcher);
                loop = old;
            } else {
                loop = manager.newLoop(t, config, fetcher);
                loop.start();
            }
            next.put(t.hash(), loop);
            targets.add(t);
        }
        for (ScrapeLoop gone : loops.values()) {
            gone.stop(true);
        }
        loops = next;
        String limitError = null;
        if (config.targetLimit() > 0 && next.size() > config.targetLimit()) {
            limitError = "target_limit exceeded (number of targets: " + next.size() + ", limit: " + config.targetLimit() + ")";
        }
        for (ScrapeLoop l : next.values()) {
            l.forceError(limitError);
        }
        active = List.copyOf(targets);
        droppedCount = drops.size();
        // keep_dropped_targets: only so many are kept for the targets API; all are counted
        long keep = config.keepDroppedTargets();
        dropped = List.copyOf(keep > 0 && drops.size() > keep ? drops.subList(0, (int) keep) : drops);
    }

    List<Target> activeTargets() {
        List<Target> out = new ArrayList<>(active.size());
        for (Target t : active) {
            out.add(t);
        }
        // a loop may have taken over a new Target object for the same identity
        Map<Long, Target> current = new HashMap<>();
        synchronized (this) {
            for (ScrapeLoop l : loops.values()) {
                current.put(l.target().hash(), l.target());
            }
        }
        out.replaceAll(t -> current.getOrDefault(t.hash(), t));
        return out;
    }

    List<DroppedTarget> droppedTargets() {
        return dropped;
    }

    /** How many targets relabeling dropped, including those {@code keep_dropped_targets} does not keep. */
    int droppedTargetCount() {
        return droppedCount;
    }

    /** Stops discovery and every loop; with {@code stale}, the loops write end-of-run stale markers. */
    synchronized void stop(boolean stale) {
        stopped = true;
        stopProviders();
        for (ScrapeLoop l : loops.values()) {
            l.stop(stale);
        }
        loops = new LinkedHashMap<>();
        active = List.of();
    }
}
