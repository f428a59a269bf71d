// The console's only way to the service: the API's own RPCs as JSON, through /console/rpc, and event streams.
import { h } from './dom.js';

const CSRF = document.querySelector('meta[name="csrf-token"]').content;
export const WORKFLOW = 'innominatus.workflow.v1.WorkflowService/';
export const POLICY = 'innominatus.policy.v1.PolicyService/';
export const AUDIT = 'innominatus.audit.v1.AuditService/';

export class ApiError extends Error {
  constructor(code, status, httpStatus) {
    super((status && status.message) || code || `HTTP ${httpStatus}`);
    this.code = code || 'UNKNOWN';
    this.status = status || {};
    this.httpStatus = httpStatus;
  }

  /** Field violations, precondition failures and the reason, from the status details. */
  get problems() {
    const problems = [];
    for (const detail of this.status.details || []) {
      for (const v of detail.fieldViolations || []) problems.push(`${v.field}: ${v.description}`);
      for (const v of detail.violations || []) problems.push([v.subject, v.description].filter(Boolean).join(': '));
    }
    return problems;
  }

  get reason() {
    const info = (this.status.details || []).find(d => (d['@type'] || '').endsWith('google.rpc.ErrorInfo'));
    return info ? info.reason : '';
  }
}

export async function rpc(method, request = {}) {
  let response;
  try {
    response = await fetch('/console/rpc/' + method, {
      method: 'POST', credentials: 'same-origin', redirect: 'manual', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'X-Innominatus-CSRF': CSRF },
      body: JSON.stringify(request),
    });
  } catch (e) {
    throw new ApiError('UNAVAILABLE', { message: 'the service cannot be reached: ' + e.message }, 0);
  }
  if (response.type === 'opaqueredirect') {
    // The sign-in session ended: loading the page again goes through the identity provider.
    location.reload();
    throw new ApiError('UNAUTHENTICATED', { message: 'signing in again' }, 302);
  }
  const text = await response.text();
  let body = {};
  try { body = text ? JSON.parse(text) : {}; } catch (e) { body = { status: { message: text } }; }
  if (!response.ok) throw new ApiError(body.code, body.status, response.status);
  return body;
}

/** Every page of a List RPC (the response's list named {@code field}), up to {@code limit} items. */
export async function listAll(method, request, field, limit = 5000) {
  const items = [];
  let pageToken = '';
  do {
    const page = await rpc(method, { ...request, pageSize: 200, pageToken });
    items.push(...(page[field] || []));
    pageToken = page.nextPageToken || '';
  } while (pageToken && items.length < limit);
  return items;
}

export async function session() {
  const response = await fetch('/console/session', { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) return { principal: 'anonymous', roles: [], authenticated: false, authenticationEnabled: true };
  return response.json();
}

export function errorBox(error) {
  if (!(error instanceof ApiError)) {
    return h('div', { class: 'error', role: 'alert' }, String(error && error.message || error));
  }
  const problems = error.problems;
  return h('div', { class: 'error', role: 'alert' },
    h('span', { class: 'code' }, error.code), error.message,
    error.reason ? h('span', { class: 'muted' }, ` (${error.reason})`) : null,
    error.code === 'UNAUTHENTICATED' ? h('div', {}, 'Sign in to the identity provider configured for innominatus to use the console.') : null,
    problems.length ? h('ul', {}, problems.map(p => h('li', {}, p))) : null);
}
