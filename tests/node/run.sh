#!/usr/bin/env bash
# The official Sinch Node SDK against the emulator (issue 14, item 4). Needs node >= 20 and npm;
# reaches the npm registry (install, once per scratch folder) and then only 127.0.0.1.
#   tests/node/run.sh            (from the repository root or anywhere)
# Env: CARGO_TARGET_DIR (default target/), NODE_SDK_DIR (default $CARGO_TARGET_DIR/node-sdk),
#      SDK_VERSION (1.4.0).
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
SDK_DIR="${NODE_SDK_DIR:-$TARGET/node-sdk}"
SDK_VERSION="${SDK_VERSION:-1.4.0}"

if [ ! -d "$SDK_DIR/node_modules/@sinch/voice" ]; then
  echo "installing @sinch/sdk-core@$SDK_VERSION @sinch/voice@$SDK_VERSION into $SDK_DIR" >&2
  mkdir -p "$SDK_DIR"
  npm install --prefix "$SDK_DIR" --no-audit --no-fund --no-save \
    "@sinch/sdk-core@$SDK_VERSION" "@sinch/voice@$SDK_VERSION" >&2
fi

cargo build -q -p sinch-voice-cli
LOG="$(mktemp)"
"$TARGET/debug/sinch-voice" emulator >"$LOG" 2>&1 &
EMULATOR=$!
trap 'kill $EMULATOR 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 200); do grep -q '^SINCH_VOICE_EMULATOR_URL=' "$LOG" && break; sleep 0.05; done
value() { sed -n "s/^$1=//p" "$LOG"; }
URL="$(value SINCH_VOICE_EMULATOR_URL)"
[ -n "$URL" ] || { cat "$LOG" >&2; echo "the emulator did not start" >&2; exit 1; }

COUNTS="$(SDK_DIR="$SDK_DIR" EMULATOR_URL="$URL" KEY="$(value SINCH_APPLICATION_KEY)" \
  SECRET="$(value SINCH_APPLICATION_SECRET)" node tests/node/sdk_run.mjs || true)"
echo "$COUNTS"
# The counts this run must reach: every one of the 17 voice methods called and accepted, and
# every callback verified and every SDK-built reply obeyed.
node -e '
const c = JSON.parse(process.argv[1]);
const want = { methods: 17, accepted: 17 };
const bad = Object.entries(want).filter(([k, v]) => c[k] !== v).map(([k, v]) => `${k}: ${c[k]} (want ${v})`);
// 12 callbacks: tts ACE+DiCE, conference callouts ACE+DiCE and DiCE, custom callout DiCE,
// two inbound calls ICE+PIE+DiCE; 6 of them answered with SVAML built by the SDK.
if (c.callbacks !== 12 || c.verified !== 12) bad.push(`verified ${c.verified} of ${c.callbacks} callbacks (want 12)`);
if (c.sdkReplies !== 6 || c.repliesObeyed !== 6) bad.push(`obeyed ${c.repliesObeyed} of ${c.sdkReplies} replies (want 6)`);
if (c.failures.length) bad.push(...c.failures);
if (bad.length) { console.error("node SDK run failed:\n  " + bad.join("\n  ")); process.exit(1); }
console.error(`node SDK run: ${c.accepted}/${c.methods} methods accepted, ${c.verified}/${c.callbacks} callbacks verified, ${c.repliesObeyed}/${c.sdkReplies} SDK replies obeyed, ${c.restRequests} REST requests`);
' "$COUNTS"
