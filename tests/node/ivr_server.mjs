// A small IVR in plain Node (no Sinch SDK): verifies each callback's signature itself
// (signing.md §2-3), answers ICE with a menu and PIE with a goodbye, and prints one JSON line
// per callback on stdout. Used by cli/tests/emulator_control.rs, driven by the sinch-voice CLI.
//   KEY=... SECRET=base64 node ivr_server.mjs   -> prints `ready <port>` first
import crypto from 'node:crypto';
import http from 'node:http';

const KEY = process.env.KEY;
const SECRET = Buffer.from(process.env.SECRET ?? '', 'base64');

function verify(req, body) {
  const auth = req.headers['authorization'] ?? '';
  const [scheme, credentials] = auth.split(' ', 2);
  if (!scheme || scheme.toLowerCase() !== 'application' || !credentials) return false;
  const [key, signature] = credentials.split(':');
  if (key !== KEY || !signature) return false;
  const timestamp = req.headers['x-timestamp'];
  if (!timestamp) return false;
  const md5 = body.length ? crypto.createHash('md5').update(body).digest('base64') : '';
  const path = new URL(req.url, 'http://x').pathname;
  const toSign = [req.method, md5, req.headers['content-type'] ?? '', `x-timestamp:${timestamp}`, path].join('\n');
  const expected = crypto.createHmac('sha256', SECRET).update(toSign, 'utf8').digest('base64');
  return expected.length === signature.length &&
    crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

function reply(event) {
  switch (event.event) {
    case 'ice':
      return {
        instructions: [{ name: 'say', text: 'Welcome to the Node IVR.', locale: 'en-US' }],
        action: {
          name: 'runMenu', locale: 'en-US',
          menus: [{ id: 'main', mainPrompt: '#tts[Press 1 for sales, 2 for support.]',
            options: [{ dtmf: '1', action: 'return(sales)' }, { dtmf: '2', action: 'return(support)' }] }],
        },
      };
    case 'pie':
      return {
        instructions: [{ name: 'say', text: `You chose ${event.menuResult?.value}. Goodbye.`, locale: 'en-US' }],
        action: { name: 'hangup' },
      };
    default:
      return null;
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const verified = verify(req, body);
    let event = {};
    try { event = JSON.parse(body.toString('utf8')); } catch { /* reported below */ }
    console.log(JSON.stringify({ event: event.event, callid: event.callid, verified,
      menuResult: event.menuResult, reason: event.reason }));
    if (!verified) { res.writeHead(401); res.end(); return; }
    const svaml = reply(event);
    if (!svaml) { res.writeHead(200); res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(svaml));
  });
});
server.listen(0, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
