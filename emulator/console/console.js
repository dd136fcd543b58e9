// The emulator's web console. A client of the control API (/_emulator/v1) and the REST API,
// like any other: no framework, no build step. Every value from the network is shown with
// textContent (through `el`), never parsed as HTML.
'use strict';

const API = '/_emulator/v1';
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
/** Longest body shown in full; the rest is cut (the page stays quick on a 1 MB body). */
const SHOWN = 200 * 1024;

const state = {
  info: null,
  calls: [],
  conferences: [],
  selected: null,
  requests: [],
  open: new Set(),
  spoken: new Map(),
  rendered: '',
  listed: '',
  rooms: '',
};

// ------------------------------------------------------------------ helpers

/** An element with properties and children; strings become text nodes. */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

function shortId(id) {
  return id ? id.slice(-6) : '';
}

function pretty(value) {
  let text;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  } catch (e) {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  if (text.length > SHOWN) {
    return text.slice(0, SHOWN) + `\n… (${text.length - SHOWN} more characters not shown)`;
  }
  return text;
}

// Under a second in ms, then seconds with one decimal: "+16.5 s", not "+16470 ms".
function ms(value) {
  const n = Number(value) || 0;
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`;
}

function showError(error) {
  $('phone-error').textContent = error ? String(error.message || error) : '';
}

async function request(method, url, body, headers) {
  const options = { method, headers: Object.assign({}, headers) };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const message = json && typeof json === 'object' && json.message ? json.message : text.slice(0, 300);
    throw new Error(`${response.status}: ${message}`);
  }
  return json;
}

const control = (method, path, body) => request(method, API + path, body);

/** The REST API, as a client calls it (Basic auth with the application's key and secret). */
function rest(method, path, body) {
  const auth = 'Basic ' + btoa(`${state.info.applicationKey}:${state.info.applicationSecret}`);
  return request(method, path, body, { Authorization: auth });
}

function act(promise) {
  showError(null);
  promise.then(schedule, showError);
}

// ------------------------------------------------------------------ loading

let inFlight = false;
let again = false;

/** Fetches everything shown; at most one fetch at a time, the last change always shown. */
function schedule() {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  refresh()
    .catch((e) => setLive(false, `control API: ${e.message || e}`))
    .finally(() => {
      inFlight = false;
      if (again) {
        again = false;
        schedule();
      }
    });
}

async function refresh() {
  const [calls, conferences] = await Promise.all([control('GET', '/calls'), control('GET', '/conferences')]);
  state.calls = Array.isArray(calls && calls.calls) ? calls.calls : [];
  state.conferences = Array.isArray(conferences && conferences.conferences) ? conferences.conferences : [];
  if (state.selected) {
    const found = await control('GET', `/requests?callId=${encodeURIComponent(state.selected)}`);
    state.requests = Array.isArray(found && found.requests) ? found.requests : [];
  }
  render();
}

async function loadInfo() {
  state.info = await control('GET', '/info');
  renderConfig();
}

function setLive(on, text) {
  const live = $('live');
  live.className = on ? 'live on' : 'live off';
  live.textContent = text;
}

function listen() {
  const stream = new EventSource(API + '/events');
  const kinds = ['hello', 'call.started', 'call.phase', 'call.ended', 'call.finished', 'callback',
    'callback.verdict', 'call.callee', 'transcript', 'request', 'reset', 'lagged'];
  for (const kind of kinds) stream.addEventListener(kind, schedule);
  stream.onmessage = schedule;
  stream.onopen = () => setLive(true, 'live');
  stream.onerror = () => setLive(false, 'reconnecting…');
}

// ------------------------------------------------------------------ rendering

function selectedCall() {
  return state.calls.find((c) => c.callId === state.selected) || null;
}

function render() {
  renderCalls();
  renderPhone();
  renderConferences();
  const call = selectedCall();
  const key = JSON.stringify([call, state.requests]);
  if (key !== state.rendered) {
    state.rendered = key;
    renderDetail(call);
  }
  speakNew();
}

function renderCalls() {
  // Rows are rebuilt only when something in them changed, so a click never lands on a row
  // that is being replaced.
  const key = JSON.stringify([state.selected, state.calls.map((c) => [c.callId, c.phase, c.status, c.result, c.reason, c.duration])]);
  if (key === state.listed) return;
  state.listed = key;
  const body = $('call-list').querySelector('tbody');
  // Newest first: the call just placed is at the top.
  body.replaceChildren(...[...state.calls].reverse().map((call) => el('tr', {
    class: call.callId === state.selected ? 'selected' : null,
    'data-call-id': call.callId,
    onclick: () => select(call.callId),
  },
  el('td', {}, el('code', { text: shortId(call.callId), title: call.callId })),
  el('td', { text: call.direction + (call.parent ? ` of ${shortId(call.parent)}` : '') }),
  el('td', { text: `${call.from} → ${call.to}` }),
  el('td', {}, el('span', { class: `phase phase-${call.phase}`, text: call.phase })),
  el('td', { text: call.status === 'FINAL' ? `${call.result} (${call.reason})` : call.status }),
  el('td', { text: `${call.duration} s` }))));
  $('no-calls').hidden = state.calls.length > 0;
}

function select(callId) {
  state.selected = callId;
  state.requests = [];
  schedule();
}

function renderPhone() {
  const call = selectedCall();
  const ongoing = call && call.phase !== 'ended';
  const box = $('phone-call');
  if (!call) {
    box.replaceChildren('No call selected');
  } else {
    const listening = call.listening;
    box.replaceChildren(el('span', {},
      el('strong', { text: `${call.direction} ${shortId(call.callId)}` }), ' ',
      el('span', { class: `phase phase-${call.phase}`, text: call.phase }),
      listening ? el('div', {
        class: 'listening',
        text: `menu "${listening.menuId}" is listening for ${listening.maxDigits} key${listening.maxDigits > 1 ? 's' : ''}${listening.enableVoice ? ' or speech' : ''}`,
      }) : null,
      ongoing && call.conference ? el('div', { text: `in conference ${call.conference}` }) : null));
  }
  for (const button of $('keypad').querySelectorAll('button')) button.disabled = !ongoing;
  $('hangup').disabled = !ongoing;
  $('voice-form').hidden = !(call && call.listening && call.listening.enableVoice);
  $('answer-box').hidden = !(call && call.calleeRinging);
}

function renderDetail(call) {
  $('detail').hidden = !call;
  if (!call) return;
  $('detail-id').textContent = call.callId;
  const facts = [
    ['direction', call.direction], ['from', call.from], ['to', `${call.to} (${call.toType})`],
    ['domain', call.domain], ['state', call.phase], ['status', call.status],
    ['result', call.result], ['reason', call.reason], ['duration', `${call.duration} s`],
    ['custom', call.custom || '—'], ['conference', call.conference || '—'],
    ['parent', call.parent || '—'], ['legs', call.legs.length ? call.legs.join(', ') : '—'],
  ];
  $('detail-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  $('timeline').replaceChildren(...call.callbacks.map((cb, i) => timelineItem(call, cb, i)));
  $('transcript').replaceChildren(...call.transcript.map((line) => el('li', { text: line })));
  const cookies = Object.entries(call.cookies || {});
  $('cookies').replaceChildren(...(cookies.length
    ? cookies.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])
    : [el('dd', { class: 'muted', text: 'none' })]));
  $('rest-calls').replaceChildren(...(state.requests.length
    ? state.requests.map(restItem)
    : [el('li', { class: 'muted', text: 'none' })]));
}

/** What the platform made of an answer, in a word and a sentence. */
function outcome(cb) {
  if (cb.error) return { kind: 'error', word: 'no usable answer', text: cb.error };
  if (cb.replyText !== null && cb.replyText !== undefined) {
    return { kind: 'garbage', word: 'not JSON', text: 'the answer is not JSON: treated as an empty answer' };
  }
  if (cb.verdict && cb.verdict.accepted) return { kind: 'accepted', word: 'accepted', text: `valid as ${cb.verdict.context}` };
  if (cb.verdict) {
    return { kind: 'refused', word: 'refused', text: `invalid as ${cb.verdict.context}: ${cb.verdict.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}` };
  }
  if (cb.reply === null || cb.reply === undefined) return { kind: 'empty', word: 'empty', text: 'empty answer' };
  return { kind: 'unread', word: 'not read', text: 'the platform does not act on this answer' };
}

/** The gist of a callback, e.g. `return sales (dtmf)` for a PIE. */
function requestGist(cb) {
  const body = cb.request && typeof cb.request === 'object' ? cb.request : {};
  const menu = body.menuResult || {};
  switch (cb.event) {
    case 'ice': return body.cli ? `from ${body.cli}` : '';
    case 'pie': return [menu.type, menu.value, menu.inputMethod ? `(${menu.inputMethod})` : ''].filter(Boolean).join(' ');
    case 'ace': return body.amd && body.amd.status ? `amd ${body.amd.status}` : '';
    case 'dice': return [body.result, body.reason].filter(Boolean).join(' ');
    case 'notify': return body.type || '';
    default: return '';
  }
}

/** The gist of an SVAML answer: its action and what it names. */
function replyGist(reply) {
  const action = reply && typeof reply === 'object' && reply.action && typeof reply.action === 'object' ? reply.action : null;
  if (!action || typeof action.name !== 'string') return '';
  const target = action.conferenceId || (action.destination && action.destination.endpoint) || action.mainMenu || '';
  return `${action.name}${target ? ` ${target}` : ''}`;
}

function timelineItem(call, cb, index) {
  const key = `${call.callId}:${index}`;
  const result = outcome(cb);
  const event = String(cb.event || '?');
  const details = el('details', {
    class: 'callback-details',
    open: state.open.has(key),
    ontoggle: (e) => {
      if (e.target.open) state.open.add(key); else state.open.delete(key);
    },
  },
  el('summary', { text: 'request and answer' }),
  el('div', { class: 'bodies' },
    el('div', {},
      el('h4', { text: `${event.toUpperCase()} request → ${cb.url}` }),
      el('pre', { class: 'request-body', text: pretty(cb.request) })),
    el('div', {},
      el('h4', { text: `answer: HTTP ${cb.status || '—'} in ${ms(cb.tookMs)}` }),
      cb.replyText !== null && cb.replyText !== undefined
        ? el('pre', { class: 'reply-text', text: pretty(cb.replyText) })
        : el('pre', { class: 'reply-body', text: cb.reply === null || cb.reply === undefined ? '(empty)' : pretty(cb.reply) }),
      el('p', { class: `verdict verdict-${result.kind}`, text: result.text }),
      cb.verdict && !cb.verdict.accepted
        ? el('ul', { class: 'issues' }, cb.verdict.issues.map((issue) => el('li', { class: 'issue' },
          el('code', { class: 'issue-path', text: issue.path }), ' ', el('span', { class: 'issue-message', text: issue.message }))))
        : null)));
  return el('li', { class: `callback callback-${result.kind}`, 'data-event': event, 'data-index': index },
    el('div', { class: 'arrow out' },
      el('span', { class: 'at', text: `+${ms(cb.atMs)}` }),
      el('span', { class: 'line' }, el('span', { class: 'event-name', text: event.toUpperCase() }),
        el('span', { class: 'gist', text: requestGist(cb) }))),
    el('div', { class: 'arrow back' },
      el('span', { class: 'at', text: ms(cb.tookMs) }),
      el('span', { class: 'line' },
        el('span', { class: 'gist', text: replyGist(cb.reply) }),
        el('span', { class: `badge badge-${result.kind}`, text: result.word }),
        ' ', el('span', { class: 'status', text: cb.status ? `HTTP ${cb.status}` : 'no response' }))),
    details);
}

function restItem(record) {
  return el('li', {},
    el('details', {},
      el('summary', {},
        el('code', { text: `${record.method} ${record.decodedPath}` }), ' → ',
        el('span', { class: record.status < 300 ? 'ok' : 'bad', text: String(record.status) }),
        ` (${ms(record.tookMs)}, ${record.authScheme || 'no auth'})`),
      el('pre', { text: `request: ${pretty(record.body)}\nresponse: ${pretty(record.response)}` })));
}

function renderConferences() {
  const key = JSON.stringify(state.conferences);
  if (key === state.rooms) return;
  state.rooms = key;
  const list = $('conference-list');
  if (!state.conferences.length) {
    list.replaceChildren(el('p', { class: 'muted', text: 'No conference has participants.' }));
    return;
  }
  list.replaceChildren(...state.conferences.map((room) => el('div', { class: 'conference', 'data-conference-id': room.conferenceId },
    el('h3', { text: room.conferenceId }),
    el('ul', {}, room.participants.map((p) => {
      const path = `/calling/v1/conferences/id/${encodeURIComponent(room.conferenceId)}/${encodeURIComponent(p.callId)}`;
      const command = (c) => () => act(rest('PATCH', path, { command: c }));
      return el('li', { class: 'participant', 'data-call-id': p.callId },
        el('span', { text: `${p.cli} (${shortId(p.callId)}), ${p.duration} s` }),
        p.muted ? el('span', { class: 'badge badge-refused', text: 'muted' }) : null,
        p.onHold ? el('span', { class: 'badge badge-empty', text: 'on hold' }) : null,
        el('span', { class: 'buttons' },
          el('button', { type: 'button', class: 'small', 'data-action': 'mute', text: p.muted ? 'Unmute' : 'Mute', onclick: command(p.muted ? 'unmute' : 'mute') }),
          el('button', { type: 'button', class: 'small', 'data-action': 'hold', text: p.onHold ? 'Resume' : 'Hold', onclick: command(p.onHold ? 'resume' : 'onhold') }),
          el('button', { type: 'button', class: 'small danger', 'data-action': 'kick', text: 'Kick', onclick: () => act(rest('DELETE', path)) })));
    })))));
}

function copyButton(value) {
  return el('button', {
    type: 'button',
    class: 'small copy',
    text: 'Copy',
    onclick: (e) => {
      const done = () => { e.target.textContent = 'Copied'; };
      if (navigator.clipboard) navigator.clipboard.writeText(value).then(done, () => {});
    },
  });
}

function renderConfig() {
  const info = state.info;
  if (!info) return;
  const rows = [
    ['REST (calling + configuration)', info.callingUrl],
    ['control API', info.controlUrl],
    ['application key', info.applicationKey],
    ['application secret', info.applicationSecret],
    ['callback URL', info.callbackUrl || 'none'],
    ['fallback URL', info.fallbackUrl || 'none'],
  ];
  $('config-list').replaceChildren(
    ...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, el('code', { text: v }), ' ', copyButton(v))]),
    el('dt', { text: 'numbers' }),
    el('dd', {}, (info.numbers || []).map((n) => el('div', {}, el('code', { text: n }), ' ', copyButton(n)))));
  const to = $('dial-to');
  if (!to.options.length) {
    to.replaceChildren(...(info.numbers || []).map((n) => el('option', { value: n, text: n })));
  }
  if (document.activeElement !== $('callback-url')) $('callback-url').value = info.callbackUrl || '';
  if (document.activeElement !== $('next-callee')) $('next-callee').value = info.defaultCallee || 'human';
  $('callback-status').textContent = info.callbackUrl ? `callbacks go to ${info.callbackUrl}` : 'no callback URL set';
}

// ------------------------------------------------------------------ speech

function speakNew() {
  for (const call of state.calls) {
    const said = state.spoken.get(call.callId);
    const lines = call.transcript || [];
    state.spoken.set(call.callId, lines.length);
    if (said === undefined || !$('speak-prompts').checked || !window.speechSynthesis) continue;
    for (const line of lines.slice(said)) {
      const match = /^(say|play)(?: \(([^)]+)\))?: (.*)$/.exec(line);
      if (!match) continue;
      const text = match[3].replace(/#(tts|ssml)\[(.*)\]/g, '$2').replace(/<[^>]*>/g, ' ');
      if (!text.trim() || /^#href\[/.test(text)) continue;
      const utterance = new SpeechSynthesisUtterance(text);
      if (match[2]) utterance.lang = match[2];
      window.speechSynthesis.speak(utterance);
    }
  }
}

// ------------------------------------------------------------------ actions

function press(key) {
  const call = selectedCall();
  if (!call || call.phase === 'ended') return;
  act(control('POST', `/calls/${encodeURIComponent(call.callId)}/keys`, { keys: key }));
}

function setUp() {
  $('keypad').replaceChildren(...KEYS.map((key) => el('button', {
    type: 'button', class: 'key', 'data-key': key, text: key, onclick: () => press(key),
  })));
  document.addEventListener('keydown', (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
    if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && KEYS.includes(e.key)) {
      e.preventDefault();
      press(e.key);
    }
  });
  $('dial-form').addEventListener('submit', (e) => {
    e.preventDefault();
    showError(null);
    control('POST', '/calls', { from: $('dial-from').value, to: $('dial-to').value, domain: $('dial-domain').value })
      .then((call) => { if (call && call.callId) select(call.callId); }, showError);
  });
  $('voice-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const call = selectedCall();
    const text = $('voice-text').value;
    if (!call || !text.trim()) return;
    $('voice-text').value = '';
    act(control('POST', `/calls/${encodeURIComponent(call.callId)}/speech`, { text }));
  });
  $('hangup').addEventListener('click', () => {
    const call = selectedCall();
    if (!call) return;
    const party = call.direction === 'inbound' ? 'caller' : 'callee';
    act(control('POST', `/calls/${encodeURIComponent(call.callId)}/hangup`, { party }));
  });
  for (const [id, as] of [['answer-human', 'human'], ['answer-machine', 'machine'], ['answer-busy', 'busy']]) {
    $(id).addEventListener('click', () => {
      const call = selectedCall();
      if (call) act(control('POST', `/calls/${encodeURIComponent(call.callId)}/answer`, { as }));
    });
  }
  // In effect as soon as it is chosen: what the select shows is what callees do.
  $('callee-form').addEventListener('submit', (e) => e.preventDefault());
  $('next-callee').addEventListener('change', () => {
    const behaviour = $('next-callee').value;
    control('POST', '/callees', { behaviour, every: true }).then(
      () => {
        $('callee-status').textContent = `every callee now ${$('next-callee').selectedOptions[0].textContent}`;
        return loadInfo();
      },
      showError);
  });
  $('callback-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const url = $('callback-url').value.trim();
    control('PUT', '/callback-url', { url: url || null }).then(loadInfo, showError);
  });
  $('reset').addEventListener('click', () => {
    state.selected = null;
    act(control('POST', '/reset', {}));
  });
}

setUp();
loadInfo().catch(showError);
listen();
schedule();
// Durations tick while calls are on.
setInterval(() => {
  if (state.calls.some((c) => c.phase !== 'ended')) schedule();
}, 1000);
