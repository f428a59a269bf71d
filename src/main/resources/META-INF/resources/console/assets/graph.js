// The plan as a picture: phases left to right, each phase's workflows stacked, each workflow's steps top to
// bottom in dependency layers (dependsOn edges for a DAG, one after the other otherwise).
import { s, label } from './dom.js';

const NODE_W = 176, NODE_H = 46, GAP_X = 14, GAP_Y = 22, PAD = 14, WF_HEAD = 40, PHASE_HEAD = 34, PHASE_GAP = 48;
const PER_ROW = 4;

export function stepKey(workflowId, step) {
  return `${workflowId}/${step}`;
}

/** Layers of a workflow's steps: a step sits one layer below the deepest step it depends on. */
function layers(workflow) {
  const steps = workflow.steps || [];
  const dag = workflow.parallel || steps.some(step => (step.dependsOn || []).length);
  const index = new Map(steps.map((step, i) => [step.name, i]));
  const depth = new Array(steps.length).fill(-1);
  const visit = (i, seen) => {
    if (depth[i] >= 0) return depth[i];
    if (seen.has(i)) return 0;
    seen.add(i);
    let d = 0;
    if (dag) {
      for (const dep of steps[i].dependsOn || []) {
        if (index.has(dep)) d = Math.max(d, visit(index.get(dep), seen) + 1);
      }
    } else {
      d = i;
    }
    depth[i] = d;
    return d;
  };
  steps.forEach((_, i) => visit(i, new Set()));
  const edges = [];
  steps.forEach((step, i) => {
    if (dag) (step.dependsOn || []).filter(dep => index.has(dep)).forEach(dep => edges.push([dep, step.name]));
    else if (i > 0) edges.push([steps[i - 1].name, step.name]);
  });
  return { depth, edges, dag };
}

function layoutWorkflow(workflow) {
  const { depth, edges, dag } = layers(workflow);
  const byLayer = [];
  (workflow.steps || []).forEach((step, i) => (byLayer[depth[i]] = byLayer[depth[i]] || []).push(step));
  const positions = new Map();
  let row = 0, columns = 1;
  for (const layer of byLayer.filter(Boolean)) {
    for (let start = 0; start < layer.length; start += PER_ROW) {
      const slice = layer.slice(start, start + PER_ROW);
      columns = Math.max(columns, slice.length);
      slice.forEach((step, col) => positions.set(step.name, { col, row }));
      row++;
    }
  }
  const width = Math.max(columns * NODE_W + (columns - 1) * GAP_X + 2 * PAD, 230);
  const height = WF_HEAD + Math.max(row, 1) * (NODE_H + GAP_Y) - GAP_Y + PAD;
  return { workflow, positions, edges, dag, width, height };
}

