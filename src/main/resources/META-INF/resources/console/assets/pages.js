// The catalog, plan, executions and audit pages. Each page is a function of the element to draw into and the
// page context ({ params, query, session, navigate }); it may return a function that stops what it started.
import { h, fill, label, badge, time, facts, table, between } from './dom.js';
import { rpc, listAll, errorBox, WORKFLOW, POLICY, AUDIT } from './api.js';
import { planGraph } from './graph.js';

const TERMINAL = ['EXECUTION_STATE_SUCCEEDED', 'EXECUTION_STATE_FAILED', 'EXECUTION_STATE_CANCELLED', 'EXECUTION_STATE_REJECTED'];
export const EXECUTION_STATES = ['EXECUTION_STATE_QUEUED', 'EXECUTION_STATE_AWAITING_APPROVAL', 'EXECUTION_STATE_RUNNING',
  'EXECUTION_STATE_SUCCEEDED', 'EXECUTION_STATE_FAILED', 'EXECUTION_STATE_CANCELLED', 'EXECUTION_STATE_REJECTED'];

export function isTerminal(state) {
  return TERMINAL.includes(state);
}

export function hasRole(session, role) {
  return (session.roles || []).includes(role) || (session.roles || []).includes('admin');
}

function workflowLink(id) {
  return h('a', { href: '/workflows/' + id.split('/').map(encodeURIComponent).join('/') }, id);
}

function allowedBadge(workflow) {
  return workflow.allowed ? badge('allowed', '', 'ok') : badge('not allowed', '', 'bad');
}

function chips(values, empty) {
  return values && values.length ? h('div', { class: 'chips' }, values.map(v => h('span', { class: 'badge' }, v)))
    : h('span', { class: 'muted' }, empty || 'none');
}

function heading(title, subtitle) {
  return [h('h1', {}, title), subtitle ? h('p', { class: 'subtitle' }, subtitle) : null];
}

export function diagnostics(list) {
  if (!list || !list.length) return h('p', { class: 'muted' }, 'No diagnostics.');
  return table(['Where', 'Severity', 'Code', 'Message'], list.map(d => h('tr', {},
    h('td', { class: 'mono' }, [d.file || '', d.line ? `:${d.line}` : '', d.column ? `:${d.column}` : ''].join('')),
    h('td', { class: 'diag-' + label(d.severity, 'SEVERITY_') }, label(d.severity, 'SEVERITY_')),
    h('td', { class: 'mono' }, d.code || ''),
    h('td', {}, d.message, d.fieldPath ? h('div', { class: 'muted mono' }, d.fieldPath) : null))));
}

// ---------------------------------------------------------------------------------------------------- overview

