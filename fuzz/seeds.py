"""Writes the seed files of fuzz/corpus/<target>/ (seed-*: the fixtures; hand-*: handcrafted).

Run from anywhere: python3 fuzz/seeds.py. Existing files of the same name are overwritten;
files found by fuzzing are left alone.
"""
import json, glob, os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C = root + '/fuzz/corpus/'
def put(target, name, data):
    d = C + target
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str): data = data.encode()
    open(f'{d}/{name}', 'wb').write(data)

peers = json.load(open(root + '/xtask/data/peers-fixtures.json'))
callbacks = {os.path.basename(p)[:-5]: open(p, 'rb').read() for p in sorted(glob.glob(root + '/ext/tests/data/callbacks/*.json'))}
svaml = {os.path.basename(p)[:-5]: open(p, 'rb').read() for p in sorted(glob.glob(root + '/ext/tests/data/svaml/*.json'))}

# ---- callback_parse
for n, b in callbacks.items(): put('callback_parse', f'seed-{n}.json', b)
put('callback_parse', 'seed-peers-ice.json', peers['ice_body'])
put('callback_parse', 'seed-peers-v2-incoming.json', peers['v2_incoming_body'])
bad = {
 'not-object-array': '[{"event":"ice"}]',
 'not-object-string': '"ice"',
 'empty': '',
 'whitespace': ' \n\t ',
 'invalid-utf8': b'{"event":"ice","callid":"\xff\xfe"}',
 'duplicate-event': '{"event":"ice","event":"ace"}',
 'duplicate-callid-spellings': '{"event":"ace","callid":"a","callId":"b"}',
 'duplicate-extra': '{"event":"ace","zz":1,"zz":2}',
 'deep-array-10000': '{"event":"ace","deep":' + '[' * 10000 + ']' * 10000 + '}',
 'deep-unknown-10000': '{"event":"somethingnew","deep":' + '[' * 10000 + ']' * 10000 + '}',
 'overflow-duration': '{"event":"dice","callid":"c","duration":18446744073709551616}',
 'overflow-version': '{"event":"ice","callid":"c","version":-9223372036854775809}',
 'float-amount': '{"event":"dice","callid":"c","debit":{"currencyId":"EUR","amount":0.30000000000000004},"userRate":{"amount":1e308}}',
 'unknown-event': '{"event":"somethingnew","callid":"c1","whatever":{"a":[1,2,3]}}',
 'unknown-event-no-callid': ' {"event":"x"} ',
 'empty-callid': '{"event":"ice","callid":""}',
 'ace-only-event': '{"event":"ace"}',
 'notify-only-type': '{"event":"notify","type":"recording_finished"}',
 'notify-conference': '{"event":"notify","type":"recording_available","conferenceId":"room-1","destination":"s3://x/y.mp3","version":1}',
 'timestamp-year-edge': '{"event":"ace","callid":"c","timestamp":"0000-01-01T00:00:00+01:00"}',
 'timestamp-nanos-naive': '{"event":"ace","callid":"c","timestamp":"2024-01-19T09:19:28.9372196"}',
 'escaped-strings': '{"event":"ice","callid":"\\u0063\\n","cli":"\\ud83d\\ude00","custom":"\\"q\\""}',
 'lone-surrogate': '{"event":"ice","callid":"\\ud800"}',
 'fields-of-other-events': '{"event":"ace","cli":"123","menuResult":{"type":"return"},"reason":"CALLEEHANGUP","to":{"type":"number","endpoint":"+46"}}',
 'null-fields': '{"event":"pie","callid":null,"menuResult":null,"cookies":null,"timestamp":null}',
 'open-enums': '{"event":"pie","callid":"c","menuResult":{"type":"brandnew","inputMethod":"telepathy"}}',
 'cookies': '{"event":"pie","callid":"c","cookies":[{"key":"step","value":"1"}]}',
 'trailing-garbage': '{"event":"ace","callid":"c"} x',
 'event-not-string': '{"event":5}',
 'huge-string': '{"event":"ace","callid":"' + 'x' * 20000 + '"}',
}
for n, b in bad.items(): put('callback_parse', f'hand-{n}.json', b)

