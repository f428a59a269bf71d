package io.innominatus.steps.custom;

import io.innominatus.model.StepTypeRegistration;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A step type registered in admin-config with {@code webhook}: POSTs the step request as JSON (with an
 * {@code Idempotency-Key} header) and expects a 2xx answer with the same JSON as command step types.
 */
public final class WebhookStepExecutor implements StepExecutor {

    private static final int MAX_ERROR_BODY = 500;
    private final StepTypeRegistration registration;
    private final HttpClient http;

    public WebhookStepExecutor(StepTypeRegistration registration, HttpClient http) {
        this.registration = registration;
        this.http = http;
    }

    @Override
    public String type() {
        return registration.type();
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        return call(context, mode.dryRun());
    }

    private StepResult call(StepContext context, boolean dryRun) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(registration.webhookUrl()))
                .timeout(registration.webhookTimeout())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", context.idempotencyKey());
        registration.webhookHeaders().forEach((name, template) -> {
            String value = context.interpolate(template);
            if (!value.equals(template)) {
                // Filled from admin values (tokens, typically): never shown in logs or events.
                context.secret(value);
            }
            builder.header(name, value);
        });
        HttpRequest request = builder
                .POST(HttpRequest.BodyPublishers.ofByteArray(CustomStepProtocol.request(context, dryRun)))
                .build();
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        context.cancellation().onCancel(() -> pending.cancel(true));
        HttpResponse<String> response;
        try {
            response = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while calling the " + registration.type() + " webhook");
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            context.cancellation().check();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StepFailure("step type " + registration.type() + ": webhook " + registration.webhookUrl()
                    + " failed: " + (cause instanceof IOException || cause instanceof java.net.http.HttpTimeoutException
                    ? (cause.getMessage() == null ? "connection failed" : cause.getMessage()) : "request failed"));
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body() == null ? "" : response.body().strip();
            throw new StepFailure("step type " + registration.type() + ": webhook answered HTTP " + response.statusCode()
                    + (body.isEmpty() ? "" : ": " + (body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) + "…"
                    : body)));
        }
        return CustomStepProtocol.response(response.body(), "the " + registration.type() + " webhook");
    }
}