export async function overviewPage(main) {
  fill(main, ...heading('Overview', 'The catalog, environments and policies this service runs with.'));
  const [products, workflows, environments, policies, stepTypes] = await Promise.all([
    listAll(WORKFLOW + 'ListProducts', {}, 'products'),
    listAll(WORKFLOW + 'ListWorkflows', {}, 'workflows'),
    listAll(POLICY + 'ListEnvironments', {}, 'environments'),
    rpc(POLICY + 'GetPolicies', {}),
    listAll(POLICY + 'ListStepTypes', {}, 'stepTypes'),
  ]);
  const allowed = workflows.filter(w => w.allowed).length;
  main.append(h('div', { class: 'panel' }, facts([
    ['Products', products.length], ['Workflows', `${workflows.length} (${allowed} allowed)`],
    ['Environments', environments.length], ['Step types', `${stepTypes.length} (${stepTypes.filter(t => t.allowed).length} allowed)`],
  ])));

  const workflowRows = list => list.map(w => h('tr', {},
    h('td', {}, workflowLink(w.workflowId), w.description ? h('div', { class: 'muted' }, w.description) : null),
    h('td', {}, label(w.phase, 'PHASE_')),
    h('td', {}, (w.triggers || []).map(t => label(t, 'TRIGGER_')).join(', ')),
    h('td', {}, (w.steps || []).length),
    h('td', {}, w.owner || ''),
    h('td', {}, allowedBadge(w), (w.disallowedReasons || []).map(r => h('div', { class: 'muted' }, r)))));
  const headers = ['Workflow', 'Phase', 'Triggers', 'Steps', 'Owner', 'Allow-list'];

  main.append(h('h2', { id: 'platform' }, 'Platform workflows'),
    table(headers, workflowRows(workflows.filter(w => w.tier === 'TIER_PLATFORM'))));

  main.append(h('h2', { id: 'products' }, 'Products'));
  for (const product of products) {
    const own = workflows.filter(w => w.product === product.name && w.tier !== 'TIER_PLATFORM');
    main.append(h('section', { class: 'panel', 'aria-labelledby': 'product-' + product.name },
      h('div', { class: 'header-row' },
        h('h3', { id: 'product-' + product.name }, product.name),
        h('span', { class: 'muted' }, `${product.allowedWorkflowCount || 0} of ${product.workflowCount || 0} workflows allowed`)),
      h('p', { class: 'muted' }, 'Owners: ', (product.owners || []).join(', ') || 'none'),
      table(headers, workflowRows(own))));
  }
  const others = workflows.filter(w => w.tier === 'TIER_APPLICATION');
  if (others.length) main.append(h('h2', {}, 'Application workflows'), table(headers, workflowRows(others)));

  main.append(h('h2', { id: 'environments' }, 'Environments'), table(
    ['Environment', 'Delivery target', 'Namespace', 'Approval', 'Allowed', 'Unset variables'],
    environments.map(e => h('tr', {},
      h('td', {}, h('a', { href: '/executions?environment=' + encodeURIComponent(e.name) }, e.name)),
      h('td', {}, label(e.targetKind, 'TARGET_KIND_'), e.target ? h('div', { class: 'muted mono' }, e.target) : null),
      h('td', { class: 'mono' }, e.namespacePattern || ''),
      h('td', {}, e.requiresApproval ? badge('required', '', 'warn') : 'no'),
      h('td', {}, e.allowed ? badge('allowed', '', 'ok') : badge('not allowed', '', 'bad')),
      h('td', {}, chips(e.unsetVariables, ''))))));

  const p = policies.policies || {};
  main.append(h('h2', { id: 'policies' }, 'Effective policies'), h('div', { class: 'panel' }, facts([
    ['Required platform workflows', chips(p.requiredPlatformWorkflows)],
    ['Allowed product workflows', chips(p.allowedProductWorkflows)],
    ['Allowed step types', chips(p.allowedStepTypes)],
    ['Allowed environments', chips(p.allowedEnvironments, 'all')],
    ['Approval required in', chips(p.requireApproval)],
    ['Allowed executors', chips(p.allowedExecutors, 'all')],
    ['Max workflow duration', p.maxWorkflowDuration || 'none'],
    ['Max concurrent workflows', p.maxConcurrentWorkflows || 'none'],
    ['Max steps per workflow', p.maxStepsPerWorkflow || 'none'],
    ['Overrides', p.workflowOverrides ? `platform ${p.workflowOverrides.platform ? 'yes' : 'no'}, product ${p.workflowOverrides.product ? 'yes' : 'no'}` : 'none'],
    ['Secrets access', p.secretsAccess ? Object.entries(p.secretsAccess).map(([k, v]) => `${k}: ${label(v, /^[A-Z]+_ACCESS_/)}`).join(', ') : 'none'],
  ]), h('h3', {}, 'Sources'), h('ul', {}, (policies.sources || []).map(src =>
    h('li', {}, h('span', { class: 'mono' }, src.file), ' ', h('span', { class: 'muted' }, label(src.kind, 'POLICY_SOURCE_KIND_'), src.name ? ` ${src.name}` : ''))))));

  main.append(h('h2', { id: 'step-types' }, 'Step types'), table(['Type', 'Source', 'Allowed', 'Description'],
    stepTypes.map(t => h('tr', {}, h('td', { class: 'mono' }, t.type), h('td', {}, label(t.source, 'STEP_TYPE_SOURCE_')),
      h('td', {}, t.allowed ? badge('allowed', '', 'ok') : badge('not allowed', '', 'bad')), h('td', {}, t.description || '')))));
}

