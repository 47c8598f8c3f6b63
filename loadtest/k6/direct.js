// direct: PAIRS pairs, each in its direct chat, both sides sending RATE messages per second; measures ack latency
// (an ack means the message is durably stored) and checks seq order on both sides, change events included.
// MIX=text=80,edit=10,reaction=10 sends edits of the sender's acked texts and reactions to the peer's texts in those
// shares (default: texts only); metrics carry a `kind` tag.
//   k6 run -e BASE_URL=https://chat.example.com -e SIGNING_KEY=... -e PAIRS=1000 -e RATE=10 direct.js
//   k6 run -e BASE_URL=... -e SIGNING_KEY=... -e PAIRS=1000 -e RATE=10 -e MIX=text=80,edit=10,reaction=10 direct.js
import { WebSocket } from 'k6/websockets';
import { Trend, Counter } from 'k6/metrics';
import exec from 'k6/execution';
import {
  RUN_ID, num, post, socketUrl, SeqChecker, sendErrors, correctnessThresholds, readMessage, parseMix, MixChooser, ChangeTargets,
} from './lib.js';

const PAIRS = num('PAIRS', 100);
const RATE = num('RATE', 10);
const DURATION_SECONDS = num('DURATION_SECONDS', 60);
const SETTLE_SECONDS = num('SETTLE_SECONDS', 5);
const ACK_P99_MS = num('ACK_P99_MS', 20);
const MIX = parseMix(__ENV.MIX || '');
const EMOJIS = ['👍', '❤️', '😂', '🎉'];

const ackTime = new Trend('chat_send_to_ack', true);
const endToEnd = new Trend('chat_send_to_receive', true);
const acked = new Counter('chat_sends_acked');

export const options = {
  setupTimeout: '300s',
  scenarios: {
    direct: {
      executor: 'per-vu-iterations',
      vus: PAIRS * 2,
      iterations: 1,
      maxDuration: `${DURATION_SECONDS + 2 * SETTLE_SECONDS + 60}s`,
    },
  },
  thresholds: {
    ...correctnessThresholds,
    chat_send_to_ack: [`p(99)<${ACK_P99_MS}`],
  },
};

const user = (pair, side) => `${RUN_ID}-d${pair}-${side}`;

export function setup() {
  const chats = [];
  for (let p = 0; p < PAIRS; p++) chats.push(post(user(p, 'a'), 'chats/direct', { userId: user(p, 'b') }).chatId);
  return { chats };
}

export default function (data) {
  const vu = exec.vu.idInTest - 1;
  const pair = Math.floor(vu / 2);
  const side = vu % 2 === 0 ? 'a' : 'b';
  const userId = user(pair, side);
  const chatId = data.chats[pair];
  const checker = new SeqChecker();
  const chooser = new MixChooser(MIX);
  const targets = new ChangeTargets(userId);
  const sent = {};
  const ws = new WebSocket(socketUrl(userId));

  ws.addEventListener('message', (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'message' && frame.chatId === chatId) {
      const message = readMessage(frame);
      checker.observe(chatId, message.seq);
      targets.received(message);
      // Texts and edits carry their send time; reactions carry an emoji.
      const bar = message.content.indexOf('|');
      if (bar > 0) endToEnd.add(Date.now() - Number(message.content.slice(0, bar)), { kind: message.kind });
    } else if (frame.type === 'ack') {
      const send = sent[frame.ref];
      delete sent[frame.ref];
      ackTime.add(Date.now() - send.at, { kind: send.kind });
      acked.add(1, { kind: send.kind });
      if (send.kind === 'text') targets.ownTextAcked(frame.seq);
    } else if (frame.type === 'error') {
      sendErrors.add(1);
    }
  });

  ws.addEventListener('open', () => {
    setTimeout(() => {
      let n = 0;
      const sender = setInterval(() => {
        const ref = `s${n}`;
        const at = Date.now();
        const { kind, target } = targets.pick(chooser.next());
        const frame = { type: 'send', ref, chatId, clientMsgId: `${RUN_ID}-${pair}${side}-${n}` };
        if (kind === 'text') {
          frame.content = `${at}|k6`;
        } else {
          Object.assign(frame, { kind, target, content: kind === 'edit' ? `${at}|k6 edited` : EMOJIS[n % EMOJIS.length] });
        }
        sent[ref] = { at, kind };
        ws.send(JSON.stringify(frame));
        n++;
      }, 1000 / RATE);
      setTimeout(() => clearInterval(sender), DURATION_SECONDS * 1000);
    }, SETTLE_SECONDS * 1000);
    setTimeout(() => {
      checker.finish();
      ws.close();
    }, (DURATION_SECONDS + 2 * SETTLE_SECONDS) * 1000);
  });
}
