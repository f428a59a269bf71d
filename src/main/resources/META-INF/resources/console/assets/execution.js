// One execution, live: the plan graph with every step's state, a log per step that follows new lines, the event
// timeline, and the actions the caller may take. Events arrive as server-sent events read from the event log;
// a reconnecting stream resumes after the last sequence it delivered, so nothing is missed or shown twice.
import { h, fill, label, badge, time, clock, duration, between, facts } from './dom.js';
import { rpc, errorBox, WORKFLOW } from './api.js';
import { planGraph, stepKey } from './graph.js';
import { hasRole, isTerminal } from './pages.js';

const TIMELINE_ROWS = 1500;

const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function describe(event) {
  const p = event;
  if (p.stateChanged) return `Execution ${p.stateChanged.from ? label(p.stateChanged.from, 'EXECUTION_STATE_') + ' → ' : ''}${label(p.stateChanged.to, 'EXECUTION_STATE_')}${p.stateChanged.reason ? ': ' + p.stateChanged.reason : ''}`;
  if (p.phaseStarted) return `Phase ${label(p.phaseStarted.phase, 'PHASE_')} started`;
  if (p.phaseFinished) return `Phase ${label(p.phaseFinished.phase, 'PHASE_')} ${p.phaseFinished.succeeded ? 'succeeded' : 'failed'}`;
  if (p.workflowStarted) return `Workflow ${p.workflowStarted.workflowId} started`;
  if (p.workflowFinished) return `Workflow ${p.workflowFinished.workflowId} ${p.workflowFinished.succeeded ? 'succeeded' : 'failed'}${p.workflowFinished.error ? ': ' + p.workflowFinished.error : ''}`;
  if (p.stepStarted) return `Step ${p.stepStarted.workflowId}/${p.stepStarted.step} started (attempt ${p.stepStarted.attempt || 1})`;
  if (p.stepFinished) {
    const f = p.stepFinished;
    return `Step ${f.workflowId}/${f.step} ${label(f.state, 'STEP_STATE_')}${f.duration ? ' in ' + duration(f.duration) : ''}${f.error ? ': ' + f.error : ''}`
      + (f.errorKind && f.errorKind !== 'STEP_ERROR_KIND_UNSPECIFIED' ? ` (${label(f.errorKind, 'STEP_ERROR_KIND_')})` : '');
  }
  if (p.stepProgress) return `Step ${p.stepProgress.workflowId}/${p.stepProgress.step} at ${p.stepProgress.percent || 0}%${p.stepProgress.message ? ': ' + p.stepProgress.message : ''}`;
  if (p.stepLog) return `${p.stepLog.workflowId}/${p.stepLog.step}: ${p.stepLog.line}`;
  if (p.approvalRequested) return `Approval requested for ${p.approvalRequested.environment} by ${p.approvalRequested.requestedBy}`;
  if (p.approvalDecided) return `${p.approvalDecided.approved ? 'Approved' : 'Rejected'} by ${p.approvalDecided.decidedBy}${p.approvalDecided.comment ? ': ' + p.approvalDecided.comment : ''}`;
  return 'Event';
}

