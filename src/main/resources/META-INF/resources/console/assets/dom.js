// Small DOM helpers: elements are built from data with textContent only, never from HTML strings.
const SVG = 'http://www.w3.org/2000/svg';

function build(element, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.setAttribute('class', value);
    else if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

/** "EXECUTION_STATE_AWAITING_APPROVAL" with prefix "EXECUTION_STATE_" is "awaiting approval". */
export function label(value, prefix) {
  if (!value) return 'unspecified';
  return String(value).replace(prefix, '').toLowerCase().replaceAll('_', ' ');
}

export function slug(value, prefix) {
  return label(value, prefix).replaceAll(' ', '-');
}

export function badge(value, prefix, cls) {
  return h('span', { class: `badge ${cls || 'state-' + slug(value, prefix)}` }, label(value, prefix));
}

export function time(timestamp) {
  if (!timestamp) return '';
  const date = new Date(timestamp);
  return date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function clock(timestamp) {
  if (!timestamp) return '';
  const date = new Date(timestamp);
  return date.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');
}

/** A protobuf Duration as JSON ("1.250s") or milliseconds, for people. */
export function duration(value) {
  let ms = typeof value === 'number' ? value : value ? parseFloat(value) * 1000 : NaN;
  if (!isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}

export function between(start, end) {
  if (!start) return '';
  const stop = end ? Date.parse(end) : Date.now();
  return duration(stop - Date.parse(start));
}

export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(p => p && p[1] !== undefined && p[1] !== null && p[1] !== '')
    .map(([name, value]) => h('div', {}, h('dt', {}, name), h('dd', {}, value))));
}

export function table(headers, rows, attrs) {
  return h('div', { class: 'table-wrap' }, h('table', attrs || {},
    h('thead', {}, h('tr', {}, headers.map(title => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, 'None')))));
}

/** Replaces the element's children, leaving out absent ones (replaceChildren would show them as "null"). */
export function fill(element, ...children) {
  element.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false && c !== ''));
  return element;
}
