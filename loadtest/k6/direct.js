// direct: PAIRS pairs, each in its direct chat, both sides sending RATE messages per second; measures ack latency
// (an ack means the message is durably stored) and checks seq order on both sides.
//   k6 run -e BASE_URL=https://chat.example.com -e SIGNING_KEY=... -e PAIRS=1000 -e RATE=10 direct.js
import { WebSocket } from 'k6/websockets';
import { Trend, Counter } from 'k6/metrics';
import exec from 'k6/execution';
import { RUN_ID, num, post, socketUrl, SeqChecker, sendErrors, correctnessThresholds } from './lib.js';

const PAIRS = num('PAIRS', 100);
const RATE = num('RATE', 10);
const DURATION_SECONDS = num('DURATION_SECONDS', 60);
const SETTLE_SECONDS = num('SETTLE_SECONDS', 5);
const ACK_P99_MS = num('ACK_P99_MS', 20);

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
  const chatId = data.chats[pair];
  const checker = new SeqChecker();
  const sentAt = {};
  const ws = new WebSocket(socketUrl(user(pair, side)));

  ws.addEventListener('message', (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'message' && frame.chatId === chatId) {
      checker.observe(chatId, frame.seq);
      endToEnd.add(Date.now() - Number(frame.content.split('|')[0]));
    } else if (frame.type === 'ack') {
      ackTime.add(Date.now() - sentAt[frame.ref]);
      delete sentAt[frame.ref];
      acked.add(1);
    } else if (frame.type === 'error') {
      sendErrors.add(1);
    }
  });

  ws.addEventListener('open', () => {
    setTimeout(() => {
      let n = 0;
      const sender = setInterval(() => {
        const ref = `s${n}`;
        sentAt[ref] = Date.now();
        ws.send(JSON.stringify({ type: 'send', ref, chatId, clientMsgId: `${RUN_ID}-${pair}${side}-${n}`, content: `${sentAt[ref]}|k6` }));
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