// ---------------------------------------------------------------------------------------------------- workflow

export async function workflowPage(main, { params }) {
  const id = params[0].split('/').map(decodeURIComponent).join('/');
  const { workflow } = await rpc(WORKFLOW + 'GetWorkflow', { workflowId: id });
  document.title = `${workflow.workflowId} · innominatus`;
  const graph = planGraph([{ phase: workflow.phase, workflows: [{ ...workflow, parallel: (workflow.steps || []).some(s => (s.dependsOn || []).length) }] }]);
  const validation = h('div', {});
  const validate = h('button', { type: 'button', onclick: async () => {
    validate.disabled = true;
    try {
      const result = await rpc(WORKFLOW + 'ValidateWorkflow', { yaml: workflow.yaml || '', fileName: workflow.sourceFile || '' });
      fill(validation, h('p', {}, result.valid ? badge('valid', '', 'ok') : badge('invalid', '', 'bad')), diagnostics(result.diagnostics));
    } catch (e) {
      fill(validation, errorBox(e));
    } finally {
      validate.disabled = false;
    }
  } }, 'Validate again');
  fill(main, 
    h('p', {}, h('a', { href: '/' }, '← Overview')),
    h('div', { class: 'header-row' }, h('div', {}, ...heading(workflow.name || workflow.workflowId, workflow.description)), allowedBadge(workflow)),
    h('div', { class: 'panel' }, facts([
      ['Workflow id', h('span', { class: 'mono' }, workflow.workflowId)], ['Tier', label(workflow.tier, 'TIER_')],
      ['Product', workflow.product || '—'], ['Phase', label(workflow.phase, 'PHASE_')], ['Owner', workflow.owner || '—'],
      ['Triggers', (workflow.triggers || []).map(t => label(t, 'TRIGGER_')).join(', ') || '—'],
      ['Source', h('span', { class: 'mono' }, workflow.sourceFile || '')], ['Steps', (workflow.steps || []).length],
    ]), (workflow.disallowedReasons || []).length ? h('div', { class: 'notice' }, 'Not allowed: ', workflow.disallowedReasons.join('; ')) : null),
    h('h2', {}, 'Steps'), h('div', { class: 'graph-wrap' }, graph.svg),
    table(['Step', 'Type', 'Depends on', 'When', 'Line'], (workflow.steps || []).map(s => h('tr', {},
      h('td', {}, s.name), h('td', { class: 'mono' }, s.type), h('td', {}, (s.dependsOn || []).join(', ')),
      h('td', {}, label(s.when, 'STEP_WHEN_')), h('td', { class: 'mono' }, s.sourceLine || '')))),
    h('h2', {}, 'Validation'), h('div', { class: 'actions' }, validate), validation,
    h('h2', {}, 'YAML'), h('pre', { class: 'yaml', tabindex: 0, 'aria-label': 'Workflow YAML' }, workflow.yaml || ''));
  validate.click();
}

// ---------------------------------------------------------------------------------------------------- plan

const SCORE_KEY = 'innominatus.console.score';

