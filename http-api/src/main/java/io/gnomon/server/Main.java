package io.gnomon.server;

import java.net.InetSocketAddress;
import java.util.logging.Logger;

/** Entry point of {@code ./gnomon} and {@code java -jar gnomon.jar}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Flags flags;
        try {
            flags = Flags.parse(args);
        } catch (Flags.FlagException e) {
            System.err.println("gnomon: error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (flags.bool("help")) {
            System.out.print(Flags.usage());
            return;
        }
        BuildInfo build = BuildInfo.load();
        if (flags.bool("version")) {
            System.out.print(build.versionText());
            return;
        }
        LogSetup.configure(flags.string("log.level"));
        Logger log = Logger.getLogger(Main.class.getName());
        try {
            HttpAddressCheck.check(flags.string("web.listen-address"));
        } catch (IllegalArgumentException e) {
            System.err.println("gnomon: error: invalid value \"" + flags.string("web.listen-address")
                + "\" for flag '--web.listen-address': expected host:port or :port");
            System.exit(2);
            return;
        }
        Gnomon server = new Gnomon(flags, build);
        // SIGINT/SIGTERM end awaitStop(), and main closes everything and exits 0, as Prometheus
        // does. The hook covers other exits (System.exit elsewhere, SIGHUP without a handler).
        for (String sig : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> {
                log.info("received SIG" + sig + ", shutting down");
                server.requestStop();
            });
        }
        // SIGHUP reloads the configuration, as in Prometheus; a bad file is logged and the old one keeps running.
        sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
            try {
                server.reloadConfig();
            } catch (RuntimeException e) {
                log.severe("reloading the configuration failed, keeping the previous one: " + e.getMessage());
            }
        });
        if (before == sun.misc.SignalHandler.SIG_IGN) {
            // The JVM leaves a signal that the process inherited as ignored (nohup) ignored and
            // installs nothing; Prometheus (Go) takes it over. Say so rather than ignore reloads.
            log.warning("SIGHUP was ignored when this process started (nohup?) and stays ignored: kill -HUP will not "
                + "reload the configuration; use POST /-/reload with --web.enable-lifecycle");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gnomon-shutdown"));
        try {
            log.info("starting gnomon version=" + build.version() + " revision=" + build.revision());
            InetSocketAddress addr = server.start();
            log.info("server is ready to receive web requests; listening on " + addr.getHostString() + ":" + addr.getPort()
                + " (data in " + flags.string("storage.tsdb.path") + ")");
            System.out.println("Gnomon listening on http://" + displayHost(addr) + ":" + addr.getPort() + "/");
            server.awaitStop();
        } catch (Exception e) {
            log.severe("start-up failed: " + e.getMessage());
            server.close();
            System.exit(1);
        }
        server.close();
        log.info("see you next time!");
        System.exit(0);
    }

    private static String displayHost(InetSocketAddress a) {
        return a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "localhost" : a.getHostString();
    }

    /** Validates the listen address before anything starts. */
    static final class HttpAddressCheck {
        static void check(String address) {
            io.gnomon.http.HttpServer.parseAddress(address);
        }
    }
}
