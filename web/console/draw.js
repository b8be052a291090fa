// DOM and SVG building for the console: h() for elements, the contact graph and the weekly chart.
const SVG = 'http://www.w3.org/2000/svg';

// h('tag', {attr: value}, ...children): children are nodes or strings (as text, never HTML).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === undefined || v === null) continue;
    if (k === 'style') continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === '' || c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const COLORS = { subject: '#b42318', account: '#1f5fbf', country: '#107a45', case: '#6b2bb5' };
const short = (label) => (label.startsWith('p_') || label.startsWith('c_') ? label.slice(0, 10) + '…' : label);

// Radial layout: the case's main subject in the middle, everything else on rings by kind.
export function contactGraph(graph) {
  const W = 560, H = 340, cx = W / 2, cy = H / 2;
  const pos = new Map();
  pos.set(graph.center, [cx, cy]);
  const others = graph.nodes.filter((n) => n.id !== graph.center);
  const rings = [others.filter((n) => n.kind !== 'country'), others.filter((n) => n.kind === 'country')];
  rings.forEach((ring, r) => {
    const radius = r === 0 ? 95 : 150;
    ring.forEach((n, i) => {
      const a = (2 * Math.PI * i) / Math.max(1, ring.length) - Math.PI / 2 + r * 0.3;
      pos.set(n.id, [cx + radius * 1.45 * Math.cos(a), cy + radius * Math.sin(a)]);
    });
  });
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': 'contact graph', id: 'contact-graph' });
  for (const e of graph.edges) {
    const [a, b] = [pos.get(e.from), pos.get(e.to)];
    if (!a || !b) continue;
    svg.append(s('line', { x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: '#c5ccd8', 'stroke-width': 1.2 }, s('title', {}, e.label)));
  }
  for (const n of graph.nodes) {
    const p = pos.get(n.id);
    if (!p) continue;
    const center = n.id === graph.center;
    svg.append(s('g', {}, s('circle', { cx: p[0], cy: p[1], r: center ? 11 : 7, fill: COLORS[n.kind] || '#667085', stroke: '#fff', 'stroke-width': 2 }, s('title', {}, `${n.kind}: ${n.label}`)),
      s('text', { x: p[0], y: p[1] + (center ? 24 : 19), 'text-anchor': 'middle' }, short(n.label))));
  }
  const legend = s('g', { transform: `translate(8, ${H - 14})` });
  Object.entries(COLORS).forEach(([k, c], i) => {
    legend.append(s('circle', { cx: i * 80 + 5, cy: 0, r: 5, fill: c }), s('text', { x: i * 80 + 14, y: 4 }, k));
  });
  svg.append(legend);
  return svg;
}

// Bars per row (a week, a day): one bar per series, the row's `labelKey` under each group.
export function barChart(rows, labelKey, series, id, ariaLabel) {
  const W = 560, H = 240, pad = 36;
  const max = Math.max(1, ...rows.flatMap((w) => series.map(([k]) => w[k] || 0)));
  const bw = (W - pad * 2) / Math.max(1, rows.length);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': ariaLabel, id });
  svg.append(s('line', { x1: pad, y1: H - pad, x2: W - pad, y2: H - pad, stroke: '#c5ccd8' }));
  svg.append(s('text', { x: pad - 6, y: pad, 'text-anchor': 'end' }, String(Math.round(max))));
  const n = series.length;
  rows.forEach((w, i) => {
    series.forEach(([k, color], j) => {
      const hgt = ((H - pad * 2) * (w[k] || 0)) / max;
      const x = pad + i * bw + 6 + j * ((bw - 12) / n);
      svg.append(s('rect', { x, y: H - pad - hgt, width: Math.max(2, (bw - 12) / n - 2), height: hgt, fill: color, rx: 2 }, s('title', {}, `${w[labelKey]}: ${k.replace('_', ' ')} ${w[k] || 0}`)));
    });
    svg.append(s('text', { x: pad + i * bw + bw / 2, y: H - pad + 14, 'text-anchor': 'middle' }, w[labelKey]));
  });
  const step = Math.min(130, (W - pad) / n);
  series.forEach(([k, color], j) => {
    svg.append(s('rect', { x: pad + j * step, y: 6, width: 10, height: 10, fill: color }), s('text', { x: pad + j * step + 14, y: 15 }, k.replace('_', ' ')));
  });
  return svg;
}

// Bars per week: calls, with new contacts and distinct foreign contacts beside them.
export function weeklyChart(weeks) {
  return barChart(weeks, 'week', [['calls', '#1f5fbf'], ['new_contacts', '#a15c07'], ['distinct_foreign', '#b42318']],
    'weekly-chart', 'weekly contacts');
}