function planSummary(plan) {
  return h('div', { class: 'panel' }, facts([
    ['Application', plan.application], ['Product', plan.product || '—'], ['Environment', plan.environment],
    ['Namespace', h('span', { class: 'mono' }, plan.namespace || '')],
    ['Delivery target', plan.target ? `${label(plan.target.kind, 'TARGET_KIND_')}${plan.target.description ? ': ' + plan.target.description : ''}` : '—'],
    ['Allowed', plan.allowed ? badge('allowed', '', 'ok') : badge('blocked', '', 'bad')],
    ['Approval', plan.requiresApproval ? badge('required', '', 'warn') : 'not required'],
    ['Plan digest', h('span', { class: 'mono' }, plan.planDigest || '')],
    ['Catalog digest', h('span', { class: 'mono' }, plan.catalogDigest || '')],
  ]));
}

export function planDetails(plan) {
  const steps = (plan.phases || []).flatMap(p => (p.workflows || []).flatMap(w => w.steps || [])).length;
  const workflows = (plan.phases || []).flatMap(p => p.workflows || []);
  return [
    planSummary(plan),
    h('p', { class: 'muted' }, `${workflows.length} workflow(s), ${steps} step(s) in ${(plan.phases || []).length} phase(s).`),
    h('h2', {}, 'Workflows that run'),
    table(['Phase', 'Workflow', 'Tier', 'Triggered by', 'Steps', 'Source'], (plan.phases || []).flatMap(p => (p.workflows || []).map(w => h('tr', {},
      h('td', {}, label(p.phase, 'PHASE_')), h('td', {}, workflowLink(w.workflowId)), h('td', {}, label(w.tier, 'TIER_')),
      h('td', {}, (w.triggeredBy || []).map(t => label(t, 'TRIGGER_')).join(', ')), h('td', {}, (w.steps || []).length),
      h('td', { class: 'mono' }, [...new Set((w.steps || []).map(s => s.sourceFile).filter(Boolean))].join(', ')))))),
    h('h2', {}, 'Excluded workflows'),
    table(['Workflow', 'Rule', 'Why'], (plan.excluded || []).map(e => h('tr', {},
      h('td', {}, workflowLink(e.workflowId)), h('td', { class: 'mono' }, e.ruleId), h('td', {}, e.message)))),
    h('h2', {}, 'Policy violations'),
    table(['Rule', 'Message', 'Workflow', 'Step', 'Blocking', 'Location'], (plan.violations || []).map(v => h('tr', {},
      h('td', { class: 'mono' }, v.ruleId), h('td', {}, v.message), h('td', {}, v.workflowId || ''), h('td', {}, v.step || ''),
      h('td', {}, v.blocking ? badge('blocking', '', 'bad') : badge('warning', '', 'warn')), h('td', { class: 'mono' }, v.location || '')))),
  ];
}

async function readFiles(input) {
  return Promise.all([...input.files].map(async file => ({ fileName: file.name, yaml: await file.text() })));
}

