/**
 * The operator page in the browser: one @xstate/store holds the live model of
 * every platform, session and background task, fed by the server-sent events of
 * /api/events; each card shows its actor's state highlighted on the machine's
 * diagram, its queue and approvals, and the buttons of the operator's actions.
 */
import { createStore } from '@xstate/store';

const csrf = document.querySelector('meta[name="operator-csrf"]')?.getAttribute('content') ?? '';

/** The machine id of each kind of card, as the diagrams name their states (`state:<id>.<path>`). */
const MACHINE = { platform: 'breaker', session: 'session', task: 'backgroundTask' };

const byKey = (entries, key) => Object.fromEntries(entries.map((e) => [e[key], e]));

/** The page's live model. */
export const store = createStore({
  context: { connected: false, gateway: '', platforms: {}, sessions: {}, tasks: {}, notice: '' },
  on: {
    connection: (context, event) => ({ ...context, connected: event.connected }),
    model: (context, event) => ({
      ...context,
      gateway: event.model.gateway,
      platforms: byKey(event.model.platforms, 'platform'),
      sessions: byKey(event.model.sessions, 'sessionKey'),
      tasks: byKey(event.model.tasks, 'taskId'),
    }),
    gateway: (context, event) => ({ ...context, gateway: event.state }),
    platform: (context, event) => ({
      ...context,
      platforms: {
        ...context.platforms,
        [event.entry.platform]: {
          ...event.entry,
          value: event.entry.value ?? context.platforms[event.entry.platform]?.value ?? null,
        },
      },
    }),
    session: (context, event) => ({
      ...context,
      sessions: { ...context.sessions, [event.entry.sessionKey]: event.entry },
    }),
    task: (context, event) => ({
      ...context,
      tasks: { ...context.tasks, [event.entry.taskId]: event.entry },
    }),
    /** An actor's new state from the runtime's inspection events. */
    actor: (context, event) => {
      const { machine, key, value } = event.state;
      if (machine === 'gateway')
        return { ...context, gateway: typeof value === 'string' ? value : JSON.stringify(value) };
      const field = machine === 'session' ? 'sessions' : machine === 'breaker' ? 'platforms' : 'tasks';
      const current = context[field][key];
      if (!current) {
        if (machine !== 'session') return context;
        const [platform] = key.split(':');
        const placeholder = {
          sessionKey: key,
          platform,
          chatId: '',
          active: true,
          queue: [],
          running: [],
          pendingApproval: null,
          lastError: null,
        };
        return {
          ...context,
          sessions: { ...context.sessions, [key]: { ...placeholder, value, path: leafPaths(value)[0] } },
        };
      }
      const next = { ...current, value };
      if (machine === 'session') next.path = leafPaths(value)[0];
      if (machine === 'backgroundTask') next.state = leafPaths(value)[0];
      return { ...context, [field]: { ...context[field], [key]: next } };
    },
    notice: (context, event) => ({ ...context, notice: event.text }),
  },
});

/** The dotted paths of the active leaf states of a state value. */
export function leafPaths(value) {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v).map((p) => `${k}.${p}`));
}

// ---- diagrams ----

const diagrams = new Map();

/** The SVG text of a machine's diagram, fetched once. */
function diagram(machine) {
  if (!diagrams.has(machine)) {
    diagrams.set(
      machine,
      fetch(`/diagrams/${machine}.svg`, { credentials: 'same-origin' }).then((r) => (r.ok ? r.text() : '')),
    );
  }
  return diagrams.get(machine);
}

/** Marks the nodes of the current states on a card's diagram and scrolls the first into view. */
function highlight(container, machine, value) {
  const wanted = new Set(leafPaths(value).map((p) => `state:${machine}.${p}`));
  let first;
  for (const node of container.querySelectorAll('g.node')) {
    const title = node.querySelector('title')?.textContent ?? '';
    const current = wanted.has(title);
    node.classList.toggle('current', current);
    if (current && !first) first = node;
  }
  const current = [...wanted].join(' ');
  if (container.dataset.current === current) return;
  container.dataset.current = current;
  if (!first) return;
  const box = container.getBoundingClientRect();
  const at = first.getBoundingClientRect();
  container.scrollLeft += at.left - box.left - (box.width - at.width) / 2;
  container.scrollTop += at.top - box.top - (box.height - at.height) / 2;
}

// ---- rendering ----

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function button(label, action, target) {
  return el('button', { type: 'button', 'data-action': action, 'data-target': target }, label);
}

/** One card per actor, kept between renders so its diagram loads once. */
const cards = new Map();

function card(kind, key, parent) {
  const id = `${kind}:${key}`;
  let entry = cards.get(id);
  if (!entry) {
    const body = el('div', { class: 'body' });
    const graph = el('div', { class: 'diagram' });
    const root = el('article', { class: `card ${kind}`, 'data-key': key }, el('h3', {}, key), body, graph);
    entry = { root, body, graph, value: undefined };
    cards.set(id, entry);
    parent.append(root);
    void diagram(MACHINE[kind]).then((svg) => {
      graph.innerHTML = svg;
      highlight(graph, MACHINE[kind], entry.value);
    });
  }
  return entry;
}

