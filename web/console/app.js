// The analyst console: a small hash-routed app over the /api JSON API. Every text from the
// server goes into the page through textContent (never innerHTML).
import { h, contactGraph, weeklyChart } from './draw.js';
import { botViews } from './bot.js';

const state = { me: null, csrf: '', queue: { filter: { status: '', kind: '', min_score: '' },
  sort: 'score', order: 'desc', offset: 0, limit: 50, selected: 0, rows: [] } };
const main = document.getElementById('main');

class ApiError extends Error {
  constructor(status, body) { super(body.error || `HTTP ${status}`); this.status = status; this.body = body; }
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') { headers['Content-Type'] = 'application/json'; headers['X-CSRF-Token'] = state.csrf; }
  const res = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

// A POST whose answer is a file (identified referral, bundle): saved through a temporary link.
async function postForFile(path, body, filename) {
  const res = await fetch(path, { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf }, body: JSON.stringify(body) });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: filename });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text; t.classList.add('show');
  clearTimeout(toast.timer); toast.timer = setTimeout(() => t.classList.remove('show'), 2500);
}

function show(...nodes) { main.replaceChildren(...nodes); main.focus(); }

// A refusal the user should understand: no session -> login; no role -> a clear panel.
function failure(err) {
  if (err.status === 401) { state.me = null; location.hash = '#/login'; return h('div'); }
  const refused = err.status === 403;
  return h('div', { class: 'panel refused', id: refused ? 'refused' : 'failed' },
    h('h2', {}, refused ? 'Access refused' : 'Something went wrong'),
    h('p', {}, refused ? `Your role (${state.me ? state.me.role : 'none'}) may not do this. The refusal has been recorded in the audit log.` : err.message),
    h('p', { class: 'muted small' }, err.message));
}

// ---- Login ------------------------------------------------------------------------------