export async function planPage(main, { query, session, navigate }) {
  const environments = await listAll(POLICY + 'ListEnvironments', {}, 'environments');
  const score = h('textarea', { id: 'score', name: 'score', spellcheck: 'false', placeholder: 'apiVersion: score.dev/v1b1\nmetadata:\n  name: my-app\n  annotations:\n    innominatus.io/product: ecommerce\n…' });
  score.value = sessionStorage.getItem(SCORE_KEY) || '';
  const upload = h('input', { type: 'file', id: 'score-file', accept: '.yaml,.yml,text/yaml' });
  upload.addEventListener('change', async () => { if (upload.files[0]) score.value = await upload.files[0].text(); });
  const env = h('select', { id: 'environment', name: 'environment' },
    environments.map(e => h('option', { value: e.name, selected: e.name === query.get('environment') }, e.name + (e.requiresApproval ? ' (approval)' : ''))));
  const candidates = h('input', { type: 'file', id: 'candidates', multiple: true, accept: '.yaml,.yml' });
  const result = h('div', { id: 'plan-result', 'aria-live': 'polite' });
  const planButton = h('button', { type: 'submit', class: 'primary' }, 'Plan');
  const form = h('form', { class: 'panel', id: 'plan-form' },
    h('div', { class: 'form-row' },
      h('div', {}, h('label', { for: 'score' }, 'Score file'), score),
      h('div', {},
        h('label', { for: 'score-file' }, 'Or upload a Score file'), upload,
        h('label', { for: 'environment' }, 'Environment'), env,
        h('label', { for: 'candidates' }, 'Candidate workflows (YAML files, as PlanDeployment\'s extra_workflows)'), candidates,
        h('p', {}, planButton))));
  fill(main, ...heading('Plan a deployment', 'What would run for a Score file in an environment, and what the policies say.'), form, result);

  const request = async () => ({ scoreYaml: score.value, environment: env.value, scoreFileName: upload.files[0] ? upload.files[0].name : 'score.yaml', extraWorkflows: await readFiles(candidates) });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    sessionStorage.setItem(SCORE_KEY, score.value);
    history.replaceState(null, '', '/plan?environment=' + encodeURIComponent(env.value));
    planButton.disabled = true;
    fill(result, h('p', { class: 'muted' }, 'Planning…'));
    const started = performance.now();
    try {
      const response = await rpc(WORKFLOW + 'PlanDeployment', await request());
      const plan = response.plan || {};
      const graph = planGraph(plan.phases);
      const start = (dryRun) => h('button', { type: 'button', class: dryRun ? '' : 'primary', disabled: !plan.allowed, onclick: async e => {
        e.target.disabled = true;
        try {
          const started = await rpc(WORKFLOW + 'StartDeployment', { ...(await request()), dryRun, requestId: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) });
          navigate('/executions/' + encodeURIComponent(started.execution.executionId));
        } catch (error) {
          result.prepend(errorBox(error));
          e.target.disabled = false;
        }
      } }, dryRun ? 'Dry run' : 'Start deployment');
      fill(result, 
        h('div', { class: 'header-row' }, h('h2', {}, `Plan for ${plan.application} in ${plan.environment}`),
          hasRole(session, 'deployer') ? h('div', { class: 'actions' }, start(true), start(false)) : null),
        (response.diagnostics || []).length ? diagnostics(response.diagnostics) : null,
        h('div', { class: 'graph-wrap', id: 'plan-graph' }, graph.svg),
        ...planDetails(plan));
      window.__consoleMetrics.planRenderMs = performance.now() - started;
    } catch (error) {
      fill(result, errorBox(error));
    } finally {
      planButton.disabled = false;
    }
  });
  if (query.get('run') === '1' && score.value) form.requestSubmit();
}

// ---------------------------------------------------------------------------------------------------- executions

export function executionRow(e) {
  return h('tr', {},
    h('td', { class: 'mono' }, h('a', { href: '/executions/' + encodeURIComponent(e.executionId) }, e.executionId)),
    h('td', {}, e.application), h('td', {}, e.product || ''), h('td', {}, e.environment),
    h('td', {}, label(e.kind, 'EXECUTION_KIND_'), e.dryRun ? h('span', { class: 'muted' }, ' (dry run)') : null),
    h('td', {}, badge(e.state, 'EXECUTION_STATE_')),
    h('td', {}, e.requestedBy || ''), h('td', {}, time(e.createTime)), h('td', {}, between(e.startTime, e.endTime)));
}

/**
 * A filter form whose values are the page's query, so that a filtered list has a URL of its own: text fields,
 * or a choice where {@code options} lists [value, label] pairs.
 */
function filterForm(path, query, navigate, fields) {
  const controls = fields.map(({ name, title, options }) => {
    const id = 'filter-' + name;
    const control = options
      ? h('select', { id, name }, h('option', { value: '' }, 'any'),
        options.map(([value, text]) => h('option', { value, selected: value === query.get(name) }, text)))
      : h('input', { type: 'text', id, name, value: query.get(name) || '' });
    return h('div', {}, h('label', { for: id }, title), control);
  });
  const form = h('form', { class: 'filters', role: 'search' }, controls, h('div', {}, h('button', { type: 'submit' }, 'Filter')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const q = new URLSearchParams([...new FormData(form)].filter(([, v]) => v));
    navigate(path + (q.toString() ? '?' + q : ''));
  });
  return form;
}