function renderList(kind, parent, entries, keyOf, fill) {
  const seen = new Set();
  for (const item of entries) {
    const key = keyOf(item);
    seen.add(`${kind}:${key}`);
    const c = card(kind, key, parent);
    c.value = item.value;
    c.root.dataset.state = leafPaths(item.value).join(' ');
    c.body.replaceChildren(...fill(item).filter((child) => child !== null && child !== undefined));
    if (c.graph.firstChild) highlight(c.graph, MACHINE[kind], item.value);
  }
  for (const [id, c] of cards) {
    if (id.startsWith(`${kind}:`) && !seen.has(id)) {
      c.root.remove();
      cards.delete(id);
    }
  }
}

function messageList(title, messages) {
  if (messages.length === 0) return null;
  return el(
    'div',
    { class: `messages ${title}` },
    `${title} (${messages.length}):`,
    el(
      'ol',
      { class: 'queue' },
      ...messages.map((m) => el('li', {}, `${m.userId}: ${m.text}${m.files ? ` (+${m.files} files)` : ''}`)),
    ),
  );
}

function render({ context }) {
  document.getElementById('gateway-state').textContent = `gateway: ${context.gateway || '…'}`;
  const connection = document.getElementById('connection');
  connection.textContent = context.connected ? 'live' : 'offline';
  connection.classList.toggle('off', !context.connected);
  document.getElementById('notice').textContent = context.notice;

  renderList(
    'platform',
    document.getElementById('platforms'),
    Object.values(context.platforms),
    (p) => p.platform,
    (p) => {
      const paused = p.status === 'paused' || p.status === 'paused-by-breaker' || p.status === 'needs-relink';
      return [
        el('span', { class: `badge status status-${p.status}` }, p.status),
        el(
          'div',
          { class: 'facts' },
          `failures: ${p.failures}${p.lastError ? ` · last error: ${p.lastError}` : ''}`,
        ),
        el(
          'div',
          { class: 'actions' },
          paused ? button('Resume', 'resume', p.platform) : button('Pause', 'pause', p.platform),
        ),
      ];
    },
  );

  renderList(
    'session',
    document.getElementById('sessions'),
    Object.values(context.sessions),
    (s) => s.sessionKey,
    (s) => {
      const running = s.path?.startsWith('running') || s.path?.startsWith('resuming');
      return [
        el('span', { class: 'badge state' }, s.path ?? ''),
        s.lastError ? el('div', { class: 'facts error' }, s.lastError) : null,
        messageList('answering', s.running ?? []),
        messageList('queued', s.queue ?? []),
        s.pendingApproval
          ? el(
              'div',
              { class: 'approval' },
              'Waiting for approval: ',
              el('code', {}, s.pendingApproval.command),
              ` (${s.pendingApproval.reason})`,
              el(
                'div',
                { class: 'actions' },
                button('Approve', 'approve', s.sessionKey),
                button('Deny', 'deny', s.sessionKey),
              ),
            )
          : null,
        running ? el('div', { class: 'actions' }, button('Stop run', 'stop', s.sessionKey)) : null,
      ];
    },
  );

  renderList(
    'task',
    document.getElementById('tasks'),
    Object.values(context.tasks),
    (t) => t.taskId,
    (t) => [
      el('span', { class: 'badge state' }, t.state),
      el('div', { class: 'facts' }, `${t.chat} · ${t.prompt}`),
      t.error ? el('div', { class: 'facts error' }, t.error) : null,
    ],
  );
}

store.subscribe(render);

// ---- actions ----

async function post(path) {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-operator-csrf': csrf },
  });
  const body = await response.json().catch(() => ({}));
  store.send({ type: 'notice', text: body.message ?? body.error?.message ?? `${response.status}` });
}

document.addEventListener('click', (event) => {
  const target = event.target.closest?.('button[data-action]');
  if (!target) return;
  const { action } = target.dataset;
  const key = encodeURIComponent(target.dataset.target);
  if (action === 'pause' || action === 'resume') void post(`/api/platforms/${key}/${action}`);
  else void post(`/api/sessions/${key}/${action}`);
});

document.getElementById('lookup').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = new FormData(event.target).get('key');
  const response = await fetch(`/api/sessions/${encodeURIComponent(key)}`, { credentials: 'same-origin' });
  document.getElementById('lookup-result').textContent = JSON.stringify(await response.json(), null, 2);
});

// ---- live feed ----

const events = new EventSource('/api/events');
events.addEventListener('open', () => store.send({ type: 'connection', connected: true }));
events.addEventListener('error', () => store.send({ type: 'connection', connected: false }));
events.addEventListener('model', (e) => store.send({ type: 'model', model: JSON.parse(e.data) }));
events.addEventListener('actor', (e) => store.send({ type: 'actor', state: JSON.parse(e.data) }));
events.addEventListener('gateway', (e) => store.send({ type: 'gateway', state: JSON.parse(e.data) }));
for (const kind of ['platform', 'session', 'task']) {
  events.addEventListener(kind, (e) => store.send({ type: kind, entry: JSON.parse(e.data) }));
}
render(store.getSnapshot());
