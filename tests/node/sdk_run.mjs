// The official Sinch Node SDK (@sinch/sdk-core + @sinch/voice 1.4.0) as an outside client of
// the emulator: every voice method of the SDK, answers checked; the emulator's callbacks
// served through the SDK's validateAuthenticationHeader + parseEvent, with replies built by
// the SDK's own SVAML builders; calls driven through the control API. Prints the counts as
// one JSON line and exits 1 if anything was refused, unverified or disobeyed.
//   SDK_DIR=<npm prefix> EMULATOR_URL=http://127.0.0.1:PORT KEY=... SECRET=... node sdk_run.mjs
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';

const require = createRequire(path.join(process.env.SDK_DIR, 'package.json'));
const { SinchClient, Voice, VoiceCallbackWebhooks } = require('@sinch/sdk-core');
const {
  IceSvamletBuilder, AceSvamletBuilder, PieSvamletBuilder,
  iceActionHelper, iceInstructionHelper, aceActionHelper, aceInstructionHelper,
  pieActionHelper, pieInstructionHelper, customCalloutHelper, svamlActionHelper,
  svamlInstructionHelper,
} = Voice;

const URL_ = process.env.EMULATOR_URL;
const CONTROL = `${URL_}/_emulator/v1`;
const KEY = process.env.KEY;
const SECRET = process.env.SECRET;
const OUR_NUMBER = '+46812345678';
const OTHER_NUMBER = '+14045001000';
const CALLER = '+46701234567';

const counts = {
  methods: 0, accepted: 0, answersChecked: 0,
  callbacks: 0, verified: 0, sdkReplies: 0, repliesObeyed: 0, failures: [],
};
const fail = (what) => { counts.failures.push(what); };
const check = (ok, what) => { if (ok) counts.answersChecked++; else fail(what); };

// ---------------------------------------------------------------- the callback server
const webhooks = new VoiceCallbackWebhooks({ applicationKey: KEY, applicationSecret: SECRET });
const menu = {
  barge: true, locale: 'en-US', mainMenu: 'main', enableVoice: false,
  menus: [{ id: 'main', mainPrompt: '#tts[Press 1 for sales, 2 to hang up.]', timeoutMills: 5000,
    options: [{ dtmf: '1', action: 'return(sales)' }, { dtmf: '2', action: 'return(bye)' }] }],
};
const sent = new Map(); // callid -> replies we built, to check they were obeyed

function replyTo(event) {
  switch (event.event) {
    case 'ice':
      return new IceSvamletBuilder()
        .addInstruction(iceInstructionHelper.setCookie('flow', 'node-sdk'))
        .addInstruction(iceInstructionHelper.say('Welcome from the Node SDK.', 'en-US'))
        .setAction(iceActionHelper.runMenu(menu))
        .build();
    case 'ace':
      return new AceSvamletBuilder()
        .addInstruction(aceInstructionHelper.say('Hello from the Node SDK.', 'en-US'))
        .setAction(aceActionHelper.continue())
        .build();
    case 'pie':
      if (event.menuResult?.value === 'sales') {
        return new PieSvamletBuilder()
          .addInstruction(pieInstructionHelper.say('Connecting you to sales.', 'en-US'))
          .setAction(pieActionHelper.connectConf({ conferenceId: 'sales' }))
          .build();
      }
      return new PieSvamletBuilder()
        .addInstruction(pieInstructionHelper.say('Goodbye.', 'en-US'))
        .setAction(pieActionHelper.hangup())
        .build();
    default:
      return null;
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    counts.callbacks++;
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
    if (!webhooks.validateAuthenticationHeader(headers, body, req.url, req.method)) {
      fail(`unverified callback ${body.slice(0, 80)}`);
      res.writeHead(401); res.end(); return;
    }
    counts.verified++;
    let event;
    try { event = webhooks.parseEvent(JSON.parse(body)); } catch (e) {
      fail(`parseEvent: ${e}`); res.writeHead(400); res.end(); return;
    }
    if (event.event === 'notify' && event.type === 'callingerror') fail(`callingerror: ${event.errorMsg}`);
    const reply = replyTo(event);
    if (!reply) { res.writeHead(200); res.end(); return; }
    counts.sdkReplies++;
    const list = sent.get(event.callid) ?? [];
    list.push({ event: event.event, reply });
    sent.set(event.callid, list);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply));
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const CALLBACK_URL = `http://127.0.0.1:${server.address().port}/sinch/voice`;

