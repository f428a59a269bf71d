// The console's entry point: one document for every page, drawn from its path (so each page has a URL that
// can be shared and reloaded), links followed without reloading, and the signed-in user shown in the bar.
import { h, fill } from './dom.js';
import { session as loadSession, errorBox } from './api.js';
import { overviewPage, workflowPage, planPage, executionsPage, auditPage } from './pages.js';
import { executionPage } from './execution.js';

window.__consoleMetrics = { eventLagsMs: [] };

const ROUTES = [
  [/^\/$/, overviewPage, 'overview', 'Overview'],
  [/^\/workflows\/(.+)$/, workflowPage, 'overview', 'Workflow'],
  [/^\/plan$/, planPage, 'plan', 'Plan'],
  [/^\/executions$/, executionsPage, 'executions', 'Executions'],
  [/^\/executions\/([^/]+)$/, executionPage, 'executions', 'Execution'],
  [/^\/audit$/, auditPage, 'audit', 'Audit'],
];

const main = document.getElementById('main');
let stop = null;
let session = { roles: [] };

async function navigate(url, push = true) {
  const target = new URL(url, location.href);
  if (push) history.pushState(null, '', target.pathname + target.search);
  if (stop) { try { stop(); } catch (e) { /* a page's clean-up must not block the next page */ } stop = null; }
  const route = ROUTES.find(([pattern]) => pattern.test(target.pathname));
  document.querySelectorAll('.topbar nav a').forEach(a => a.removeAttribute('aria-current'));
  if (!route) {
    fill(main, h('h1', {}, 'Not found'), h('p', {}, 'No console page is at ', h('code', {}, target.pathname), '.'));
    return;
  }
  const [pattern, page, section, title] = route;
  const link = document.querySelector(`.topbar nav a[data-section="${section}"]`);
  if (link) link.setAttribute('aria-current', 'page');
  document.title = `${title} · innominatus`;
  fill(main, h('p', { class: 'muted' }, 'Loading…'));
  main.dataset.page = section;
  main.dataset.ready = 'false';
  try {
    const result = await page(main, { params: target.pathname.match(pattern).slice(1), query: target.searchParams, session, navigate });
    if (typeof result === 'function') stop = result;
  } catch (error) {
    fill(main, h('h1', {}, title), errorBox(error));
  }
  main.dataset.ready = 'true';
  if (push) main.focus({ preventScroll: true });
}

function showSession() {
  const box = document.getElementById('session');
  const roles = (session.roles || []).join(', ') || 'no role';
  if (!session.authenticationEnabled) {
    fill(box, h('span', { title: 'No identity provider is configured: the service trusts callers on this host.' }, `local user · ${roles}`));
  } else if (session.authenticated) {
    fill(box, h('span', {}, `${session.principal} · ${roles}`), session.login ? h('a', { href: '/console/logout' }, 'Sign out') : null);
  } else {
    fill(box, h('span', {}, 'not signed in'));
  }
  document.querySelector('.topbar nav a[data-section="audit"]').hidden = !(session.roles || []).includes('admin');
}

document.addEventListener('click', event => {
  const link = event.target.closest('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (link.origin !== location.origin || link.target || link.hasAttribute('download') || link.pathname.startsWith('/console/')
    || link.getAttribute('href').startsWith('#')) return;
  event.preventDefault();
  navigate(link.href);
});
window.addEventListener('popstate', () => navigate(location.href, false));

(async () => {
  session = await loadSession();
  window.__consoleSession = session;
  showSession();
  await navigate(location.href, false);
})();
