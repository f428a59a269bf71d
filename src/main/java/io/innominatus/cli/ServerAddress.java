package io.innominatus.cli;

import java.util.Locale;

/**
 * A {@code host:port} server address ({@code [::1]:8080} for IPv6; the port defaults to 8080).
 *
 * @param host host name or address
 * @param port TCP port
 */
public record ServerAddress(String host, int port) {

    static final String DEFAULT = "localhost:8080";

    /** Parses {@code host[:port]}; a usage error if it is malformed. */
    public static ServerAddress parse(String text) {
        String value = text.trim();
        String host;
        String port = null;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                throw invalid(text);
            }
            host = value.substring(1, end);
            String rest = value.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(text);
                }
                port = rest.substring(1);
            }
        } else {
            int colon = value.lastIndexOf(':');
            if (colon >= 0 && value.indexOf(':') != colon) {
                throw invalid(text); // a bare IPv6 address needs brackets
            }
            host = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? null : value.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains("/")) {
            throw invalid(text);
        }
        int number = 8080;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            if (number < 1 || number > 65535) {
                throw invalid(text);
            }
        }
        return new ServerAddress(host, number);
    }

    /** True for localhost and loopback addresses, where plaintext is the default. */
    public boolean loopback() {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1");
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static CliException invalid(String text) {
        return new CliException(ExitCodes.USAGE, "invalid server address '" + text + "': expected host:port, for example "
                + DEFAULT);
    }
}