function truncate(text, max) {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/**
 * Draws {@code phases} (PlannedPhase JSON) and returns the SVG and a handle to update step and workflow states.
 * {@code onSelect(workflowId, step)} is called when a step is clicked or chosen with the keyboard.
 */
export function planGraph(phases, onSelect) {
  const nodes = new Map();
  const clusters = new Map();
  const svg = s('svg', { class: 'graph', role: 'group', 'aria-label': 'Plan graph' });
  const layer = { phases: s('g'), edges: s('g'), clusters: s('g'), nodes: s('g') };
  let x = 16, maxHeight = 0;
  const phaseBoxes = [];
  for (const phase of phases || []) {
    const laid = (phase.workflows || []).map(layoutWorkflow);
    const width = Math.max(260, ...laid.map(l => l.width)) + 2 * PAD;
    let y = 16 + PHASE_HEAD;
    for (const l of laid) {
      const wx = x + PAD, wy = y, wf = l.workflow;
      const box = s('rect', { class: 'wf-box', x: wx, y: wy, width: width - 2 * PAD, height: l.height, rx: 9 });
      // Text is cut to the box (about 7 px a character at these sizes); the full id is in the tooltip.
      const fits = Math.floor((width - 2 * PAD - 24) / 7);
      const title = s('text', { class: 'wf-title', x: wx + 12, y: wy + 18 }, truncate(wf.name || wf.workflowId, fits));
      const meta = s('text', { class: 'wf-meta', x: wx + 12, y: wy + 32 },
        truncate([label(wf.tier, 'TIER_'), l.dag ? 'DAG' : 'sequential', wf.workflowId].join(' · '), Math.floor(fits * 1.15)));
      const group = s('g', { class: 'cluster' }, s('title', {}, `${wf.workflowId} (${label(wf.tier, 'TIER_')})`), box, title, meta);
      layer.clusters.append(group);
      clusters.set(wf.workflowId, box);
      const offset = (width - 2 * PAD - l.width) / 2;
      for (const step of wf.steps || []) {
        const p = l.positions.get(step.name);
        const nx = wx + offset + PAD + p.col * (NODE_W + GAP_X), ny = wy + WF_HEAD + p.row * (NODE_H + GAP_Y);
        const when = step.when && step.when !== 'STEP_WHEN_ON_SUCCESS' && step.when !== 'STEP_WHEN_UNSPECIFIED'
          ? label(step.when, 'STEP_WHEN_').replace('on ', '') : '';
        const meta = s('text', { class: 'meta', x: nx + 10, y: ny + 34 }, truncate(step.type + (when ? ' · on ' + when : ''), 28));
        const progress = s('rect', { class: 'progress', x: nx, y: ny + NODE_H - 4, width: 0, height: 4 });
        const tooltip = s('title', {}, `${step.name} (${step.type})` + (step.sourceFile ? `\n${step.sourceFile}:${step.sourceLine || 0}` : ''));
        const node = s('g', {
          class: `node st-pending${when ? ' when-' + when : ''}`, tabindex: 0, role: 'button',
          'data-step': stepKey(wf.workflowId, step.name),
          'aria-label': `Step ${step.name} of ${wf.workflowId}, ${step.type}`,
        }, tooltip, s('rect', { x: nx, y: ny, width: NODE_W, height: NODE_H }),
        s('text', { class: 'name', x: nx + 10, y: ny + 18 }, truncate(step.name, 24)), meta, progress);
        const choose = () => onSelect && onSelect(wf.workflowId, step.name);
        node.addEventListener('click', choose);
        node.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(); } });
        layer.nodes.append(node);
        nodes.set(stepKey(wf.workflowId, step.name), { node, meta, progress, tooltip, step, x: nx, y: ny, baseMeta: meta.textContent });
      }
      for (const [from, to] of l.edges) {
        const a = nodes.get(stepKey(wf.workflowId, from)), b = nodes.get(stepKey(wf.workflowId, to));
        if (!a || !b) continue;
        const x1 = a.x + NODE_W / 2, y1 = a.y + NODE_H, x2 = b.x + NODE_W / 2, y2 = b.y, mid = (y1 + y2) / 2;
        layer.edges.append(s('path', { class: 'edge', d: `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`, 'marker-end': 'url(#arrow)' }));
      }
      y += l.height + 18;
    }
    const height = Math.max(y, 16 + PHASE_HEAD + 60);
    phaseBoxes.push({ x, width, height });
    layer.phases.append(s('rect', { class: 'phase-box', x, y: 8, width, height: height - 8 + 8, rx: 12 }),
      s('text', { class: 'phase-title', x: x + 14, y: 8 + 22 }, label(phase.phase, 'PHASE_'),
        s('tspan', { class: 'phase-count', dx: 8 }, `${(phase.workflows || []).length} workflow${(phase.workflows || []).length === 1 ? '' : 's'}`)));
    maxHeight = Math.max(maxHeight, height);
    x += width + PHASE_GAP;
  }
  for (let i = 1; i < phaseBoxes.length; i++) {
    const from = phaseBoxes[i - 1], to = phaseBoxes[i];
    layer.edges.append(s('path', { class: 'phase-edge', d: `M${from.x + from.width + 4},${16 + PHASE_HEAD + 20} L${to.x - 6},${16 + PHASE_HEAD + 20}`, 'marker-end': 'url(#arrow)' }));
  }
  const defs = s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#9aa3b0' })));
  svg.append(defs, layer.phases, layer.clusters, layer.edges, layer.nodes);
  const width = Math.max(x - PHASE_GAP + 16, 320), height = maxHeight + 24;
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  if (!nodes.size) svg.append(s('text', { x: 20, y: 40, class: 'wf-meta' }, 'No workflows run for this plan.'));

  return {
    svg,
    nodes,
    /** Sets a step's state (a StepState name) and what to show under its name. */
    setStep(workflowId, step, state, detail) {
      const entry = nodes.get(stepKey(workflowId, step));
      if (!entry) return;
      const stateClass = 'st-' + label(state, 'STEP_STATE_').replaceAll(' ', '-');
      entry.node.classList.forEach(c => { if (c.startsWith('st-') && c !== stateClass) entry.node.classList.remove(c); });
      entry.node.classList.add(stateClass);
      entry.node.dataset.state = label(state, 'STEP_STATE_');
      entry.meta.textContent = truncate(detail || entry.baseMeta, 30);
      entry.node.setAttribute('aria-label', `Step ${step} of ${workflowId}, ${entry.step.type}, ${label(state, 'STEP_STATE_')}${detail ? ', ' + detail : ''}`);
      if (state !== 'STEP_STATE_RUNNING') entry.progress.setAttribute('width', 0);
    },
    setProgress(workflowId, step, percent) {
      const entry = nodes.get(stepKey(workflowId, step));
      if (entry) entry.progress.setAttribute('width', Math.max(0, Math.min(100, percent)) * NODE_W / 100);
    },
    setWorkflow(workflowId, state) {
      const box = clusters.get(workflowId);
      if (box) box.setAttribute('class', `wf-box wf-${state}`);
    },
    select(workflowId, step) {
      nodes.forEach(entry => entry.node.classList.remove('selected'));
      const entry = nodes.get(stepKey(workflowId, step));
      if (entry) entry.node.classList.add('selected');
    },
  };
}
