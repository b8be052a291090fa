// The undercover agent's pages: live conversations, one transcript with operator controls
// (take over, say, hand back, end), and the dashboard. Texts go in through textContent only.
import { h, barChart } from './draw.js';

const POLL_MS = 2000;

// `ui` is { api, show, failure, toast, state } from app.js.
export function botViews(ui) {
  const { api, show, failure, toast, state } = ui;
  const mayOperate = () => state.me && (state.me.role === 'analyst' || state.me.role === 'supervisor');
  // One poll timer at a time, cancelled when the page changes.
  const still = (hash) => location.hash === hash;
  const later = (hash, f) => setTimeout(() => { if (still(hash)) f(); }, POLL_MS);

  // Retention erased the text of a conversation that never showed intent (SAFETY.md 3).
  const erasedBadge = (c) => c.erased ? h('span', { class: 'badge dismissed erased', title: `text erased by retention ${c.erased}` }, 'text erased') : '';
  const erasedNote = (c) => c.erased ? h('p', { class: 'panel muted', id: 'bot-erased' },
    `Text erased by retention on ${c.erased}: the conversation never showed intent. The ledger keeps each line's digest.`) : '';

  async function listView() {
    const hash = location.hash;
    let page;
    try { page = await api('GET', '/api/bot/conversations'); } catch (e) { return show(failure(e)); }
    const rows = page.conversations.map((c) => {
      const tr = h('tr', { class: c.taken_over ? 'held' : '' },
        h('td', { class: 'mono' }, h('a', { href: `#/bot/${encodeURIComponent(c.id)}` }, c.id)),
        h('td', { class: 'mono small' }, c.partner.slice(0, 12) + '…'), h('td', {}, c.state), h('td', {}, String(c.level)),
        h('td', {}, c.taken_over ? `held by ${c.operator}` : 'agent'), h('td', {}, String(c.lines), ' ', erasedBadge(c)), h('td', { class: 'small' }, c.last));
      return tr;
    });
    show(h('h1', {}, 'Agent conversations'),
      h('p', { class: 'muted small' }, 'Live; refreshed every 2 s. Partners are shown as pseudonyms.'),
      rows.length ? h('table', { id: 'bot-conversations' }, h('thead', {}, h('tr', {}, ...['Id', 'Partner', 'State', 'Level', 'Speaking', 'Lines', 'Last'].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows))
        : h('p', { class: 'muted', id: 'bot-none' }, 'No conversations yet: the agent never speaks first.'));
    later(hash, listView);
  }

  function lineItem(l) {
    const who = l.speaker.startsWith('operator:') ? `operator ${l.speaker.slice(9)}` : l.speaker;
    return h('li', { class: `line ${l.speaker.split(':')[0]}`, 'data-seq': String(l.seq) },
      h('span', { class: 'small muted' }, l.time), ' ', h('strong', {}, who), l.bank_entry ? h('span', { class: 'mono small muted' }, ` [${l.bank_entry}]`) : '',
      h('div', {}, l.text));
  }

  async function conversationView(id) {
    const hash = location.hash;
    let first, list;
    try { [first, list] = await Promise.all([api('GET', `/api/bot/conversations/${encodeURIComponent(id)}`), api('GET', '/api/bot/conversations')]); }
    catch (e) { return show(failure(e)); }
    const conv = list.conversations.find((c) => c.id === id) || {};
    const ul = h('ul', { class: 'transcript', id: 'bot-transcript' }, ...first.lines.map(lineItem));
    let last = first.lines.length ? first.lines[first.lines.length - 1].seq : -1;
    const status = h('p', { id: 'bot-status' }, `${conv.state || ''} · level ${conv.level ?? ''} · ${conv.taken_over ? `held by ${conv.operator}` : 'agent speaking'}`);
    // A command is carried out by the bot process within a poll; show its result when done.
    async function command(kind, body) {
      try {
        const { command: cid } = await api('POST', `/api/bot/conversations/${encodeURIComponent(id)}/${kind}`, body);
        toast(`${kind} queued`);
        for (let i = 0; i < 20; i++) {
          const c = await api('GET', `/api/bot/commands/${cid}`);
          if (c.done) { toast(c.result === 'ok' ? `${kind}: done` : `${kind} refused: ${c.result}`); return; }
          await new Promise((r) => setTimeout(r, 300));
        }
      } catch (e) { main().prepend(failure(e)); }
    }
    const say = h('input', { id: 'bot-say', placeholder: 'Operator line (checked by the guard)', size: 50 });
    const button = (label, idAttr, f) => { const b = h('button', { type: 'button', id: idAttr }, label); b.addEventListener('click', f); return b; };
    const controls = mayOperate() ? h('div', { class: 'panel actions', id: 'bot-controls' },
      button('Take over', 'bot-takeover', () => command('takeover')),
      say, button('Say', 'bot-say-send', () => { const t = say.value; say.value = ''; command('say', { text: t }); }),
      button('Hand back', 'bot-handback', () => command('handback')),
      button('End', 'bot-end', () => command('end'))) : h('p', { class: 'muted' }, 'Your role may watch but not take over.');
    show(h('h1', {}, `Conversation ${id}`), status, erasedNote(conv), controls, h('div', { class: 'panel' }, ul));
    async function poll() {
      try {
        const more = await api('GET', `/api/bot/conversations/${encodeURIComponent(id)}?after=${last}`);
        for (const l of more.lines) { ul.append(lineItem(l)); last = l.seq; }
        const now = (await api('GET', '/api/bot/conversations')).conversations.find((c) => c.id === id);
        if (now) status.textContent = `${now.state} · level ${now.level} · ${now.taken_over ? `held by ${now.operator}` : 'agent speaking'}`;
      } catch { /* a transient failure: try again at the next poll */ }
      later(hash, poll);
    }
    later(hash, poll);
  }

  const SERIES = [['conversations', '#1f5fbf'], ['identifications', '#a15c07'], ['notices', '#107a45'], ['repeat_offenders', '#b42318']];
  async function dashboardView() {
    let d;
    try { d = await api('GET', '/api/bot/dashboard'); } catch (e) { return show(failure(e)); }
    const intents = Object.entries(d.total).filter(([k]) => k.startsWith('intent:'));
    show(h('h1', {}, 'Agent dashboard'),
      h('div', { class: 'panel', id: 'bot-totals' }, ...SERIES.map(([k]) => h('p', {}, h('strong', {}, String(d.total[k] || 0)), ` ${k.replace('_', ' ')}`))),
      h('div', { class: 'panel' }, h('h2', {}, 'Per day (UTC)'), barChart(d.days, 'day', SERIES, 'bot-chart', 'agent activity per day')),
      h('div', { class: 'panel' }, h('h2', {}, 'Intents seen'), h('table', { id: 'bot-intents' }, h('tbody', {},
        ...intents.map(([k, v]) => h('tr', {}, h('td', {}, k.slice(7)), h('td', {}, String(v))))))));
  }

  const main = () => document.getElementById('main');
  return { listView, conversationView, dashboardView };
}