# ---- callback_verify
def req(body, headers, method='POST', path='/sinch/callback'):
    if isinstance(body, str): body = body.encode()
    head = f'{method} {path}\n' + ''.join(f'{k}: {v}\n' for k, v in headers) + '\n'
    return head.encode() + body
ok_headers = [('content-type', 'application/json; charset=utf-8'), ('x-timestamp', '2024-01-01T00:01:00Z'), ('authorization', '@sign')]
for n in ['ice_pstn', 'ace_amd_machine', 'dice_answered', 'pie_dtmf_return', 'notify_recording_available']:
    put('callback_verify', f'seed-signed-{n}', req(callbacks[n], ok_headers))
put('callback_verify', 'seed-signed-peers-ice', req(peers['ice_body'], ok_headers, path=peers['callback_path']))
put('callback_verify', 'seed-signed-old-secret', req('{"event":"ace","callid":"c"}', ok_headers[:2] + [('Authorization', '@sign-old')]))
put('callback_verify', 'seed-signed-names-any-case', req('{"event":"ace"}', [('Content-Type', 'application/json'), ('X-TIMESTAMP', '2023-12-31T23:58:00.123Z'), ('AUTHORIZATION', '@sign')]))
put('callback_verify', 'seed-signed-no-content-type-empty-body', req('', [('x-timestamp', '2024-01-01T00:00:00Z'), ('authorization', '@sign')]))
put('callback_verify', 'seed-signed-query-path', req('{}', ok_headers, path='/hooks/sinch?x=1'))
# the example of the crate docs (2014): valid signature, stale for the timed verifier
put('callback_verify', 'seed-docs-example', req('{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}',
    [('content-type', 'application/json'), ('x-timestamp', '2014-09-24T10:59:41Z'), ('authorization', 'application 669E367E-6BBA-48AB-AF15-266871C28135:Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=')], path='/sinch/callback/ace'))
vb = '{"event":"ace","callid":"c"}'
bads = {
 'repeated-authorization': ok_headers + [('authorization', '@sign')],
 'repeated-timestamp': ok_headers + [('x-timestamp', '2024-01-01T00:00:00Z')],
 'repeated-content-type-mixed-case': ok_headers + [('Content-Type', 'text/plain')],
 'non-ascii-timestamp': [ok_headers[0], ('x-timestamp', '2024-01-01T00:00:00Z\u00e9'), ok_headers[2]],
 'blank-authorization': ok_headers[:2] + [('authorization', '   ')],
 'missing-timestamp': [ok_headers[0], ok_headers[2]],
 'basic-scheme': ok_headers[:2] + [('authorization', 'Basic Zm9vOmJhcg==')],
 'unknown-key': ok_headers[:2] + [('authorization', 'Application other-key:Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=')],
 'bad-base64': ok_headers[:2] + [('authorization', 'Application 669E367E-6BBA-48AB-AF15-266871C28135:!!!')],
 'two-colons': ok_headers[:2] + [('authorization', 'Application 669E367E-6BBA-48AB-AF15-266871C28135:a:b')],
 'stale': [ok_headers[0], ('x-timestamp', '2023-12-31T23:50:00Z'), ok_headers[2]],
 'future': [ok_headers[0], ('x-timestamp', '2024-01-01T00:10:00+00:00'), ok_headers[2]],
 'far-future': [ok_headers[0], ('x-timestamp', '9999-12-31T23:59:59Z'), ok_headers[2]],
 'timestamp-not-iso': [ok_headers[0], ('x-timestamp', 'yesterday'), ok_headers[2]],
 'header-without-colon': [('authorization', ''), ('x-timestamp', '2024-01-01T00:00:00Z')],
}
for n, h in bads.items(): put('callback_verify', f'hand-{n}', req(vb, h))
put('callback_verify', 'hand-obs-text-value', req(vb, ok_headers[:2]) [:-1] + b'authorization: Application \xe9:x\n\n' + vb.encode())
put('callback_verify', 'hand-control-char-value', req(vb, ok_headers[:2])[:-1] + b'authorization: Application k\x01:x\n\n' + vb.encode())
put('callback_verify', 'hand-crlf', req(vb, ok_headers).replace(b'\n', b'\r\n'))
put('callback_verify', 'hand-empty', b'')

