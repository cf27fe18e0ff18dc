package io.gnomon.scrape;

import io.gnomon.scrape.config.Durations;
import io.gnomon.scrape.config.ScrapeConfig;
import io.gnomon.scrape.config.TargetGroup;
import io.gnomon.scrape.relabel.Relabeler;
import io.gnomon.tsdb.labels.Labels;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns discovered target groups into targets as Prometheus's {@code PopulateLabels} does:
 * group labels, then the target's {@code __address__}; defaults for {@code job},
 * {@code __scheme__}, {@code __metrics_path__}, {@code __scrape_interval__},
 * {@code __scrape_timeout__} and {@code __param_<name>} where absent (these are the
 * "discovered labels"); {@code relabel_configs}; then a target without {@code __address__} or
 * with an invalid interval/timeout is dropped, {@code __meta_*} labels are removed,
 * {@code instance} defaults to {@code __address__}, and the labels without a {@code __} prefix are
 * the target's labels. Like Prometheus 3, no port is added to an address without one.
 */
final class TargetBuilder {

    /** A built target or the reason it was dropped. */
    record Result(Target target, DroppedTarget dropped, String error) {
    }

    private final Relabeler relabeler = new Relabeler();

    List<Result> build(ScrapeConfig cfg, List<TargetGroup> groups) {
        List<Result> out = new ArrayList<>();
        for (TargetGroup g : groups) {
            for (String addr : g.targets()) {
                out.add(build(cfg, g, addr));
            }
        }
        return out;
    }

    Result build(ScrapeConfig cfg, TargetGroup g, String addr) {
        Labels.Builder b = Labels.builder();
        for (Map.Entry<String, String> e : g.labels().entrySet()) {
            b.set(e.getKey(), e.getValue());
        }
        b.set("__address__", addr);
        setIfAbsent(b, "job", cfg.jobName());
        setIfAbsent(b, "__scrape_interval__", Durations.format(cfg.scrapeInterval()));
        setIfAbsent(b, "__scrape_timeout__", Durations.format(cfg.scrapeTimeout()));
        setIfAbsent(b, "__metrics_path__", cfg.metricsPath());
        setIfAbsent(b, "__scheme__", cfg.scheme());
        for (Map.Entry<String, List<String>> p : cfg.params().entrySet()) {
            if (!p.getValue().isEmpty()) {
                setIfAbsent(b, "__param_" + p.getKey(), p.getValue().get(0));
            }
        }
        Labels discovered = b.build();
        Labels l = relabeler.process(discovered, cfg.relabelConfigs());
        DroppedTarget dropped = new DroppedTarget(cfg.jobName(), discovered);
        if (l == null) {
            return new Result(null, dropped, null);
        }
        String address = l.get("__address__");
        if (address.isEmpty()) {
            return new Result(null, dropped, "no address");
        }
        Duration interval;
        Duration timeout;
        try {
            interval = Durations.parse(l.get("__scrape_interval__"));
            timeout = Durations.parse(l.get("__scrape_timeout__"));
        } catch (IllegalArgumentException e) {
            return new Result(null, dropped, "error parsing scrape interval or timeout: " + e.getMessage());
        }
        if (interval.isZero()) {
            return new Result(null, dropped, "scrape interval cannot be 0");
        }
        if (timeout.isZero()) {
            return new Result(null, dropped, "scrape timeout cannot be 0");
        }
        if (timeout.compareTo(interval) > 0) {
            return new Result(null, dropped, "scrape timeout cannot be greater than scrape interval (\""
                + Durations.format(timeout) + "\" > \"" + Durations.format(interval) + "\")");
        }
        Labels.Builder tb = Labels.builder();
        Map<String, List<String>> params = new LinkedHashMap<>();
        cfg.params().forEach((k, v) -> params.put(k, new ArrayList<>(v)));
        for (int i = 0; i < l.size(); i++) {
            String n = l.name(i);
            if (n.startsWith("__param_")) {
                String pn = n.substring("__param_".length());
                List<String> vs = params.computeIfAbsent(pn, k -> new ArrayList<>());
                if (vs.isEmpty()) {
                    vs.add(l.value(i));
                } else {
                    vs.set(0, l.value(i));
                }
            }
            if (!n.startsWith("__")) {
                tb.add(n, l.value(i));
            }
        }
        if (!l.has("instance")) {
            tb.add("instance", address);
        }
        URI url;
        try {
            url = url(l.get("__scheme__"), address, l.get("__metrics_path__"), params);
        } catch (IllegalArgumentException e) {
            return new Result(null, dropped, "invalid target URL: " + e.getMessage());
        }
        Target t = new Target(cfg.jobName(), tb.build(), discovered, url, interval, timeout);
        return new Result(t, null, null);
    }

    static URI url(String scheme, String address, String path, Map<String, List<String>> params) {
        StringBuilder sb = new StringBuilder();
        sb.append(scheme).append("://").append(address);
        if (!path.startsWith("/")) {
            sb.append('/');
        }
        sb.append(path);
        String sep = path.contains("?") ? "&" : "?";
        for (Map.Entry<String, List<String>> p : new java.util.TreeMap<>(params).entrySet()) {
            for (String v : p.getValue()) {
                sb.append(sep).append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
                sep = "&";
            }
        }
        return URI.create(sb.toString());
    }

    private static void setIfAbsent(Labels.Builder b, String name, String value) {
        if (b.get(name).isEmpty()) {
            b.set(name, value);
        }
    }
}
