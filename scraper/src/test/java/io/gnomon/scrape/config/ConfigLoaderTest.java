package io.gnomon.scrape.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    static PrometheusConfig parse(String yaml) {
        return ConfigLoader.parse("prometheus.yml", yaml, Path.of("/etc/prometheus"));
    }

    static ConfigException error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml));
    }

    @Test
    void defaultsFollowPrometheus() {
        PrometheusConfig c = parse("scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['x:1']\n");
        assertEquals(Duration.ofMinutes(1), c.global().scrapeInterval());
        ScrapeConfig a = c.job("a");
        assertEquals(Duration.ofMinutes(1), a.scrapeInterval());
        assertEquals(Duration.ofSeconds(10), a.scrapeTimeout());
        assertEquals("/metrics", a.metricsPath());
        assertEquals("http", a.scheme());
        assertTrue(a.honorTimestamps());
        assertTrue(!a.honorLabels());
        assertEquals(List.of("x:1"), a.staticConfigs().get(0).targets());
        assertEquals(OtlpConfig.DEFAULT, c.otlp());
    }

    @Test
    void timeoutDefaultsToTheIntervalWhenSmaller() {
        PrometheusConfig c = parse("global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: a\n  - job_name: b\n    scrape_interval: 2s\n");
        assertEquals(Duration.ofSeconds(5), c.global().scrapeTimeout());
        assertEquals(Duration.ofSeconds(2), c.job("b").scrapeTimeout());
    }

    @Test
    void everyField() {
        PrometheusConfig c = parse("""
            global:
              scrape_interval: 15s
              scrape_timeout: 5s
              evaluation_interval: 30s
              external_labels:
                region: eu
            rule_files: ['rules/*.yml']
            remote_write:
              - url: http://example.org/write
            otlp:
              promote_resource_attributes: [service.instance.id, k8s.pod.name]
              translation_strategy: NoUTF8EscapingWithSuffixes
              keep_identifying_resource_attributes: true
              convert_histograms_to_nhcb: true
              promote_scope_metadata: true
            scrape_configs:
              - job_name: node
                scrape_interval: 1m30s
                scrape_timeout: 20s
                metrics_path: /probe
                scheme: https
                params:
                  module: [http_2xx]
                honor_labels: true
                honor_timestamps: false
                sample_limit: 1000
                label_limit: 30
                label_name_length_limit: 100
                label_value_length_limit: 200
                body_size_limit: 10MB
                target_limit: 50
                follow_redirects: false
                basic_auth:
                  username: u
                  password_file: secret.txt
                tls_config:
                  insecure_skip_verify: true
                static_configs:
                  - targets: ['a:9100', 'b:9100']
                    labels: {team: infra}
                file_sd_configs:
                  - files: ['targets/*.json', /abs/x.yml]
                    refresh_interval: 30s
                http_sd_configs:
                  - url: http://sd.example.org/targets
                relabel_configs:
                  - source_labels: [__address__]
                    target_label: __param_target
                  - action: labelmap
                    regex: __meta_(.+)
                metric_relabel_configs:
                  - source_labels: [__name__]
                    regex: go_.*
                    action: drop
            """);
        assertEquals(Duration.ofSeconds(30), c.global().evaluationInterval());
        assertEquals("eu", c.global().externalLabels().get("region"));
        assertEquals(List.of("rule_files", "remote_write"), c.ignoredSections());
        assertEquals("NoUTF8EscapingWithSuffixes", c.otlp().translationStrategy());
        assertEquals(List.of("service.instance.id", "k8s.pod.name"), c.otlp().promoteResourceAttributes());
        assertTrue(c.otlp().convertHistogramsToNhcb());
        ScrapeConfig n = c.job("node");
        assertEquals(Duration.ofSeconds(90), n.scrapeInterval());
        assertEquals(Map.of("module", List.of("http_2xx")), n.params());
        assertEquals(10L << 20, n.bodySizeLimit());
        assertEquals(1000, n.sampleLimit());
        assertEquals(50, n.targetLimit());
        assertTrue(!n.http().followRedirects());
        assertEquals(Path.of("/etc/prometheus/secret.txt").toString(), n.http().basicAuth().passwordFile());
        assertEquals(List.of(Path.of("/etc/prometheus/targets/*.json").toString(), "/abs/x.yml"), n.fileSdConfigs().get(0).files());
        assertEquals(Duration.ofMinutes(1), n.httpSdConfigs().get(0).refreshInterval());
        assertEquals(RelabelConfig.Action.LABELMAP, n.relabelConfigs().get(1).action());
        assertEquals(RelabelConfig.Action.DROP, n.metricRelabelConfigs().get(0).action());
    }

    @Test
    void errorsNameFileLineAndField() {
        ConfigException e = error("global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: a\n    scrape_intervl: 5s\n");
        assertEquals("prometheus.yml", e.file());
        assertEquals(5, e.line());
        assertEquals("scrape_configs[0].scrape_intervl", e.field());
        assertTrue(e.getMessage().startsWith("prometheus.yml:5: scrape_configs[0].scrape_intervl: field scrape_intervl not found"),
            e.getMessage());

        e = error("scrape_configs:\n  - job_name: a\n    scrape_interval: 1x\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("not a valid duration string"), e.getMessage());

        e = error("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - source_labels: [a]\n        regex: '(a'\n");
        assertEquals(5, e.line());
        assertEquals("scrape_configs[0].relabel_configs[0].regex", e.field());
        assertTrue(e.getMessage().contains("missing closing )"), e.getMessage());
    }

    @Test
    void semanticErrorsAsPrometheus() {
        String[][] cases = {
            {"scrape_configs:\n  - job_name: a\n  - job_name: a\n", "found multiple scrape configs with job name \"a\""},
            {"scrape_configs:\n  - scrape_interval: 5s\n", "job_name is empty"},
            {"scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n",
                "scrape timeout greater than scrape interval for scrape config with job name \"a\""},
            {"global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n", "global scrape timeout greater than scrape interval"},
            {"scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n        target_label: x\n",
                "relabel configuration for hashmod requires non-zero modulus"},
            {"scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: replace\n",
                "relabel configuration for replace action requires 'target_label' value"},
            {"scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: labeldrop\n        source_labels: [x]\n",
                "labeldrop action requires only 'regex', and no other fields"},
            {"scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: keepequal\n        target_label: x\n        regex: y\n",
                "keepequal action requires only 'source_labels' and `target_label`, and no other fields"},
            {"scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: bogus\n", "unknown relabel action \"bogus\""},
            {"scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: ['x.txt']\n", "is not valid for file discovery"},
            {"scrape_configs:\n  - job_name: a\n    http_sd_configs:\n      - url: ftp://x/\n", "URL scheme must be 'http' or 'https'"},
            {"scrape_configs:\n  - job_name: a\n    basic_auth: {username: u}\n    authorization: {credentials: c}\n",
                "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"},
            {"scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n", "into bool"},
            {"scrape_configs:\n  - job_name: a\n    scrape_failure_log_file: f.log\n", "scrape_failure_log_file is not supported by Gnomon"},
            {"global:\n  scrape_failure_log_file: f.log\n", "scrape_failure_log_file is not supported by Gnomon"},
            {"global:\n  query_log_file: q.log\n", "query_log_file is not supported by Gnomon"},
            {"global:\n  extra_scrape_metrics: true\n", "extra_scrape_metrics: true is not supported by Gnomon"},
            {"scrape_configs:\n  - job_name: a\n    convert_classic_histograms_to_nhcb: true\n", "convert_classic_histograms_to_nhcb: true is not supported"},
            {"scrape_configs:\n  - job_name: a\n    scrape_native_histograms: true\n", "scrape_native_histograms: true is not supported"},
            {"scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusProto]\n", "scrape protocol PrometheusProto is not supported by Gnomon"},
            {"scrape_configs:\n  - job_name: a\n    scrape_protocols: [Bogus]\n", "unknown scrape protocol Bogus"},
            {"scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusText0.0.4, PrometheusText0.0.4]\n", "duplicated protocol in scrape_protocols"},
            {"scrape_configs:\n  - job_name: a\n    fallback_scrape_protocol: Bogus\n", "invalid fallback_scrape_protocol for scrape config with job name \"a\""},
            {"scrape_configs:\n  - job_name: a\n    metric_name_validation_scheme: strict\n", "unknown scrape config name validation method specified"},
            {"scrape_configs:\n  - job_name: a\n    metric_name_validation_scheme: legacy\n    metric_name_escaping_scheme: allow-utf-8\n",
                "metric_name_escaping_scheme cannot be set to 'allow-utf-8' while metric_name_validation_scheme is not set to UTF8"},
            {"global:\n  metric_name_escaping_scheme: slashes\n", "unknown global name escaping method specified"},
            {"scrape_configs:\n  - job_name: a\n    oauth2: {client_id: a, client_secret: b}\n", "oauth2 token_url must be configured"},
            {"scrape_configs:\n  - job_name: a\n    oauth2: {client_secret: b, token_url: 'http://t/'}\n", "oauth2 client_id must be configured"},
            {"scrape_configs:\n  - job_name: a\n    oauth2: {client_id: a, token_url: 'http://t/'}\n",
                "either oauth2 client_secret or client_secret_file must be configured"},
            {"scrape_configs:\n  - job_name: a\n    oauth2: {client_id: a, client_secret: b, client_secret_file: f, token_url: 'http://t/'}\n",
                "at most one of oauth2 client_secret & client_secret_file must be configured"},
            {"scrape_configs:\n  - job_name: a\n    oauth2: {client_id: a, client_secret: b, token_url: 'http://t/'}\n    authorization: {credentials: c}\n",
                "at most one of basic_auth, oauth2 & authorization must be configured"},
            {"scrape_configs:\n  - job_name: a\n    oauth2: {client_id: a, client_secret: b, token_url: 'ftp://t/'}\n",
                "oauth2 token_url \"ftp://t/\" must be an http or https URL"},
            {"scrape_configs:\n  - job_name: a\n    oauth2: {client_id: a, client_secret: b, token_url: 'http://t/', grant_type: x}\n",
                "field grant_type not found"},
            {"scrape_configs:\n  - job_name: a\n    tls_config: {cert_file: missing.pem, key_file: missing.key}\n",
                "error checking client cert file \"missing.pem\": no such file"},
            {"scrape_configs:\n  - job_name: a\n    tls_config: {key: k}\n",
                "exactly one of cert or cert_file must be configured when a client key is configured"},
            {"scrape_configs:\n  - job_name: a\n    tls_config: {min_version: TLS14}\n", "unknown TLS version: TLS14"},
            {"scrape_configs:\n  - job_name: a\n    proxy_url: 'socks5://p:1080'\n", "proxy_url scheme \"socks5\" is not supported by Gnomon"},
            {"scrape_configs:\n  - job_name: a\n    proxy_url: 'https://p:1080'\n", "proxy_url scheme \"https\" is not supported by Gnomon"},
            {"scrape_configs:\n  - job_name: a\n    proxy_url: 'http://u:p@p:1080'\n", "proxy_url with credentials is not supported by Gnomon"},
            {"scrape_configs:\n  - job_name: a\n    proxy_url: 'http://p:1'\n    proxy_connect_header: {X-A: [b]}\n",
                "proxy_connect_header is not supported by Gnomon"},
            {"scrape_configs:\n  - job_name: a\n    proxy_connect_header: {X-A: [b]}\n",
                "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured"},
            {"scrape_configs:\n  - job_name: a\n    no_proxy: x\n", "if no_proxy is configured, proxy_url must also be configured"},
            {"scrape_configs:\n  - job_name: a\n    proxy_from_environment: true\n    proxy_url: 'http://p:1'\n",
                "if proxy_from_environment is configured, proxy_url must not be configured"},
            {"scrape_configs:\n  - job_name: a\n    oauth2: {client_id: a, client_secret: b, token_url: 'http://t/', proxy_url: 'socks5://p:1'}\n",
                "proxy_url scheme \"socks5\" is not supported by Gnomon"},
            {"scrape_configs:\n  - job_name: a\n    sample_limit: -1\n", "into uint"},
            {"scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: pod\n", "kubernetes_sd_configs is not supported by Gnomon"},
            {"scrape_configs:\n  - job_name: a\n    job_name: b\n", "already defined"},
            {"bogus: 1\n", "field bogus not found"},
            {"scrape_config_files: ['jobs/*.yml']\n", "scrape_config_files is not supported by Gnomon"},
            {"otlp:\n  promote_all_resource_attributes: true\n  promote_resource_attributes: [a]\n", "cannot be configured simultaneously"},
            {"otlp:\n  promote_resource_attributes: [a, a]\n", "duplicated promoted OTel resource attribute"},
            {"otlp:\n  translation_strategy: Bogus\n", "unsupported OTLP translation strategy"},
            {"otlp:\n  bogus: 1\n", "field bogus not found in otlp"},
            {"scrape_configs:\n  - job_name: a\n  - [oops\n", "not valid YAML"},
        };
        for (String[] c : cases) {
            ConfigException e = error(c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            assertTrue(e.line() > 0, "no line for " + c[0]);
        }
    }

    @Test
    void embeddedDefaultScrapesItself() {
        PrometheusConfig c = ConfigLoader.embeddedDefault("localhost:9090");
        assertEquals(Duration.ofSeconds(15), c.job("gnomon").scrapeInterval());
        assertEquals(List.of("localhost:9090"), c.job("gnomon").staticConfigs().get(0).targets());
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(5_400_500), Durations.parse("1h30m500ms"));
        assertEquals(Duration.ofDays(8), Durations.parse("1w1d"));
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("15s", Durations.format(Duration.ofSeconds(15)));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1m1h"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1.5s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(""));
    }
}
