package io.gnomon.scrape.discovery;

import io.gnomon.scrape.config.TargetGroup;
import java.util.List;

/** Receives the complete current target groups of one provider whenever they change. */
@FunctionalInterface
public interface DiscoveryListener {
    void update(String provider, List<TargetGroup> groups);
}
