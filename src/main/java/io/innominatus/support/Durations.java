package io.innominatus.support;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in YAML: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, or whole seconds. */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    public static Optional<Duration> parse(String text) {
        String value = text.trim();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.chars().allMatch(Character::isDigit)) {
            return value.length() > 12 ? Optional.empty() : Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        Matcher matcher = PART.matcher(value);
        Duration total = Duration.ZERO;
        int position = 0;
        while (matcher.find()) {
            if (matcher.start() != position || matcher.group(1).length() > 12) {
                return Optional.empty();
            }
            long amount = Long.parseLong(matcher.group(1));
            total = total.plus(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
            position = matcher.end();
        }
        return position == value.length() ? Optional.of(total) : Optional.empty();
    }

    /** The compact form used in messages and round trips, such as {@code 1h30m} or {@code 500ms}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0) {
            out.append(seconds).append('s');
        }
        if (millis > 0) {
            out.append(millis).append("ms");
        }
        return out.toString();
    }
}