# ---- svaml_parse
for n, b in svaml.items(): put('svaml_parse', f'seed-{n}.json', b)
sb = {
 'duplicate-action': '{"action":{"name":"hangup"},"action":{"name":"continue"}}',
 'action-array': '{"action":[{"name":"hangup"}]}',
 'names-any-case': '{"INSTRUCTIONS":[{"NAME":"Say","text":"hi","locale":"en-US"}],"Action":{"Name":"HANGUP"}}',
 'instructions-only': '{"instructions":[{"name":"playFiles","ids":["#tts[hello]"],"locale":"en-US"}]}',
 'empty-object': '{}',
 'not-object': '[]',
 'deep-10000': '{"action":' + '[' * 10000 + ']' * 10000 + '}',
 'deep-ignored-10000': '{"zz":' + '[' * 10000 + ']' * 10000 + ',"action":{"name":"hangup"}}',
 'unknown-action': '{"action":{"name":"teleport"}}',
 'numeric-dtmf': '{"action":{"name":"runMenu","locale":"en-US","menus":[{"id":"main","mainPrompt":"#tts[Press 1]","options":[{"dtmf":1,"action":"return(one)"}]}]}}',
 'callheaders-lowercase': '{"action":{"name":"connectPstn","number":"+46701234567","callheaders":[{"key":"k","value":"v"}]}}',
 'prompt-chain': '{"instructions":[{"name":"playFiles","ids":["#tts[a;b];welcome;#ssml[<speak>x &amp; y</speak>]"],"locale":"en-US"}],"action":{"name":"hangup"}}',
 'prompt-bracket': '{"instructions":[{"name":"playFiles","ids":["#ssml[<speak>]</speak>]"],"locale":"en-US"}],"action":{"name":"hangup"}}',
 'tts-too-long': '{"instructions":[{"name":"say","text":"' + 'a' * 601 + '","locale":"en-US"}],"action":{"name":"hangup"}}',
 'overflow-number': '{"action":{"name":"park","maxDuration":18446744073709551616}}',
 'set-cookie-big': '{"instructions":[{"name":"setCookie","key":"k","value":"' + 'v' * 2000 + '"}],"action":{"name":"hangup"}}',
 'unknown-fields': '{"action":{"name":"hangup","future":true},"version":2}',
 'invalid-utf8': b'{"action":{"name":"hang\xffup"}}',
 'continue': '{"action":{"name":"continue"}}',
 'park': '{"action":{"name":"park","introPrompt":"#tts[Please hold]","holdPrompt":"#href[https://x/y.mp3]","maxDuration":60,"locale":"en-US"}}',
 'conf': '{"action":{"name":"connectConf","conferenceId":"room-1","moh":"ring"}}',
 'send-dtmf': '{"instructions":[{"name":"sendDtmf","value":"1234#w"}],"action":{"name":"continue"}}',
 'leg-say': '{"instructions":[{"name":"say","text":"Hello","locale":"en-US"}]}',
}
for n, b in sb.items(): put('svaml_parse', f'hand-{n}.json', b)