/**
 * Page after page of a List RPC in {@code body}: {@code fetch(pageToken)} answers the page's content and the
 * next page token. Returns {load} to draw the current page (again) and {onFirstPage}.
 */
function paged(body, fetch) {
  const tokens = [''];
  let page = 0;
  const load = async () => {
    const { content, nextPageToken } = await fetch(tokens[page]);
    tokens[page + 1] = nextPageToken || '';
    fill(body, content, h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: page === 0, onclick: () => { page--; load(); } }, '← Newer'),
      h('button', { type: 'button', disabled: !nextPageToken, onclick: () => { page++; load(); } }, 'Older →'),
      h('span', { class: 'muted' }, `page ${page + 1}`)));
  };
  return { load, onFirstPage: () => page === 0 };
}

export async function executionsPage(main, { query, navigate }) {
  const form = filterForm('/executions', query, navigate, [{ name: 'application', title: 'Application' },
    { name: 'environment', title: 'Environment' },
    { name: 'state', title: 'State', options: EXECUTION_STATES.map(s => [s, label(s, 'EXECUTION_STATE_')]) }]);
  const body = h('div', {});
  fill(main, ...heading('Executions', 'Deployments, workflow runs and undeployments, newest first.'), form, body);
  const pages = paged(body, async pageToken => {
    const response = await rpc(WORKFLOW + 'ListExecutions', {
      application: query.get('application') || '', environment: query.get('environment') || '',
      state: query.get('state') || undefined, pageSize: 25, pageToken, view: 'EXECUTION_VIEW_BASIC',
    });
    return { nextPageToken: response.nextPageToken, content: table(['Execution', 'Application', 'Product', 'Environment', 'Kind',
      'State', 'Requested by', 'Created', 'Duration'], (response.executions || []).map(executionRow), { id: 'executions' }) };
  });
  await pages.load();
  // The newest page follows new executions; an older page stays as it was read.
  const timer = setInterval(() => { if (pages.onFirstPage() && !document.hidden) pages.load().catch(() => {}); }, 5000);
  return () => clearInterval(timer);
}

// ---------------------------------------------------------------------------------------------------- audit

export async function auditPage(main, { query, navigate }) {
  const form = filterForm('/audit', query, navigate, [{ name: 'principal', title: 'Principal' }, { name: 'action', title: 'Action' },
    { name: 'target', title: 'Target' },
    { name: 'decision', title: 'Decision', options: ['AUDIT_DECISION_ALLOWED', 'AUDIT_DECISION_DENIED'].map(d => [d, label(d, 'AUDIT_DECISION_')]) }]);
  const body = h('div', {});
  fill(main, ...heading('Audit trail', 'Who did what, and what was refused.'), form, body);
  await paged(body, async pageToken => {
    const response = await rpc(AUDIT + 'ListAuditEvents', {
      principal: query.get('principal') || '', action: query.get('action') || '', target: query.get('target') || '',
      decision: query.get('decision') || undefined, pageSize: 50, pageToken,
    });
    return { nextPageToken: response.nextPageToken, content: table(['#', 'Time', 'Principal', 'Action', 'Target', 'Decision', 'Reason'],
      (response.events || []).map(e => h('tr', {},
        h('td', { class: 'mono' }, e.sequence), h('td', {}, time(e.eventTime)), h('td', {}, e.principal), h('td', { class: 'mono' }, e.action),
        h('td', { class: 'mono' }, e.target), h('td', {}, e.decision === 'AUDIT_DECISION_DENIED' ? badge('denied', '', 'bad') : badge('allowed', '', 'ok')),
        h('td', {}, e.reason || ''))), { id: 'audit' }) };
  }).load();
}
