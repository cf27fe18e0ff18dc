package io.gnomon.scrape.config;

import io.gnomon.tsdb.labels.InvalidMatcherException;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Re2Regex;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads and validates {@code prometheus.yml}. Strict as Prometheus is: an unknown key anywhere is
 * an error, every value is checked, and each error names the file, the line and the field. The
 * checks and their messages follow Prometheus's config package, so a file that
 * {@code promtool check config} accepts loads here with the same meaning (sections Gnomon does not
 * act on are accepted and ignored, see {@link PrometheusConfig}); service discovery mechanisms
 * other than static, file and HTTP are refused by name rather than silently ignored.
 *
 * <p>Relative paths inside the file ({@code file_sd_configs} patterns, credential and TLS files)
 * are resolved against the file's directory, as Prometheus does.
 */
public final class ConfigLoader {

    /** Sections Prometheus has that Gnomon accepts without acting on them (yet). */
    static final List<String> IGNORED_SECTIONS = List.of("rule_files", "alerting", "remote_write", "remote_read",
        "storage", "tracing", "runtime");

    private static final Set<String> TOP = Node.keys("global", "scrape_configs", "otlp", "rule_files", "alerting",
        "remote_write", "remote_read", "storage", "tracing", "runtime", "scrape_config_files");
    private static final Set<String> GLOBAL = Node.keys("scrape_interval", "scrape_timeout", "evaluation_interval",
        "external_labels", "query_log_file", "scrape_failure_log_file", "rule_query_offset", "body_size_limit",
        "sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit", "target_limit",
        "keep_dropped_targets", "scrape_protocols", "metric_name_validation_scheme", "metric_name_escaping_scheme",
        "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb", "scrape_native_histograms",
        "extra_scrape_metrics");
    private static final Set<String> HTTP_CLIENT = Node.keys("basic_auth", "authorization", "oauth2", "bearer_token",
        "bearer_token_file", "tls_config", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header",
        "follow_redirects", "enable_http2");
    private static final Set<String> SCRAPE;
    /** Discovery mechanisms Prometheus has and Gnomon does not: refused by name. */
    private static final List<String> UNSUPPORTED_SD = List.of("azure_sd_configs", "consul_sd_configs",
        "digitalocean_sd_configs", "docker_sd_configs", "dockerswarm_sd_configs", "dns_sd_configs", "ec2_sd_configs",
        "eureka_sd_configs", "gce_sd_configs", "hetzner_sd_configs", "ionos_sd_configs", "kubernetes_sd_configs",
        "kuma_sd_configs", "lightsail_sd_configs", "linode_sd_configs", "marathon_sd_configs", "nerve_sd_configs",
        "nomad_sd_configs", "openstack_sd_configs", "ovhcloud_sd_configs", "puppetdb_sd_configs",
        "scaleway_sd_configs", "serverset_sd_configs", "triton_sd_configs", "uyuni_sd_configs", "vultr_sd_configs",
        "stackit_sd_configs");

    static {
        Set<String> s = Node.keys("job_name", "honor_labels", "honor_timestamps", "track_timestamps_staleness",
            "params", "scrape_interval", "scrape_timeout", "scrape_protocols", "fallback_scrape_protocol",
            "metrics_path", "scheme", "enable_compression", "body_size_limit", "sample_limit", "target_limit",
            "label_limit", "label_name_length_limit", "label_value_length_limit", "keep_dropped_targets",
            "native_histogram_bucket_limit", "native_histogram_min_bucket_factor", "scrape_classic_histograms",
            "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb", "scrape_native_histograms",
            "metric_name_validation_scheme", "metric_name_escaping_scheme", "scrape_failure_log_file",
            "static_configs", "file_sd_configs", "http_sd_configs", "relabel_configs", "metric_relabel_configs");
        s.addAll(HTTP_CLIENT);
        s.addAll(UNSUPPORTED_SD);
        SCRAPE = s;
    }

    private static final Pattern FILE_SD_PATTERN = Pattern.compile("^[^*]*(\\*[^/]*)?\\.(json|yml|yaml|JSON|YML|YAML)$");
    private static final Pattern RELABEL_TARGET = Pattern.compile("^(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+$");

    private final String file;
    private final Path baseDir;

    private ConfigLoader(String file, Path baseDir) {
        this.file = file;
        this.baseDir = baseDir;
    }