# ---- prompt
ps = {
 'tts': '#tts[Hello there]',
 'chain': '#tts[a;b];welcome;#SSML[<speak>x &amp; y</speak>]',
 'href': '#href[https://example.com/a;b.mp3]',
 'file': 'welcome-file-id',
 'ssml-bracket': '#ssml[<speak>]</speak>]',
 'ssml-open-bracket-chain': '#ssml[<speak>[</speak>];#tts[next]',
 'unclosed': '#tts[open',
 'negative-depth': ']];a;[[;b]',
 'utf8-long': '#tts[' + '\u00e9' * 601 + ']',
 'utf8-600': '#tts[' + '\u00e9' * 600 + ']',
 'builder-parts': 'tHello; world [x]\x01sspeak &amp; ok\x01hhttps://x/y;z.mp3\x01fwelcome#1',
 'builder-empty': '\x01\x01',
 'invalid-utf8': b'#tts[\xff\xfe];x',
 'case': '#TtS[x]',
 'spaces': '  #tts[x]  ; welcome ',
}
for n, b in ps.items(): put('prompt', f'seed-{n}', b)
for n, b in svaml.items():
    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if isinstance(x, str) and ('prompt' in k.lower() or k == 'text'): yield x
                yield from walk(x)
        elif isinstance(v, list):
            for x in v:
                if isinstance(x, str): yield x
                yield from walk(x)
    for i, p in enumerate(sorted(set(walk(json.loads(b))))):
        if p.startswith('#') or ';' in p:
            put('prompt', f'seed-{n}-{i}', p)

# ---- emulator_rest_body
put('emulator_rest_body', 'seed-peers-callout.json', peers['callout_body'])
eb = {
 'conference-callout': '{"method":"conferenceCallout","conferenceCallout":{"cli":"+14045001000","destination":{"type":"number","endpoint":"+46701234567"},"conferenceId":"room-1","enableAce":true}}',
 'custom-callout': '{"method":"customCallout","customCallout":{"cli":"+14045001000","destination":{"type":"number","endpoint":"+46701234567"},"ice":"{\\"action\\":{\\"name\\":\\"hangup\\"}}","ace":"{\\"action\\":{\\"name\\":\\"continue\\"}}"}}',
 'tts-prompts': '{"method":"ttsCallout","ttsCallout":{"destination":{"type":"username","endpoint":"12345"},"prompts":"#tts[Hi];welcome","locale":"en-US"}}',
 'callout-no-method': '{"ttsCallout":{}}',
 'callout-unknown-method': '{"method":"smsCallout"}',
 'callout-method-not-string': '{"method":["ttsCallout"]}',
 'callout-inner-not-object': '{"method":"ttsCallout","ttsCallout":[1]}',
 'callout-bad-e164': '{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"46701234567"},"text":"x"}}',
 'callout-missing-text': '{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+46701234567"}}}',
 'manage-participant': '{"command":"mute"}',
 'manage-participant-bad': '{"command":"explode"}',
 'assign-numbers': '{"numbers":["+46701234567","4670"],"applicationkey":"key","capability":"voice"}',
 'unassign-number': '{"number":"+46701234567","applicationkey":"key"}',
 'set-callbacks': '{"url":{"primary":"https://example.com/a","fallback":"https://example.com/b"}}',
 'update-hangup': '{"instructions":[{"name":"say","text":"Bye","locale":"en-US"}],"action":{"name":"hangup"}}',
 'deep-10000': '{"numbers":' + '[' * 10000 + ']' * 10000 + '}',
 'overflow': '{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+46701234567"},"text":"x","maxDuration":18446744073709551616}}',
 'not-object': '[{"command":"mute"}]',
 'invalid-utf8': b'{"number":"\xff"}',
 'trailing': '{"command":"mute"}{}',
 'duplicate-keys': '{"command":"mute","command":"unmute"}',
}
for n, b in eb.items(): put('emulator_rest_body', f'seed-{n}.json', b)
for n in ['hangup_with_goodbye', 'ace_continue', 'ice_park']:
    put('emulator_rest_body', f'seed-svaml-{n}.json', svaml[n])