export async function executionPage(main, { params, session, navigate }) {
  const id = decodeURIComponent(params[0]);
  const started = performance.now();
  let execution = (await rpc(WORKFLOW + 'GetExecution', { executionId: id, view: 'EXECUTION_VIEW_FULL' })).execution;
  document.title = `${execution.application} ${execution.environment} · ${id} · innominatus`;
  const plan = execution.plan || {};
  const steps = new Map();
  for (const phase of plan.phases || []) {
    for (const wf of phase.workflows || []) {
      for (const step of wf.steps || []) {
        steps.set(stepKey(wf.workflowId, step.name), { workflowId: wf.workflowId, name: step.name, type: step.type, planned: step,
          state: 'STEP_STATE_PENDING', attempt: 0, logs: [] });
      }
    }
  }
  for (const run of execution.steps || []) {
    const step = steps.get(stepKey(run.workflowId, run.step));
    if (step) Object.assign(step, { state: run.state, attempt: run.attempt, error: run.error, errorKind: run.errorKind, startTime: run.startTime, endTime: run.endTime });
  }
  let selected = null;
  const header = h('div', {});
  const approval = h('div', {});
  const stepPanel = h('section', { class: 'panel step-panel', 'aria-label': 'Selected step' });
  const log = h('pre', { class: 'log', id: 'step-log', tabindex: 0, 'aria-label': 'Step log' });
  const live = h('span', { class: 'live', id: 'live' }, 'connecting');
  const timelineBody = h('tbody', {});
  const timeline = h('div', { class: 'timeline table-wrap', id: 'timeline', tabindex: 0, 'aria-label': 'Event timeline' },
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Time'), h('th', {}, 'Event'))), timelineBody));
  const message = h('div', { 'aria-live': 'assertive' });
  const graph = planGraph(plan.phases, (workflowId, name) => select(stepKey(workflowId, name)));

  const stepDetail = step => {
    const shown = step.state === 'STEP_STATE_RUNNING' ? `attempt ${step.attempt || 1} · running ${between(step.startTime)}`
      : step.duration ? `${label(step.state, 'STEP_STATE_')} · ${duration(step.duration)}`
        : step.startTime && step.endTime ? `${label(step.state, 'STEP_STATE_')} · ${between(step.startTime, step.endTime)}` : '';
    return shown + (step.attempt > 1 && step.state !== 'STEP_STATE_RUNNING' ? ` · ${step.attempt} attempts` : '');
  };
  const paintStep = key => {
    const step = steps.get(key);
    if (step) graph.setStep(step.workflowId, step.name, step.state, stepDetail(step));
  };
  const renderStepPanel = () => {
    const step = selected && steps.get(selected);
    if (!step) {
      fill(stepPanel, h('h3', {}, 'Steps'), h('p', { class: 'muted' }, 'Choose a step in the graph (click, or Tab and Enter) to see its state and follow its log.'));
      return;
    }
    const source = step.planned && step.planned.sourceFile ? `${step.planned.sourceFile}:${step.planned.sourceLine || 0}` : '';
    fill(stepPanel, h('h3', {}, `${step.workflowId} / ${step.name}`), facts([
      ['State', badge(step.state, 'STEP_STATE_', 'state-' + label(step.state, 'STEP_STATE_').replaceAll(' ', '-'))],
      ['Type', h('span', { class: 'mono' }, step.type)], ['Attempt', step.attempt || '—'],
      ['Duration', step.duration ? duration(step.duration) : between(step.startTime, step.endTime) || '—'],
      ['Error kind', step.errorKind && step.errorKind !== 'STEP_ERROR_KIND_UNSPECIFIED' ? label(step.errorKind, 'STEP_ERROR_KIND_') : ''],
      ['Source', h('span', { class: 'mono' }, source)],
    ]), step.error ? h('div', { class: 'error' }, step.error) : null, h('h3', {}, 'Log'), log);
    fill(log, ...step.logs.map(logLine));
    log.scrollTop = log.scrollHeight;
  };
  const logLine = entry => h('span', { class: label(entry.stream, 'STEP_LOG_STREAM_') }, entry.line + '\n');
  const select = key => {
    selected = key;
    const step = steps.get(key);
    if (step) graph.select(step.workflowId, step.name);
    renderStepPanel();
  };

  const actionButton = (text, cls, onConfirm, describeAction) => h('button', { type: 'button', class: cls, onclick: () => confirmAction(text, describeAction, onConfirm) }, text);
  const confirmAction = (title, what, send) => {
    const comment = h('textarea', { id: 'action-comment', class: 'comment', rows: 3, placeholder: 'Comment (recorded with the decision)' });
    const error = h('div', {});
    const ok = h('button', { type: 'submit', class: 'primary', id: 'confirm-action' }, title);
    const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' }, h('form', { method: 'dialog' },
      h('h2', { id: 'dialog-title' }, title), what, h('label', { for: 'action-comment' }, 'Comment'), comment, error,
      h('div', { class: 'actions' }, ok, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'))));
    dialog.querySelector('form').addEventListener('submit', async e => {
      e.preventDefault();
      ok.disabled = true;
      try {
        const response = await send(comment.value);
        execution = { ...execution, ...response.execution, plan: execution.plan };
        dialog.close();
        renderHeader();
        // A retried execution runs again: follow it from the start (its event stream had ended).
        if (title === 'Retry') navigate(location.pathname, false);
      } catch (failure) {
        fill(error, errorBox(failure));
        ok.disabled = false;
      }
    });
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    comment.focus();
  };
  const runs = () => {
    const workflows = (plan.phases || []).flatMap(p => p.workflows || []);
    return h('p', {}, `${plural(workflows.length, 'workflow')} with ${plural(steps.size, 'step')} will run in ${execution.environment}: `,
      workflows.map(w => w.workflowId).join(', '), '. Plan digest ', h('span', { class: 'mono digest' }, plan.planDigest || ''), '.');
  };

  const renderHeader = () => {
    const state = execution.state;
    const mayDecide = hasRole(session, 'approver') && state === 'EXECUTION_STATE_AWAITING_APPROVAL'
      && !(session.authenticationEnabled && execution.requestedBy === session.principal);
    const actions = [];
    if (mayDecide) {
      actions.push(actionButton('Approve', 'approve', c => rpc(WORKFLOW + 'ApproveExecution', { executionId: id, planDigest: plan.planDigest, comment: c }), runs()));
      actions.push(actionButton('Reject', 'danger', c => rpc(WORKFLOW + 'RejectExecution', { executionId: id, planDigest: plan.planDigest, comment: c }), runs()));
    }
    if (hasRole(session, 'deployer') && !isTerminal(state)) {
      actions.push(actionButton('Cancel', 'danger', c => rpc(WORKFLOW + 'CancelExecution', { executionId: id, comment: c }), h('p', {}, 'Steps that are running are stopped; nothing further starts.')));
    }
    if (hasRole(session, 'deployer') && (state === 'EXECUTION_STATE_FAILED' || state === 'EXECUTION_STATE_CANCELLED')) {
      actions.push(actionButton('Retry', 'primary', c => rpc(WORKFLOW + 'RetryExecution', { executionId: id, comment: c }), h('p', {}, 'Resumes from the first step that did not succeed, keeping the outputs of those that did.')));
    }
    fill(header, 
      h('p', {}, h('a', { href: '/executions' }, '← Executions')),
      h('div', { class: 'header-row' },
        h('div', {}, h('h1', {}, `${execution.application} → ${execution.environment}`),
          h('p', { class: 'subtitle' }, badge(state, 'EXECUTION_STATE_'), ' ', label(execution.kind, 'EXECUTION_KIND_'),
            execution.dryRun ? ' (dry run)' : '', ' · ', h('span', { class: 'mono' }, id), ' ', live)),
        h('div', { class: 'actions', id: 'actions' }, actions)),
      h('div', { class: 'panel' }, facts([
        ['Product', execution.product || '—'], ['Requested by', execution.requestedBy || ''], ['Approved by', execution.approvedBy || ''],
        ['Created', time(execution.createTime)], ['Started', time(execution.startTime)], ['Ended', time(execution.endTime)],
        ['Duration', between(execution.startTime, execution.endTime)], ['Namespace', h('span', { class: 'mono' }, execution.namespace || '')],
        ['Delivery target', execution.target ? `${label(execution.target.kind, 'TARGET_KIND_')}${execution.target.description ? ': ' + execution.target.description : ''}` : ''],
        ['Decision comment', execution.decisionComment || ''],
      ]), execution.error ? h('div', { class: 'error' }, execution.error) : null));
    fill(approval, state === 'EXECUTION_STATE_AWAITING_APPROVAL' ? h('div', { class: 'panel approval', id: 'approval' },
      h('h3', {}, 'Waiting for approval'), runs(),
      mayDecide ? null : h('p', { class: 'muted' }, hasRole(session, 'approver') ? 'You requested this execution: another approver must decide.' : 'An approver must decide.')) : '');
  };

  fill(main, header, approval, message, h('div', { class: 'exec-layout' },
    h('div', {}, h('div', { class: 'legend', 'aria-hidden': 'true' }, ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'].map(s => h('span', { class: 'l-' + s }, s))),
      h('div', { class: 'graph-wrap', id: 'execution-graph' }, graph.svg)), stepPanel),
  h('h2', {}, 'Timeline'), timeline);
  renderHeader();
  steps.forEach((_, key) => paintStep(key));
  renderStepPanel();
  const metrics = window.__consoleMetrics;
  metrics.executionRenderMs = performance.now() - started;
  metrics.steps = steps.size;

  // Live updates, applied in batches once per frame so that a burst of events costs one layout.
  let queue = [], scheduled = false, lastSequence = 0;
  const apply = event => {
    const key = p => stepKey(p.workflowId, p.step);
    if (event.stateChanged) { execution.state = event.stateChanged.to; return 'header'; }
    if (event.workflowStarted) graph.setWorkflow(event.workflowStarted.workflowId, 'running');
    if (event.workflowFinished) graph.setWorkflow(event.workflowFinished.workflowId, event.workflowFinished.succeeded ? 'succeeded' : 'failed');
    if (event.stepStarted) {
      const step = steps.get(key(event.stepStarted));
      if (step) Object.assign(step, { state: 'STEP_STATE_RUNNING', attempt: event.stepStarted.attempt || 1, startTime: event.eventTime, endTime: null, duration: null, error: '', errorKind: '' });
      return key(event.stepStarted);
    }
    if (event.stepFinished) {
      const f = event.stepFinished, step = steps.get(key(f));
      if (step) Object.assign(step, { state: f.state, attempt: f.attempt || step.attempt, error: f.error || '', errorKind: f.errorKind, duration: f.duration, endTime: event.eventTime });
      return key(f);
    }
    if (event.stepProgress) { graph.setProgress(event.stepProgress.workflowId, event.stepProgress.step, event.stepProgress.percent || 0); return null; }
    if (event.stepLog) {
      const step = steps.get(key(event.stepLog));
      if (step) {
        const entry = { line: event.stepLog.line, stream: event.stepLog.stream };
        step.logs.push(entry);
        if (selected === key(event.stepLog)) {
          const follow = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
          log.append(logLine(entry));
          if (follow) log.scrollTop = log.scrollHeight;
        }
      }
      return null;
    }
    if (event.approvalDecided) { if (event.approvalDecided.approved) execution.approvedBy = event.approvalDecided.decidedBy; return 'header'; }
    return null;
  };
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    const touched = new Set();
    let headerChanged = false;
    const rows = [];
    for (const event of batch) {
      if (event.sequence && Number(event.sequence) <= lastSequence) continue;
      lastSequence = Number(event.sequence || lastSequence);
      const changed = apply(event);
      if (changed === 'header') headerChanged = true;
      else if (changed) touched.add(changed);
      if (!event.stepLog) {
        rows.push(h('tr', { 'data-sequence': event.sequence }, h('td', { class: 'seq' }, event.sequence), h('td', { class: 'time' }, clock(event.eventTime)), h('td', {}, describe(event))));
      }
    }
    touched.forEach(paintStep);
    if (headerChanged) renderHeader();
    if (selected && touched.has(selected)) renderStepPanel();
    if (rows.length) {
      const follow = timeline.scrollTop + timeline.clientHeight >= timeline.scrollHeight - 8;
      timelineBody.append(...rows);
      while (timelineBody.childElementCount > TIMELINE_ROWS) timelineBody.firstElementChild.remove();
      if (follow) timeline.scrollTop = timeline.scrollHeight;
    }
    // Commit-to-page time of the events committed while the page was following (not the replay of earlier ones).
    const now = Date.now();
    for (const event of batch) {
      const committed = event.eventTime ? Date.parse(event.eventTime) : 0;
      if (committed >= followingSince) metrics.eventLagsMs.push(now - committed);
    }
    metrics.lastSequence = lastSequence;
    metrics.state = execution.state;
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // Frames do not run in a hidden tab; events still apply there, less often.
    if (document.hidden) setTimeout(flush, 250); else requestAnimationFrame(flush);
  };

  metrics.eventLagsMs = [];
  metrics.streamEnded = false;
  const followingSince = Date.now();
  const source = new EventSource('/console/events/' + encodeURIComponent(id));
  source.onopen = () => { live.textContent = 'live'; live.classList.add('on'); };
  source.onmessage = e => { queue.push(JSON.parse(e.data).event); schedule(); };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      live.textContent = 'disconnected';
    } else {
      live.textContent = 'reconnecting';
    }
    live.classList.remove('on');
  };
  const finish = async () => {
    source.close();
    live.textContent = 'complete';
    live.classList.remove('on');
    if (queue.length) flush();
    try {
      const fresh = (await rpc(WORKFLOW + 'GetExecution', { executionId: id, view: 'EXECUTION_VIEW_BASIC' })).execution;
      execution = { ...execution, ...fresh, plan: execution.plan };
      renderHeader();
    } catch (e) { /* the live state is already shown */ }
    metrics.streamEnded = true;
  };
  source.addEventListener('end', finish);
  source.addEventListener('failure', e => {
    source.close();
    let body = {};
    try { body = JSON.parse(e.data); } catch (ignored) { /* keep the generic message */ }
    fill(message, errorBox(Object.assign(new Error((body.status && body.status.message) || 'the event stream failed'), {})));
    live.textContent = 'stopped';
  });
  return () => source.close();
}
