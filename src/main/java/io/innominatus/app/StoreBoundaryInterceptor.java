package io.innominatus.app;

import io.innominatus.model.DomainException;
import io.innominatus.store.StoreException;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * The application boundary's one translation of store failures, so that no use case can forget it and
 * a database outage reaches every caller as UNAVAILABLE, never as an internal error. Failures of a
 * returned {@link Multi} (a watch) are translated as well; the use cases return nothing else that fails later.
 */
@StoreBoundary
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class StoreBoundaryInterceptor {

    @AroundInvoke
    Object translate(InvocationContext context) throws Exception {
        Object result;
        try {
            result = context.proceed();
        } catch (StoreException e) {
            throw translated(e);
        }
        if (result instanceof Multi<?> multi) {
            return multi.onFailure(StoreException.class).transform(StoreBoundaryInterceptor::translated);
        }
        return result;
    }

    /** The domain error for a store failure; one with a request-specific meaning is left to the use case. */
    static RuntimeException translated(Throwable failure) {
        if (failure instanceof StoreException.Unavailable) {
            return new DomainException.Unavailable("STORE_UNAVAILABLE", "the store is unavailable; try again");
        }
        if (failure instanceof StoreException.InvalidPageToken) {
            return DomainException.InvalidInput.field("page_token", "malformed page token");
        }
        return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
    }
}
