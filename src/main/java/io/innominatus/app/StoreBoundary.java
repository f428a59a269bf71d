package io.innominatus.app;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a use-case service whose callers must never see a store failure as such: an unreachable
 * database leaves it as the domain's {@code UNAVAILABLE} error, a page token the store cannot read as
 * {@code INVALID_ARGUMENT}. See {@link StoreBoundaryInterceptor}.
 */
@InterceptorBinding
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface StoreBoundary {}