// ---------------------------------------------------------------- helpers
async function control(method, p, body) {
  const response = await fetch(`${CONTROL}${p}`, {
    method, headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${p}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(id, ok, what) {
  for (let i = 0; i < 500; i++) {
    const call = await control('GET', `/calls/${id}`);
    if (ok(call)) return call;
    await sleep(10);
  }
  throw new Error(`call ${id}: ${what} did not happen`);
}

const sinch = new SinchClient({
  applicationKey: KEY, applicationSecret: SECRET, logger: null,
  voiceHostname: URL_, voiceApplicationManagementHostname: URL_,
});
const voice = sinch.voice;
async function call(name, fn) {
  counts.methods++;
  try {
    const answer = await fn();
    counts.accepted++;
    return answer;
  } catch (e) {
    fail(`${name}: ${e?.message ?? e}`);
    return undefined;
  }
}

// ---------------------------------------------------------------- every voice method
await call('applications.updateCallbackURLs', () => voice.applications.updateCallbackURLs({
  applicationkey: KEY, updateCallbacksRequestBody: { url: { primary: CALLBACK_URL } } }));
const callbacks = await call('applications.getCallbackURLs', () => voice.applications.getCallbackURLs({ applicationkey: KEY }));
check(callbacks?.url?.primary === CALLBACK_URL, 'getCallbackURLs primary');
const numbers = await call('applications.listNumbers', () => voice.applications.listNumbers());
check(numbers?.numbers?.length === 2 && numbers.numbers.every((n) => n.applicationkey === KEY), 'listNumbers');
await call('applications.unassignNumber', () => voice.applications.unassignNumber({
  unassignNumbersRequestBody: { number: OTHER_NUMBER, applicationkey: KEY } }));
await call('applications.assignNumbers', () => voice.applications.assignNumbers({
  assignNumbersRequestBody: { numbers: [OTHER_NUMBER], applicationkey: KEY, capability: 'voice' } }));
const query = await call('applications.queryNumber', () => voice.applications.queryNumber({ number: CALLER }));
check(query?.number?.countryId === 'SE' && query.number.normalizedNumber === CALLER, 'queryNumber');

const tts = await call('callouts.tts', () => voice.callouts.tts({ ttsCalloutRequestBody: {
  method: 'ttsCallout', ttsCallout: { cli: OUR_NUMBER, destination: { type: 'number', endpoint: CALLER },
    text: 'Your parcel has arrived.', locale: 'en-GB', enableAce: true, enableDice: true } } }));
check(typeof tts?.callId === 'string', 'tts callId');
const ttsCall = tts && await until(tts.callId, (c) => c.finished, 'tts finished');
check(ttsCall?.transcript.some((l) => l.includes('say (en-GB): Your parcel has arrived.')), 'tts spoken');
const info = tts && await call('calls.get', () => voice.calls.get({ callId: tts.callId }));
check(info?.status === 'FINAL' && info?.result === 'ANSWERED' && info?.to?.endpoint === CALLER, 'calls.get');

const first = await call('callouts.conference', () => voice.callouts.conference({ conferenceCalloutRequestBody: {
  method: 'conferenceCallout', conferenceCallout: { cli: OUR_NUMBER, destination: { type: 'number', endpoint: CALLER },
    conferenceId: 'room-1', greeting: 'Welcome to room one.', locale: 'en-US', enableAce: true, enableDice: true } } }));
const second = await call('conferences.call', () => voice.conferences.call({ conferenceCalloutRequestBody: {
  method: 'conferenceCallout', conferenceCallout: { cli: OUR_NUMBER, destination: { type: 'number', endpoint: '+46709999999' },
    conferenceId: 'room-1', enableDice: true } } }));
for (const c of [first, second]) if (c) await until(c.callId, (v) => v.conference === 'room-1', 'joined room-1');
const room = await call('conferences.get', () => voice.conferences.get({ conferenceId: 'room-1' }));
check(room?.participants?.length === 2, 'conferences.get');
await call('conferences.manageParticipant', () => voice.conferences.manageParticipant({
  conferenceId: 'room-1', callId: second?.callId, manageParticipantRequestBody: { command: 'mute' } }));
const muted = await voice.conferences.get({ conferenceId: 'room-1' }).catch(() => null);
check(muted?.participants?.find((p) => p.id === second?.callId)?.muted === true, 'muted');
await call('conferences.kickParticipant', () => voice.conferences.kickParticipant({ conferenceId: 'room-1', callId: second?.callId }));
if (second) await until(second.callId, (v) => v.finished, 'kicked');
await call('conferences.kickAll', () => voice.conferences.kickAll({ conferenceId: 'room-1' }));
if (first) {
  const v = await until(first.callId, (c) => c.finished, 'kicked all');
  check(v.transcript.some((l) => l.includes('Welcome to room one.')), 'conference greeting');
}

const ice = customCalloutHelper.formatIceResponse(
  iceActionHelper.park({ introPrompt: '#tts[Please hold.]', holdPrompt: '#tts[Still holding.]', maxDuration: 60 }),
  iceInstructionHelper.say('Custom callout from the Node SDK.', 'en-US'));
const custom = await call('callouts.custom', () => voice.callouts.custom({ customCalloutRequestBody: {
  method: 'customCallout', customCallout: { cli: OUR_NUMBER, destination: { type: 'number', endpoint: CALLER },
    custom: 'node-sdk', ice } } }));
if (custom) await until(custom.callId, (c) => c.phase === 'parked', 'parked');
await call('calls.manageWithCallLeg', () => voice.calls.manageWithCallLeg({ callId: custom?.callId, callLeg: 'caller',
  manageWithCallLegRequestBody: { instructions: [svamlInstructionHelper.buildSay('Just for you.', 'en-US')] } }));
await call('calls.update', () => voice.calls.update({ callId: custom?.callId, updateCallRequestBody: {
  instructions: [svamlInstructionHelper.buildSay('Bye now.', 'en-US')], action: svamlActionHelper.buildHangup() } }));
if (custom) {
  const v = await until(custom.callId, (c) => c.finished, 'custom ended');
  check(v.reason === 'MANAGERHANGUP' && v.transcript.some((l) => l.includes('Just for you.')), 'update and leg obeyed');
}

// ---------------------------------------------------------------- inbound calls, by the control API
for (const key of ['1', '2']) {
  const started = await control('POST', '/calls', { from: CALLER, to: OUR_NUMBER });
  const id = started.callId;
  await until(id, (c) => c.phase === 'inMenu', 'menu');
  await control('POST', `/calls/${id}/keys`, { keys: key });
  if (key === '1') {
    await until(id, (c) => c.conference === 'sales', 'joined sales');
    await control('POST', `/calls/${id}/hangup`, { party: 'caller' });
  }
  const v = await until(id, (c) => c.finished, 'inbound finished');
  check(v.cookies.flow === 'node-sdk', 'cookie carried');
  check(v.callbacks.map((c) => c.event).join(',') === 'ice,pie,dice', `inbound ${key} events ${v.callbacks.map((c) => c.event)}`);
}

// ---------------------------------------------------------------- every SDK-built reply obeyed
const canonical = (v) => JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.entries(x).filter(([, y]) => y !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)))
  : x));
const all = (await control('GET', '/calls')).calls;
for (const [callid, replies] of sent) {
  const v = all.find((c) => c.callId === callid);
  for (const { event, reply } of replies) {
    const record = v?.callbacks.find((c) => c.event === event && canonical(c.reply) === canonical(reply));
    const said = (reply.instructions ?? []).filter((i) => i.name === 'say').every((i) => v?.transcript.some((l) => l.includes(i.text)));
    const failed = v?.result === 'FAILED' || v?.reason === 'INVALIDSVAMLACTION';
    if (record && record.status === 200 && said && !failed) counts.repliesObeyed++;
    else fail(`reply to ${event} of ${callid} not obeyed`);
  }
}
const log = (await control('GET', '/requests')).requests;
counts.restRequests = log.length;
counts.restRefused = log.filter((r) => r.status >= 400).length;
if (counts.restRefused) fail(`${counts.restRefused} REST requests refused`);

server.close();
console.log(JSON.stringify(counts));
process.exit(counts.failures.length ? 1 : 0);