    /** Loads a file. */
    public static PrometheusConfig load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw ConfigException.ofFile(path.toString(), "cannot read the configuration file: " + e.getMessage());
        }
        Path dir = path.toAbsolutePath().getParent();
        return new ConfigLoader(path.toString(), dir).parse(decode(path.toString(), bytes));
    }

    /** Parses configuration text; relative paths resolve against {@code baseDir}. */
    public static PrometheusConfig parse(String name, String yaml, Path baseDir) {
        return new ConfigLoader(name, baseDir).parse(yaml);
    }

    /**
     * The configuration used without {@code --config.file}: Prometheus's defaults and one job,
     * {@code gnomon}, scraping this server's own {@code /metrics} every 15s.
     */
    public static PrometheusConfig embeddedDefault(String selfAddress) {
        return new ConfigLoader("<embedded default>", Path.of(".")).parse(embeddedDefaultYaml(selfAddress));
    }

    /** The text of {@link #embeddedDefault}. */
    public static String embeddedDefaultYaml(String selfAddress) {
        return "global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n"
            + "scrape_configs:\n  - job_name: gnomon\n    static_configs:\n      - targets: ['" + selfAddress + "']\n";
    }

    private static String decode(String file, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ConfigException.ofFile(file, "the configuration file is not valid UTF-8");
        }
    }

    private PrometheusConfig parse(String yaml) {
        Node top = Node.parse(file, yaml);
        Node.Fields f = top.fields(TOP);
        GlobalConfig global = global(f.get("global"));
        List<String> ignored = new ArrayList<>();
        for (String s : IGNORED_SECTIONS) {
            if (f.map.containsKey(s)) {
                ignored.add(s);
            }
        }
        if (f.has("scrape_config_files")) {
            // Refused, not ignored: the jobs in those files would silently not be scraped.
            throw f.get("scrape_config_files").error("scrape_config_files is not supported by Gnomon yet; put the jobs in scrape_configs");
        }
        if (f.has("rule_files")) {
            f.get("rule_files").strings(); // must at least be a list of strings
        }
        List<ScrapeConfig> jobs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Node n : f.get("scrape_configs").list()) {
            if (n.isNull()) {
                throw n.error("empty or null scrape config section");
            }
            ScrapeConfig sc = scrapeConfig(n, global);
            if (!names.add(sc.jobName())) {
                throw n.error("found multiple scrape configs with job name \"" + sc.jobName() + "\"");
            }
            jobs.add(sc);
        }
        OtlpConfig otlp = f.has("otlp") ? otlp(f.get("otlp")) : OtlpConfig.DEFAULT;
        return new PrometheusConfig(global, jobs, otlp, ignored, file);
    }

    private GlobalConfig global(Node n) {
        Node.Fields f = n.fields(GLOBAL);
        Duration interval = f.duration("scrape_interval", GlobalConfig.DEFAULT_SCRAPE_INTERVAL);
        Duration timeout = f.duration("scrape_timeout", GlobalConfig.DEFAULT_SCRAPE_TIMEOUT);
        Duration eval = f.duration("evaluation_interval", GlobalConfig.DEFAULT_EVALUATION_INTERVAL);
        if (f.has("scrape_interval") && interval.isZero()) {
            throw f.get("scrape_interval").error("scrape interval must be greater than 0");
        }
        if (timeout.compareTo(interval) > 0) {
            if (f.has("scrape_timeout")) {
                throw f.get("scrape_timeout").error("global scrape timeout greater than scrape interval");
            }
            timeout = interval; // only the interval was set, smaller than the default timeout
        }
        Labels external = Labels.EMPTY;
        if (f.has("external_labels")) {
            Labels.Builder b = Labels.builder();
            Set<String> seen = new HashSet<>();
            for (Map.Entry<String, Node> e : f.get("external_labels").entries().entrySet()) {
                if (!Labels.isLegacyName(e.getKey()) && !Labels.isValidUtf8(e.getKey())) {
                    throw e.getValue().error("\"" + e.getKey() + "\" is not a valid label name");
                }
                if (e.getKey().equals(Labels.METRIC_NAME)) {
                    throw e.getValue().error("\"" + e.getKey() + "\" is a reserved label name");
                }
                seen.add(e.getKey());
                b.set(e.getKey(), e.getValue().string());
            }
            external = b.build();
        }
        refuseUnsupported(f, "global");
        if (f.has("query_log_file") && !f.string("query_log_file", "").isEmpty()) {
            throw f.get("query_log_file").error("query_log_file is not supported by Gnomon yet (queries would silently not be logged)");
        }
        if (f.has("rule_query_offset")) {
            f.get("rule_query_offset").duration(); // rules are accepted and not evaluated yet, like evaluation_interval
        }
        f.bool("always_scrape_classic_histograms", false); // classic histograms are always kept: no native ones are scraped
        String validation = f.string("metric_name_validation_scheme", "utf8");
        if (validation.isEmpty()) {
            validation = "utf8";
        }
        if (!validation.equals("utf8") && !validation.equals("legacy")) {
            throw f.get("metric_name_validation_scheme").error("unknown global name validation method specified, must be either '', 'legacy' or 'utf8', got " + validation);
        }
        String escaping = escaping(f, validation, "global");
        return new GlobalConfig(interval, timeout, eval, external, f.uint("sample_limit", 0), f.uint("label_limit", 0),
            f.uint("label_name_length_limit", 0), f.uint("label_value_length_limit", 0),
            bytes(f, "body_size_limit", 0), f.uint("target_limit", 0), f.uint("keep_dropped_targets", 0),
            scrapeProtocols(f.get("scrape_protocols")), validation, escaping);
    }

    /** Prometheus 3's scrape protocols and the media type each asks for. */
    static final Map<String, String> SCRAPE_PROTOCOLS = Map.of(
        "PrometheusProto", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
        "PrometheusText0.0.4", "text/plain;version=0.0.4",
        "PrometheusText1.0.0", "text/plain;version=1.0.0",
        "OpenMetricsText0.0.1", "application/openmetrics-text;version=0.0.1",
        "OpenMetricsText1.0.0", "application/openmetrics-text;version=1.0.0");
    static final List<String> DEFAULT_SCRAPE_PROTOCOLS = List.of("OpenMetricsText1.0.0", "OpenMetricsText0.0.1",
        "PrometheusText1.0.0", "PrometheusText0.0.4");
    private static final String PROTOCOL_NAMES = "[OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]";

    private static List<String> scrapeProtocols(Node n) {
        List<String> out = new ArrayList<>();
        for (Node p : n.list()) {
            String v = p.string();
            if (!SCRAPE_PROTOCOLS.containsKey(v)) {
                throw p.error("unknown scrape protocol " + v + ", supported: " + PROTOCOL_NAMES);
            }
            if (out.contains(v)) {
                throw p.error("duplicated protocol in scrape_protocols, got " + out + " and " + v);
            }
            if (v.equals("PrometheusProto")) {
                throw p.error("scrape protocol PrometheusProto is not supported by Gnomon (it parses the text and OpenMetrics formats only)");
            }
            out.add(v);
        }
        return out;
    }

    private static String escaping(Node.Fields f, String validation, String where) {
        String escaping = f.string("metric_name_escaping_scheme", "");
        if (escaping.isEmpty()) {
            return "";
        }
        if (!List.of("allow-utf-8", "underscores", "dots", "values").contains(escaping)) {
            throw f.get("metric_name_escaping_scheme").error("unknown " + where + " name escaping method specified, must be one of '', 'allow-utf-8', 'underscores', 'dots', or 'values', got " + escaping);
        }
        if (escaping.equals("allow-utf-8") && validation.equals("legacy")) {
            throw f.get("metric_name_escaping_scheme").error("metric_name_escaping_scheme cannot be set to 'allow-utf-8' while metric_name_validation_scheme is not set to UTF8");
        }
        return escaping;
    }

    /** The {@code Accept} header for the protocols in order of preference, as Prometheus 3 builds it. */
    static String accept(List<String> protocols, String escaping) {
        StringBuilder sb = new StringBuilder();
        int weight = SCRAPE_PROTOCOLS.size() + 1;
        for (String p : protocols) {
            sb.append(SCRAPE_PROTOCOLS.get(p));
            if (p.equals("PrometheusText1.0.0") || p.equals("OpenMetricsText1.0.0")) {
                sb.append(";escaping=").append(escaping);
            }
            sb.append(";q=0.").append(weight--).append(',');
        }
        return sb.append("*/*;q=0.").append(weight).toString();
    }

    /**
     * Settings Prometheus 3 has that Gnomon cannot honour: refused by name when they ask for
     * something (a value other than the default), so that nothing is silently not done.
     */
    private static void refuseUnsupported(Node.Fields f, String where) {
        if (f.has("scrape_failure_log_file") && !f.string("scrape_failure_log_file", "").isEmpty()) {
            throw f.get("scrape_failure_log_file").error("scrape_failure_log_file is not supported by Gnomon yet; scrape failures are in the targets API (lastError) and the log");
        }
        if (f.bool("convert_classic_histograms_to_nhcb", false)) {
            throw f.get("convert_classic_histograms_to_nhcb").error("convert_classic_histograms_to_nhcb: true is not supported by Gnomon (no native histograms from scrapes)");
        }
        if (f.bool("scrape_native_histograms", false)) {
            throw f.get("scrape_native_histograms").error("scrape_native_histograms: true is not supported by Gnomon (it scrapes the text and OpenMetrics formats, which carry no native histograms)");
        }
        if (where.equals("global") && f.bool("extra_scrape_metrics", false)) {
            throw f.get("extra_scrape_metrics").error("extra_scrape_metrics: true is not supported by Gnomon yet");
        }
    }

    private long bytes(Node.Fields f, String key, long def) {
        if (!f.has(key)) {
            return def;
        }
        try {
            return Durations.parseBytes(f.get(key).string());
        } catch (IllegalArgumentException e) {
            throw f.get(key).error(e.getMessage());
        }
    }

    private ScrapeConfig scrapeConfig(Node n, GlobalConfig g) {
        Node.Fields f = n.fields(SCRAPE);
        for (String sd : UNSUPPORTED_SD) {
            if (f.map.containsKey(sd)) {
                throw f.get(sd).error(sd + " is not supported by Gnomon (supported: static_configs, file_sd_configs, http_sd_configs)");
            }
        }
        String job = f.string("job_name", "");
        if (job.isEmpty()) {
            throw n.error("job_name is empty");
        }
        Duration interval = f.duration("scrape_interval", g.scrapeInterval());
        if (interval.isZero()) {
            throw f.get("scrape_interval").error("scrape interval must be greater than 0 for scrape config with job name \"" + job + "\"");
        }
        Duration timeout;
        if (f.has("scrape_timeout")) {
            timeout = f.get("scrape_timeout").duration();
            if (timeout.compareTo(interval) > 0) {
                throw f.get("scrape_timeout").error("scrape timeout greater than scrape interval for scrape config with job name \"" + job + "\"");
            }
        } else {
            timeout = g.scrapeTimeout().compareTo(interval) > 0 ? interval : g.scrapeTimeout();
        }
        String scheme = f.string("scheme", "http");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw f.get("scheme").error("invalid scheme \"" + scheme + "\" for scrape config with job name \"" + job + "\" (http or https)");
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (f.has("params")) {
            for (Map.Entry<String, Node> e : f.get("params").entries().entrySet()) {
                params.put(e.getKey(), e.getValue().strings());
            }
        }
        List<TargetGroup> statics = new ArrayList<>();
        int gi = 0;
        for (Node sn : f.get("static_configs").list()) {
            statics.add(targetGroup(sn, "static/" + job + "/" + gi++));
        }
        List<FileSdConfig> files = new ArrayList<>();
        for (Node fn : f.get("file_sd_configs").list()) {
            Node.Fields ff = fn.fields(Node.keys("files", "refresh_interval"));
            List<String> pats = new ArrayList<>();
            for (Node p : ff.get("files").list()) {
                String pat = p.string();
                if (!FILE_SD_PATTERN.matcher(pat).matches()) {
                    throw p.error("path name \"" + pat + "\" is not valid for file discovery");
                }
                pats.add(resolve(pat));
            }
            if (pats.isEmpty()) {
                throw fn.error("file service discovery config must contain at least one path name");
            }
            files.add(new FileSdConfig(pats, ff.duration("refresh_interval", Duration.ofMinutes(5))));
        }
        List<HttpSdConfig> https = new ArrayList<>();
        for (Node hn : f.get("http_sd_configs").list()) {
            Set<String> allowed = new HashSet<>(HTTP_CLIENT);
            allowed.add("url");
            allowed.add("refresh_interval");
            Node.Fields hf = hn.fields(allowed);
            String url = hf.string("url", "");
            if (url.isEmpty()) {
                throw hn.error("URL is missing");
            }
            try {
                java.net.URI u = new java.net.URI(url);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                    throw hf.get("url").error("URL scheme must be 'http' or 'https'");
                }
                if (u.getHost() == null || u.getHost().isEmpty()) {
                    throw hf.get("url").error("host is missing in URL");
                }
            } catch (java.net.URISyntaxException e) {
                throw hf.get("url").error("invalid URL: " + e.getMessage());
            }
            https.add(new HttpSdConfig(url, hf.duration("refresh_interval", Duration.ofMinutes(1)), httpClient(hf)));
        }
        List<RelabelConfig> relabel = relabelConfigs(f.get("relabel_configs"));
        List<RelabelConfig> metricRelabel = relabelConfigs(f.get("metric_relabel_configs"));
        refuseUnsupported(f, "scrape");
        // Only native histograms are affected by these; text and OpenMetrics scrapes carry none.
        f.uint("native_histogram_bucket_limit", 0);
        if (f.has("native_histogram_min_bucket_factor")) {
            try {
                Double.parseDouble(f.string("native_histogram_min_bucket_factor", "0"));
            } catch (NumberFormatException e) {
                throw f.get("native_histogram_min_bucket_factor").error("cannot unmarshal `"
                    + f.string("native_histogram_min_bucket_factor", "") + "` into float64");
            }
        }
        f.bool("scrape_classic_histograms", false);
        f.bool("always_scrape_classic_histograms", false);
        String validation = f.string("metric_name_validation_scheme", "");
        if (validation.isEmpty()) {
            validation = g.nameValidation();
        }
        if (!validation.equals("utf8") && !validation.equals("legacy")) {
            throw f.get("metric_name_validation_scheme").error("unknown scrape config name validation method specified, must be either '', 'legacy' or 'utf8', got " + validation);
        }
        String escaping = escaping(f, validation, "scrape config");
        if (escaping.isEmpty()) {
            escaping = !g.nameEscaping().isEmpty() && !(validation.equals("legacy") && g.nameEscaping().equals("allow-utf-8"))
                ? g.nameEscaping() : validation.equals("legacy") ? "underscores" : "allow-utf-8";
        }
        List<String> protocols = scrapeProtocols(f.get("scrape_protocols"));
        if (protocols.isEmpty()) {
            protocols = g.scrapeProtocols().isEmpty() ? DEFAULT_SCRAPE_PROTOCOLS : g.scrapeProtocols();
        }
        String fallback = f.string("fallback_scrape_protocol", "");
        if (!fallback.isEmpty()) {
            if (!SCRAPE_PROTOCOLS.containsKey(fallback)) {
                throw f.get("fallback_scrape_protocol").error("invalid fallback_scrape_protocol for scrape config with job name \"" + job
                    + "\": unknown scrape protocol " + fallback + ", supported: " + PROTOCOL_NAMES);
            }
            if (fallback.equals("PrometheusProto")) {
                throw f.get("fallback_scrape_protocol").error("fallback_scrape_protocol PrometheusProto is not supported by Gnomon (it parses the text and OpenMetrics formats only)");
            }
        }
        return new ScrapeConfig(job, interval, timeout, f.string("metrics_path", "/metrics"), scheme, params,
            f.bool("honor_labels", false), f.bool("honor_timestamps", true), statics, files, https, relabel,
            metricRelabel, f.uint("sample_limit", g.sampleLimit()), f.uint("label_limit", g.labelLimit()),
            f.uint("label_name_length_limit", g.labelNameLengthLimit()),
            f.uint("label_value_length_limit", g.labelValueLengthLimit()),
            bytes(f, "body_size_limit", g.bodySizeLimit()), f.uint("target_limit", g.targetLimit()), httpClient(f),
            f.bool("enable_compression", true), accept(protocols, escaping), fallback, validation.equals("legacy"),
            f.bool("track_timestamps_staleness", false), f.uint("keep_dropped_targets", g.keepDroppedTargets()));
    }

    private String resolve(String p) {
        if (p.isEmpty() || baseDir == null || Path.of(p).isAbsolute()) {
            return p;
        }
        return baseDir.resolve(p).toString();
    }

    private TargetGroup targetGroup(Node n, String source) {
        Node.Fields f = n.fields(Node.keys("targets", "labels"));
        List<String> targets = new ArrayList<>();
        for (Node t : f.get("targets").list()) {
            targets.add(t.string()); // promtool accepts any string (blackbox-style URLs are relabeled away)
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (f.has("labels")) {
            for (Map.Entry<String, Node> e : f.get("labels").entries().entrySet()) {
                if (e.getKey().isEmpty() || !Labels.isValidUtf8(e.getKey())) {
                    throw e.getValue().error("invalid label name \"" + e.getKey() + "\"");
                }
                labels.put(e.getKey(), e.getValue().string());
            }
        }
        return new TargetGroup(targets, labels, source);
    }

    HttpClientConfig httpClient(Node.Fields f) {
        HttpClientConfig.BasicAuth basic = null;
        if (f.has("basic_auth")) {
            Node.Fields b = f.get("basic_auth").fields(Node.keys("username", "username_file", "password", "password_file"));
            if (b.has("username") && b.has("username_file")) {
                throw f.get("basic_auth").error("at most one of basic_auth username & username_file must be configured");
            }
            if (b.has("password") && b.has("password_file")) {
                throw f.get("basic_auth").error("at most one of basic_auth password & password_file must be configured");
            }
            basic = new HttpClientConfig.BasicAuth(b.string("username", ""), resolve(b.string("username_file", "")),
                b.string("password", ""), resolve(b.string("password_file", "")));
        }
        HttpClientConfig.Authorization auth = null;
        if (f.has("authorization")) {
            Node.Fields a = f.get("authorization").fields(Node.keys("type", "credentials", "credentials_file"));
            String type = a.string("type", "Bearer");
            if (type.equalsIgnoreCase("basic")) {
                throw a.get("type").error("authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }
            if (a.has("credentials") && a.has("credentials_file")) {
                throw f.get("authorization").error("at most one of authorization credentials & credentials_file must be configured");
            }
            auth = new HttpClientConfig.Authorization(type, a.string("credentials", ""), resolve(a.string("credentials_file", "")));
        }
        if (f.has("bearer_token") || f.has("bearer_token_file")) {
            if (f.has("bearer_token") && f.has("bearer_token_file")) {
                throw f.get("bearer_token").error("at most one of bearer_token & bearer_token_file must be configured");
            }
            if (auth != null) {
                throw f.get("bearer_token").error("authorization is not compatible with bearer_token & bearer_token_file");
            }
            auth = new HttpClientConfig.Authorization("Bearer", f.string("bearer_token", ""), resolve(f.string("bearer_token_file", "")));
        }
        if (basic != null && auth != null) {
            throw f.get("basic_auth").error("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
        }
        HttpClientConfig.OAuth2 oauth2 = null;
        if (f.has("oauth2")) {
            if (f.has("bearer_token") || f.has("bearer_token_file")) {
                throw f.get("oauth2").error("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
            }
            if (basic != null || auth != null) {
                throw f.get("oauth2").error("at most one of basic_auth, oauth2 & authorization must be configured");
            }
            oauth2 = oauth2(f.get("oauth2"));
        }
        HttpClientConfig.TlsConfig tls = f.has("tls_config") ? tlsConfig(f.get("tls_config")) : HttpClientConfig.TlsConfig.NONE;
        return new HttpClientConfig(basic, auth, oauth2, tls, f.bool("follow_redirects", true), f.bool("enable_http2", true),
            proxy(f));
    }

    private HttpClientConfig.OAuth2 oauth2(Node n) {
        Node.Fields o = n.fields(Node.keys("client_id", "client_secret", "client_secret_file", "scopes", "token_url",
            "endpoint_params", "tls_config", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header"));
        if (o.string("client_id", "").isEmpty()) {
            throw n.error("oauth2 client_id must be configured");
        }
        String tokenUrl = o.string("token_url", "");
        if (tokenUrl.isEmpty()) {
            throw n.error("oauth2 token_url must be configured");
        }
        if (o.has("client_secret") && o.has("client_secret_file")) {
            throw n.error("at most one of oauth2 client_secret & client_secret_file must be configured");
        }
        if (!o.has("client_secret") && !o.has("client_secret_file")) {
            throw n.error("either oauth2 client_secret or client_secret_file must be configured");
        }
        httpUrl(o.get("token_url"), "oauth2 token_url");
        Map<String, String> params = new LinkedHashMap<>();
        if (o.has("endpoint_params")) {
            for (Map.Entry<String, Node> e : o.get("endpoint_params").entries().entrySet()) {
                params.put(e.getKey(), e.getValue().string());
            }
        }
        HttpClientConfig.TlsConfig tls = o.has("tls_config") ? tlsConfig(o.get("tls_config")) : HttpClientConfig.TlsConfig.NONE;
        return new HttpClientConfig.OAuth2(o.string("client_id", ""), o.string("client_secret", ""),
            resolve(o.string("client_secret_file", "")), o.strings("scopes"), tokenUrl, params, tls, proxy(o));
    }

    /** An absolute http or https URL with a host. */
    private static java.net.URI httpUrl(Node n, String what) {
        String url = n.string();
        try {
            java.net.URI u = new java.net.URI(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw n.error(what + " \"" + url + "\" must be an http or https URL");
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                throw n.error("host is missing in " + what + " \"" + url + "\"");
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw n.error("invalid " + what + ": " + e.getMessage());
        }
    }

    private HttpClientConfig.TlsConfig tlsConfig(Node n) {
        Node.Fields t = n.fields(Node.keys("ca", "ca_file", "cert", "cert_file", "key", "key_file",
            "server_name", "insecure_skip_verify", "min_version", "max_version"));
        if (t.has("ca") && t.has("ca_file")) {
            throw n.error("at most one of ca and ca_file must be configured");
        }
        if (t.has("cert") && t.has("cert_file")) {
            throw n.error("at most one of cert and cert_file must be configured");
        }
        if (t.has("key") && t.has("key_file")) {
            throw n.error("at most one of key and key_file must be configured");
        }
        boolean hasCert = t.has("cert") || t.has("cert_file");
        boolean hasKey = t.has("key") || t.has("key_file");
        if (hasCert != hasKey) {
            throw n.error(hasCert ? "exactly one of key or key_file must be configured when a client certificate is configured"
                : "exactly one of cert or cert_file must be configured when a client key is configured");
        }
        for (String v : new String[] {"min_version", "max_version"}) {
            if (t.has(v) && !List.of("TLS10", "TLS11", "TLS12", "TLS13").contains(t.string(v, ""))) {
                throw t.get(v).error("unknown TLS version: " + t.string(v, ""));
            }
        }
        // As promtool check config: the client certificate and key files must exist. Their content
        // is read (and re-read when it changes) by each scrape, and a bad file fails the scrape.
        for (String k : new String[] {"cert_file", "key_file"}) {
            if (t.has(k)) {
                Path p = Path.of(resolve(t.string(k, "")));
                if (!Files.isRegularFile(p)) {
                    throw t.get(k).error("error checking client " + (k.equals("cert_file") ? "cert" : "key") + " file \""
                        + t.string(k, "") + "\": no such file");
                }
            }
        }
        return new HttpClientConfig.TlsConfig(resolve(t.string("ca_file", "")), t.string("ca", ""),
            resolve(t.string("cert_file", "")), t.string("cert", ""), resolve(t.string("key_file", "")),
            t.string("key", ""), t.string("server_name", ""), t.bool("insecure_skip_verify", false),
            t.string("min_version", ""), t.string("max_version", ""));
    }

    /**
     * {@code proxy_url}, {@code no_proxy}, {@code proxy_from_environment}. The JDK client reaches
     * targets through plain {@code http://} proxies only and cannot add headers to a CONNECT
     * request, so {@code https://} and {@code socks5://} proxies, credentials in the proxy URL and
     * {@code proxy_connect_header} are refused by name instead of being ignored.
     */
    private static HttpClientConfig.ProxyConfig proxy(Node.Fields f) {
        String url = f.string("proxy_url", "");
        boolean env = f.bool("proxy_from_environment", false);
        String noProxy = f.string("no_proxy", "");
        if (f.has("proxy_connect_header")) {
            if (url.isEmpty() && !env) {
                throw f.get("proxy_connect_header").error("if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured");
            }
            f.get("proxy_connect_header").entries().values().forEach(Node::strings);
            throw f.get("proxy_connect_header").error("proxy_connect_header is not supported by Gnomon: the JDK HTTP client cannot add headers to proxy CONNECT requests");
        }
        if (env && !url.isEmpty()) {
            throw f.get("proxy_from_environment").error("if proxy_from_environment is configured, proxy_url must not be configured");
        }
        if (env && f.has("no_proxy")) {
            throw f.get("proxy_from_environment").error("if proxy_from_environment is configured, no_proxy must not be configured");
        }
        if (f.has("no_proxy") && url.isEmpty()) {
            throw f.get("no_proxy").error("if no_proxy is configured, proxy_url must also be configured");
        }
        if (!url.isEmpty()) {
            Node n = f.get("proxy_url");
            java.net.URI u;
            try {
                u = new java.net.URI(url);
            } catch (java.net.URISyntaxException e) {
                throw n.error("invalid proxy URL: " + e.getMessage());
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme();
            if (!scheme.equals("http")) {
                throw n.error("proxy_url scheme \"" + scheme + "\" is not supported by Gnomon (only http:// proxies; "
                    + "the JDK HTTP client does not speak to https or socks5 proxies)");
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                throw n.error("invalid proxy URL \"" + url + "\": host is missing");
            }
            if (u.getRawUserInfo() != null) {
                throw n.error("proxy_url with credentials is not supported by Gnomon (the JDK HTTP client does not send them to the proxy)");
            }
        }
        return url.isEmpty() && noProxy.isEmpty() && !env ? HttpClientConfig.ProxyConfig.NONE
            : new HttpClientConfig.ProxyConfig(url, noProxy, env);
    }

    private List<RelabelConfig> relabelConfigs(Node n) {
        List<RelabelConfig> out = new ArrayList<>();
        for (Node r : n.list()) {
            out.add(relabel(r));
        }
        return out;
    }

    private RelabelConfig relabel(Node n) {
        Node.Fields f = n.fields(Node.keys("source_labels", "separator", "regex", "modulus", "target_label",
            "replacement", "action"));
        List<String> sources = f.strings("source_labels");
        String sep = f.map.containsKey("separator") ? f.get("separator").string() : RelabelConfig.DEFAULT_SEPARATOR;
        String regexText = f.map.containsKey("regex") ? f.get("regex").string() : RelabelConfig.DEFAULT_REGEX;
        Re2Regex regex;
        try {
            regex = Re2Regex.compile(regexText);
        } catch (InvalidMatcherException e) {
            throw f.get("regex").error(e.getMessage());
        }
        long modulus = f.uint("modulus", 0);
        String target = f.string("target_label", "");
        String replacement = f.map.containsKey("replacement") ? f.get("replacement").string() : RelabelConfig.DEFAULT_REPLACEMENT;
        String actionText = f.map.containsKey("action") ? f.get("action").string() : "replace";
        if (actionText.isEmpty()) {
            throw f.get("action").error("relabel action cannot be empty");
        }
        RelabelConfig.Action action = RelabelConfig.Action.of(actionText);
        if (action == null) {
            throw f.get("action").error("unknown relabel action \"" + actionText + "\"");
        }
        for (Node s : f.get("source_labels").list()) {
            String name = s.string();
            if (!Labels.isValidUtf8(name) || name.isEmpty()) {
                throw s.error("\"" + name + "\" is not a valid label name");
            }
        }
        String an = action.configName();
        if (modulus == 0 && action == RelabelConfig.Action.HASHMOD) {
            throw n.error("relabel configuration for hashmod requires non-zero modulus");
        }
        if (target.isEmpty() && (action == RelabelConfig.Action.REPLACE || action == RelabelConfig.Action.HASHMOD
            || action == RelabelConfig.Action.LOWERCASE || action == RelabelConfig.Action.UPPERCASE
            || action == RelabelConfig.Action.KEEPEQUAL || action == RelabelConfig.Action.DROPEQUAL)) {
            throw n.error("relabel configuration for " + an + " action requires 'target_label' value");
        }
        if (action == RelabelConfig.Action.REPLACE && !target.contains("$") && !Labels.isLegacyName(target)
            && !RELABEL_TARGET.matcher(target).matches() && !Labels.isValidUtf8(target)) {
            throw f.get("target_label").error("\"" + target + "\" is invalid 'target_label' for " + an + " action");
        }
        if ((action == RelabelConfig.Action.LOWERCASE || action == RelabelConfig.Action.UPPERCASE
            || action == RelabelConfig.Action.HASHMOD || action == RelabelConfig.Action.KEEPEQUAL
            || action == RelabelConfig.Action.DROPEQUAL) && target.contains("$")) {
            throw f.get("target_label").error("\"" + target + "\" is invalid 'target_label' for " + an + " action");
        }
        if (action == RelabelConfig.Action.LABELMAP && !replacement.contains("$") && !Labels.isLegacyName(replacement)
            && !Labels.isValidUtf8(replacement)) {
            throw f.get("replacement").error("\"" + replacement + "\" is invalid 'replacement' for " + an + " action");
        }
        if ((action == RelabelConfig.Action.LABELDROP || action == RelabelConfig.Action.LABELKEEP)
            && (!sources.isEmpty() || !target.isEmpty() || modulus != 0 || !sep.equals(RelabelConfig.DEFAULT_SEPARATOR)
                || !replacement.equals(RelabelConfig.DEFAULT_REPLACEMENT))) {
            throw n.error(an + " action requires only 'regex', and no other fields");
        }
        if ((action == RelabelConfig.Action.KEEPEQUAL || action == RelabelConfig.Action.DROPEQUAL)
            && (!regexText.equals(RelabelConfig.DEFAULT_REGEX) || modulus != 0 || !sep.equals(RelabelConfig.DEFAULT_SEPARATOR)
                || !replacement.equals(RelabelConfig.DEFAULT_REPLACEMENT))) {
            throw n.error(an + " action requires only 'source_labels' and `target_label`, and no other fields");
        }
        return new RelabelConfig(sources, sep, regex, modulus, target, replacement, action);
    }

    private OtlpConfig otlp(Node n) {
        Node.Fields f = n.fields(Node.keys("translation_strategy", "promote_resource_attributes",
            "ignore_resource_attributes", "promote_all_resource_attributes", "keep_identifying_resource_attributes",
            "convert_histograms_to_nhcb", "promote_scope_metadata"));
        String strategy = f.string("translation_strategy", OtlpConfig.UNDERSCORE_ESCAPING_WITH_SUFFIXES);
        if (!OtlpConfig.TRANSLATION_STRATEGIES.contains(strategy)) {
            throw f.get("translation_strategy").error("unsupported OTLP translation strategy \"" + strategy + "\"");
        }
        List<String> promote = attributeList(f.get("promote_resource_attributes"), "promoted");
        List<String> ignore = attributeList(f.get("ignore_resource_attributes"), "ignored");
        boolean promoteAll = f.bool("promote_all_resource_attributes", false);
        if (promoteAll && !promote.isEmpty()) {
            throw f.get("promote_resource_attributes").error(
                "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously");
        }
        if (!ignore.isEmpty() && !promoteAll) {
            throw f.get("ignore_resource_attributes").error(
                "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true");
        }
        return new OtlpConfig(strategy, promote, ignore, promoteAll, f.bool("keep_identifying_resource_attributes", false),
            f.bool("convert_histograms_to_nhcb", false), f.bool("promote_scope_metadata", false));
    }

    private static List<String> attributeList(Node n, String what) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Node a : n.list()) {
            String s = a.string().trim();
            if (s.isEmpty()) {
                throw a.error("empty " + what + " OTel resource attribute");
            }
            if (!seen.add(s)) {
                throw a.error("duplicated " + what + " OTel resource attribute \"" + s + "\"");
            }
            out.add(s);
        }
        return out;
    }
}