function loginView(message) {
  const user = h('input', { id: 'user', name: 'user', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('div', { class: 'error', id: 'login-error', hidden: !message }, message || '');
  const form = h('form', {}, h('h1', {}, 'Sign in'), err,
    h('label', {}, 'User', user), h('label', {}, 'Password', pass),
    h('button', { class: 'primary', type: 'submit', id: 'login-submit' }, 'Sign in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const me = await api('POST', '/api/login', { user: user.value, password: pass.value });
      setMe(me);
      location.hash = me.role === 'auditor' ? '#/audit' : me.role === 'admin' ? '#/users' : '#/queue';
    } catch (ex) {
      err.hidden = false; err.textContent = 'Sign-in failed: wrong user or password, or too many attempts.';
      pass.value = ''; pass.focus();
    }
  });
  show(h('div', { class: 'panel login' }, form,
    h('p', { class: 'muted small' }, 'Every sign-in, read and export is recorded in the audit log.')));
  user.focus();
}

function setMe(me) {
  state.me = me; state.csrf = me ? me.csrf : '';
  document.getElementById('nav').hidden = !me;
  document.getElementById('logout').hidden = !me;
  document.getElementById('who').textContent = me ? `${me.user} · ${me.role}` : '';
}

// ---- Queue ------------------------------------------------------------------------------

const STATUSES = ['new', 'triage', 'review', 'referred', 'dismissed'];
const KINDS = ['text', 'meta', 'media', 'report', 'mixed'];

function badge(status) { return h('span', { class: `badge ${status}` }, status); }

async function queueView() {
  const q = state.queue;
  const params = new URLSearchParams({ sort: q.sort, order: q.order, offset: q.offset, limit: q.limit });
  for (const [k, v] of Object.entries(q.filter)) if (v !== '') params.set(k, v);
  let page;
  try { page = await api('GET', `/api/cases?${params}`); } catch (e) { return show(failure(e)); }
  q.rows = page.cases; q.selected = Math.min(q.selected, Math.max(0, q.rows.length - 1));

  const select = (name, values) => {
    const s = h('select', { id: `f-${name}`, name }, h('option', { value: '' }, 'any'),
      ...values.map((v) => h('option', { value: v }, v)));
    s.value = q.filter[name];
    s.addEventListener('change', () => { q.filter[name] = s.value; q.offset = 0; queueView(); });
    return s;
  };
  const minScore = h('input', { id: 'f-min_score', type: 'number', min: 0, max: 1, step: 0.05, placeholder: '0.0', value: q.filter.min_score });
  minScore.addEventListener('change', () => { q.filter.min_score = minScore.value; q.offset = 0; queueView(); });

  const head = (label, key) => {
    const th = h('th', key ? { class: `sortable${q.sort === key ? ' sorted' : ''}${q.sort === key && q.order === 'asc' ? ' asc' : ''}`, 'data-sort': key } : {}, label);
    if (key) th.addEventListener('click', () => {
      if (q.sort === key) q.order = q.order === 'desc' ? 'asc' : 'desc'; else { q.sort = key; q.order = 'desc'; }
      queueView();
    });
    return th;
  };
  const tbody = h('tbody', {}, ...q.rows.map((c, i) => {
    const tr = h('tr', { class: 'row', 'data-id': c.id, tabindex: -1 },
      h('td', { class: 'mono' }, c.id), h('td', {}, badge(c.status)), h('td', {}, c.kind),
      h('td', { class: 'score' }, c.score.toFixed(2)),
      h('td', { class: 'mono' }, c.subjects.slice(0, 2).map((s) => s.slice(0, 12) + '…').join(', ') + (c.subjects.length > 2 ? ` +${c.subjects.length - 2}` : '')),
      h('td', {}, c.assignee || h('span', { class: 'muted' }, '—')),
      h('td', {}, String(c.leads)), h('td', { class: 'small muted' }, c.updated.replace('T', ' ').replace('Z', '')));
    tr.addEventListener('click', () => { location.hash = `#/case/${c.id}`; });
    if (i === q.selected) tr.classList.add('selected');
    return tr;
  }));
  const pages = Math.max(1, Math.ceil(page.total / q.limit));
  const prev = h('button', { type: 'button', disabled: q.offset === 0 }, '← Previous');
  const next = h('button', { type: 'button', disabled: q.offset + q.limit >= page.total }, 'Next →');
  prev.addEventListener('click', () => { q.offset = Math.max(0, q.offset - q.limit); queueView(); });
  next.addEventListener('click', () => { q.offset += q.limit; queueView(); });
  show(
    h('h1', {}, 'Case queue'),
    h('div', { class: 'filters' }, h('label', {}, 'Status', select('status', STATUSES)),
      h('label', {}, 'Kind', select('kind', KINDS)), h('label', {}, 'Min score', minScore),
      h('span', { class: 'muted', id: 'total' }, `${page.total} case${page.total === 1 ? '' : 's'}`)),
    h('table', { id: 'queue' }, h('thead', {}, h('tr', {}, head('Case', 'id'), head('Status'), head('Kind'),
      head('Score', 'score'), head('Subjects'), head('Assignee'), head('Leads'), head('Updated', 'updated'))), tbody),
    h('div', { class: 'pager' }, prev, h('span', { class: 'muted' }, `page ${Math.floor(q.offset / q.limit) + 1} of ${pages}`), next),
    h('div', { class: 'keys' }, h('kbd', {}, 'j'), ' / ', h('kbd', {}, 'k'), ' move · ', h('kbd', {}, 'Enter'), ' open · ',
      h('kbd', {}, '/'), ' filter · ', h('kbd', {}, 'Esc'), ' back'));
}

function moveSelection(delta) {
  const q = state.queue;
  const rows = main.querySelectorAll('tbody tr.row');
  if (!rows.length) return;
  q.selected = Math.max(0, Math.min(rows.length - 1, q.selected + delta));
  rows.forEach((r, i) => r.classList.toggle('selected', i === q.selected));
  rows[q.selected].scrollIntoView({ block: 'nearest' });
}

// ---- Case page --------------------------------------------------------------------------

function highlighted(text, spans) {
  const marks = spans.filter((s) => Number.isInteger(s.begin)).sort((a, b) => a.begin - b.begin);
  const out = []; let at = 0;
  for (const s of marks) {
    if (s.begin < at) continue;
    out.push(text.slice(at, s.begin));
    const cls = ['sexual', 'payment', 'minor'].includes(s.category) ? s.category : 'other';
    out.push(h('mark', { class: cls, title: `${s.category}: ${s.term}` }, text.slice(s.begin, s.end)));
    at = s.end;
  }
  out.push(text.slice(at));
  return out;
}

const TIMELINE = {
  opened: (b) => `case opened (${b.kind || ''})`,
  lead: (b) => `lead: ${b.kind || ''}, score ${typeof b.score === 'number' ? b.score.toFixed(2) : ''}`,
  status: (b) => `status ${b.from || ''} → ${b.to || ''} by ${b.user || ''}`,
  assign: (b) => `assigned to ${b.to || 'nobody'} by ${b.user || ''}`,
  note: (b) => `note by ${b.author || ''}`,
  link: (b) => `linked to ${b.case || ''} (${b.reason || ''})`,
  country: (b) => `country set to ${b.country || ''}`,
  authorisation: () => 'authorisation recorded',
  authorisation_revoked: () => 'authorisation revoked',
  message: () => 'content recorded under authorisation',
  deletion: () => 'recorded content deleted',
  erasure: () => 'erased by retention',
  takeover: () => 'operator takeover',
};

function timelineItem(r) {
  const b = r.body || {};
  const what = (TIMELINE[r.kind] || (() => r.kind))(b);
  return h('li', {}, h('div', {}, h('strong', {}, what)),
    h('div', { class: 'small muted' }, `#${r.seq} · received ${r.received_time}${r.source_time ? ` · source ${r.source_time}` : ''}`),
    h('div', { class: 'small mono muted', title: r.hash }, r.hash.slice(0, 16) + '…'));
}

async function caseView(id) {
  let d;
  try { d = await api('GET', `/api/cases/${encodeURIComponent(id)}`); } catch (e) { return show(failure(e)); }
  const c = d.case;
  const role = state.me.role;
  const act = async (label, fn) => {
    try { await fn(); toast(label); caseView(id); } catch (e) { main.prepend(failure(e)); }
  };

  const statusSel = h('select', { id: 'status-select' }, ...STATUSES.map((s) => h('option', { value: s }, s)));
  statusSel.value = c.status;
  const statusBtn = h('button', { type: 'button', id: 'status-apply' }, 'Set status');
  statusBtn.addEventListener('click', () => act('Status changed', () => api('POST', `/api/cases/${id}/status`, { status: statusSel.value, note: '' })));
  const assignBtn = h('button', { type: 'button', id: 'assign-me' }, 'Assign to me');
  assignBtn.addEventListener('click', () => act('Assigned', () => api('POST', `/api/cases/${id}/assign`, { assignee: state.me.user })));
  const noteText = h('textarea', { id: 'note-text', placeholder: 'Add a note (recorded in the case ledger)' });
  const noteBtn = h('button', { type: 'button', id: 'note-add' }, 'Add note');
  noteBtn.addEventListener('click', () => act('Note added', () => api('POST', `/api/cases/${id}/notes`, { text: noteText.value })));
  const exportLink = h('a', { class: 'button primary', id: 'export', href: `/api/cases/${id}/export`, download: `bundle-${id}.zip` }, 'Export evidence bundle (zip)');
  const referralLink = h('a', { class: 'button', id: 'referral', href: `/api/cases/${id}/referral?format=html`, target: '_blank', rel: 'noopener' }, 'Referral report');

  // Police need the real accounts: supervisors name them in the referral, with a reason that
  // the audit log records beside each re-identification.
  const idReason = h('input', { id: 'identify-reason', placeholder: 'e.g. referral to PNP-WCPC, request no.' });
  const idReferral = h('button', { type: 'button', id: 'referral-identified' }, 'Referral with account ids');
  idReferral.addEventListener('click', () => act('Identified referral saved (audited)', () =>
    postForFile(`/api/cases/${id}/referral`, { reason: idReason.value, format: 'html' }, `referral-${id}.html`)));
  const idExport = h('button', { type: 'button', id: 'export-identified' }, 'Bundle with account ids');
  idExport.addEventListener('click', () => act('Identified bundle saved (audited)', () =>
    postForFile(`/api/cases/${id}/export`, { reason: idReason.value }, `bundle-${id}.zip`)));
  const identifyPanel = role === 'supervisor' ? h('div', { class: 'actions', id: 'identify' },
    h('label', {}, 'Reason for naming the accounts (audited)', idReason), idReferral, idExport) : '';

  const messages = d.highlights.map((m) => h('div', { class: 'message' },
    h('div', { class: 'small muted' }, `${m.conversation} · message ${m.message}`),
    h('div', { class: 'text' }, ...highlighted(m.text, m.spans))));

  const authRows = d.authorisations.map((a) => {
    const revoke = h('button', { type: 'button', class: 'danger', 'data-revoke': a.id, disabled: !!a.revoked }, a.revoked ? 'Revoked' : 'Revoke');
    revoke.addEventListener('click', () => act('Authorisation revoked', () => api('POST', `/api/authorisations/${a.id}/revoke`)));
    return h('tr', {}, h('td', { class: 'mono' }, a.id), h('td', {}, a.authority), h('td', {}, a.legal_reference),
      h('td', { class: 'small' }, `${a.start} → ${a.expiry}`), h('td', { class: 'small' }, a.granted_by), h('td', {}, revoke));
  });
  const today = new Date();
  const iso = (dt) => dt.toISOString().replace(/\.\d+Z$/, 'Z');
  const fAuthority = h('input', { id: 'auth-authority', placeholder: 'Judge / authority' });
  const fRef = h('input', { id: 'auth-reference', placeholder: 'Order no.' });
  const fStart = h('input', { id: 'auth-start', value: iso(today) });
  const fExpiry = h('input', { id: 'auth-expiry', value: iso(new Date(today.getTime() + 60 * 86400000)) });
  const authAdd = h('button', { type: 'button', class: 'primary', id: 'auth-add' }, 'Record authorisation');
  authAdd.addEventListener('click', () => act('Authorisation recorded', () => api('POST', `/api/cases/${id}/authorisations`,
    { authority: fAuthority.value, legal_reference: fRef.value, scope: c.subjects.slice(0, 1), start: fStart.value, expiry: fExpiry.value })));

  const graphPanel = d.graph.nodes.length > 1 ? h('div', { class: 'panel' }, h('h2', {}, 'Contact graph'), contactGraph(d.graph)) : null;
  const weeklyPanel = d.weekly.length ? h('div', { class: 'panel' }, h('h2', {}, 'Weekly contacts'), weeklyChart(d.weekly)) : null;

  show(
    h('h1', {}, `Case ${c.id} `, badge(c.status)),
    h('div', { class: 'grid' },
      h('div', { class: 'panel' }, h('h2', {}, 'Summary'),
        h('dl', { class: 'kv' }, h('dt', {}, 'Kind'), h('dd', {}, c.kind), h('dt', {}, 'Score'), h('dd', { class: 'score' }, c.score.toFixed(2)),
          h('dt', {}, 'Assignee'), h('dd', {}, c.assignee || '—'), h('dt', {}, 'Country'), h('dd', {}, c.country || 'unknown'),
          h('dt', {}, 'Created'), h('dd', {}, c.created), h('dt', {}, 'Subjects'),
          h('dd', { class: 'mono' }, ...c.subjects.map((s) => h('div', {}, s)))),
        d.links.length ? h('p', {}, 'Related: ', ...d.links.map((l) => h('a', { href: `#/case/${l.case}`, title: l.reason, class: 'mono' }, l.case + ' '))) : ''),
      h('div', { class: 'panel' }, h('h2', {}, 'Workflow'),
        h('div', { class: 'actions' }, h('label', {}, 'Status', statusSel), statusBtn, assignBtn),
        h('div', {}, h('p', {}, noteText), noteBtn),
        h('div', {}, ...d.notes.map((n) => h('div', { class: 'message' }, h('div', { class: 'small muted' }, `${n.author} · ${n.created}`), h('div', {}, n.text)))),
        h('div', { class: 'actions' }, h('p', {}, exportLink, ' ', referralLink)), identifyPanel)),
    messages.length ? h('div', { class: 'panel', id: 'matched' }, h('h2', {}, 'Matched terms in the original text'), ...messages) : '',
    h('div', { class: 'grid' }, graphPanel || '', weeklyPanel || ''),
    h('div', { class: 'panel', id: 'authorisations' }, h('h2', {}, 'Authorisations (identification phase)'),
      authRows.length ? h('table', {}, h('thead', {}, h('tr', {}, ...['Id', 'Authority', 'Reference', 'Period', 'Granted by', ''].map((t) => h('th', {}, t)))), h('tbody', {}, ...authRows))
        : h('p', { class: 'muted' }, 'No authorisation: nothing of this case may be recorded.'),
      role === 'supervisor' ? h('div', { class: 'actions' }, h('label', {}, 'Authority', fAuthority), h('label', {}, 'Legal reference', fRef),
        h('label', {}, 'Start (UTC)', fStart), h('label', {}, 'Expiry (UTC)', fExpiry), authAdd) : ''),
    h('div', { class: 'panel' }, h('h2', {}, 'Evidence timeline (hash-chained)'), h('ul', { class: 'timeline', id: 'timeline' }, ...d.timeline.map(timelineItem))));
}

// ---- Audit ------------------------------------------------------------------------------

async function auditView() {
  let page, verify;
  try { [page, verify] = await Promise.all([api('GET', '/api/audit'), api('GET', '/api/audit/verify?stream=audit')]); }
  catch (e) { return show(failure(e)); }
  const rows = page.records.slice().reverse().map((r) => h('tr', {},
    h('td', { class: 'mono' }, String(r.seq)), h('td', { class: 'small' }, r.time), h('td', {}, r.body.user),
    h('td', {}, r.body.action), h('td', { class: 'mono small' }, r.body.target), h('td', {}, r.body.outcome),
    h('td', { class: 'small muted' }, r.body.ip || '')));
  show(h('h1', {}, 'Audit log'),
    h('div', { class: 'panel', id: 'verify' }, verify.ok ? `Chain verified: ${verify.records_checked} records, ${verify.checkpoints_checked} signed checkpoints.` :
      h('span', { class: 'error' }, `Verification FAILED: ${JSON.stringify(verify.problem)}`)),
    h('table', { id: 'audit' }, h('thead', {}, h('tr', {}, ...['#', 'Time', 'User', 'Action', 'Target', 'Outcome', 'IP'].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows)));
}

// ---- Users ------------------------------------------------------------------------------

async function usersView() {
  let page;
  try { page = await api('GET', '/api/users'); } catch (e) { return show(failure(e)); }
  const name = h('input', { id: 'new-user' }); const pass = h('input', { id: 'new-password', type: 'password' });
  const role = h('select', { id: 'new-role' }, ...['analyst', 'supervisor', 'auditor', 'admin'].map((r) => h('option', { value: r }, r)));
  const add = h('button', { type: 'button', class: 'primary', id: 'user-add' }, 'Create user');
  add.addEventListener('click', async () => {
    try { await api('POST', '/api/users', { name: name.value, role: role.value, password: pass.value }); toast('User created'); usersView(); }
    catch (e) { main.prepend(failure(e)); }
  });
  show(h('h1', {}, 'Users'),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Role'), h('th', {}, 'State'))),
      h('tbody', {}, ...page.users.map((u) => h('tr', {}, h('td', {}, u.name), h('td', {}, u.role), h('td', {}, u.disabled ? 'disabled' : 'active'))))),
    h('div', { class: 'panel actions' }, h('label', {}, 'Name', name), h('label', {}, 'Role', role), h('label', {}, 'Password', pass), add));
}

// ---- Routing and keys -------------------------------------------------------------------

async function route() {
  const hash = location.hash || '#/queue';
  if (!state.me && hash !== '#/login') {
    try { setMe(await api('GET', '/api/me')); } catch { location.hash = '#/login'; return; }
  }
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', hash === `#/${a.dataset.nav}` || hash.startsWith(`#/${a.dataset.nav}/`)));
  if (hash === '#/login') return loginView();
  if (hash.startsWith('#/case/')) return caseView(decodeURIComponent(hash.slice(7)));
  if (hash === '#/bot') return bot.listView();
  if (hash === '#/bot-dashboard') return bot.dashboardView();
  if (hash.startsWith('#/bot/')) return bot.conversationView(decodeURIComponent(hash.slice(6)));
  if (hash === '#/audit') return auditView();
  if (hash === '#/users') return usersView();
  return queueView();
}

document.addEventListener('keydown', (e) => {
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName);
  if (e.key === 'Escape') { if (typing) document.activeElement.blur(); else if (location.hash.startsWith('#/case/')) location.hash = '#/queue'; return; }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const inQueue = !!document.getElementById('queue');
  if (e.key === 'j' && inQueue) { moveSelection(1); e.preventDefault(); }
  else if (e.key === 'k' && inQueue) { moveSelection(-1); e.preventDefault(); }
  else if (e.key === 'Enter' && inQueue) { const r = state.queue.rows[state.queue.selected]; if (r) location.hash = `#/case/${r.id}`; }
  else if (e.key === '/' && inQueue) { document.getElementById('f-status').focus(); e.preventDefault(); }
});

const bot = botViews({ api, show, failure, toast, state });

document.getElementById('logout').addEventListener('click', async () => {
  try { await api('POST', '/api/logout'); } catch { /* the session may be gone already */ }
  setMe(null); location.hash = '#/login';
});
window.addEventListener('hashchange', route);
route();
