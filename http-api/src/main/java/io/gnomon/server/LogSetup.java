package io.gnomon.server;

import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line logfmt-style logging to stderr, as Prometheus logs: time, level, source, message. */
final class LogSetup {

    private LogSetup() {
    }

    static void configure(String level) {
        Level l = switch (level) {
            case "debug" -> Level.FINE;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        };
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(l);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                StringBuilder sb = new StringBuilder(160);
                sb.append("time=").append(Instant.ofEpochMilli(r.getMillis()))
                    .append(" level=").append(name(r.getLevel()))
                    .append(" source=").append(shortName(r.getLoggerName()))
                    .append(" msg=\"").append(formatMessage(r).replace("\"", "\\\"")).append('"');
                if (r.getThrown() != null) {
                    sb.append(" err=\"").append(String.valueOf(r.getThrown()).replace("\"", "\\\"")).append('"');
                }
                return sb.append('\n').toString();
            }
        });
        root.addHandler(h);
        root.setLevel(l);
        Logger.getLogger("io.netty").setLevel(Level.WARNING);
    }

    private static String name(Level l) {
        if (l.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (l.intValue() >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (l.intValue() >= Level.INFO.intValue()) {
            return "INFO";
        }
        return "DEBUG";
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
