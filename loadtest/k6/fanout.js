// fanout: CHATS group chats of MEMBERS members; each chat's first member sends RATE messages per second; every
// member checks seq order and measures send-to-receive latency (the content carries the send time).
//   k6 run -e BASE_URL=https://chat.example.com -e SIGNING_KEY=... -e CHATS=10 -e MEMBERS=100 -e RATE=20 fanout.js
import { WebSocket } from 'k6/websockets';
import { Trend, Counter } from 'k6/metrics';
import exec from 'k6/execution';
import { RUN_ID, num, post, socketUrl, SeqChecker, sendErrors, correctnessThresholds } from './lib.js';

const CHATS = num('CHATS', 10);
const MEMBERS = num('MEMBERS', 100);
const RATE = num('RATE', 20);
const DURATION_SECONDS = num('DURATION_SECONDS', 60);
const SETTLE_SECONDS = num('SETTLE_SECONDS', 10);

const endToEnd = new Trend('chat_send_to_receive', true);
const ackTime = new Trend('chat_send_to_ack', true);
const delivered = new Counter('chat_messages_delivered');

export const options = {
  setupTimeout: '300s',
  scenarios: {
    fanout: {
      executor: 'per-vu-iterations',
      vus: CHATS * MEMBERS,
      iterations: 1,
      maxDuration: `${DURATION_SECONDS + 2 * SETTLE_SECONDS + 60}s`,
    },
  },
  thresholds: {
    ...correctnessThresholds,
    chat_send_to_receive: ['p(99)<250'],
    chat_send_to_ack: ['p(99)<250'],
  },
};

const member = (chat, index) => `${RUN_ID}-f${chat}-m${index}`;

export function setup() {
  const chats = [];
  for (let c = 0; c < CHATS; c++) {
    const members = [];
    for (let m = 1; m < MEMBERS; m++) members.push(member(c, m));
    chats.push(post(member(c, 0), 'chats', { title: `k6 fanout ${c}`, members }).chatId);
  }
  return { chats };
}

export default function (data) {
  const vu = exec.vu.idInTest - 1;
  const chat = Math.floor(vu / MEMBERS);
  const index = vu % MEMBERS;
  const chatId = data.chats[chat];
  const checker = new SeqChecker();
  const sentAt = {};
  const ws = new WebSocket(socketUrl(member(chat, index)));

  ws.addEventListener('message', (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'message' && frame.chatId === chatId) {
      checker.observe(chatId, frame.seq);
      endToEnd.add(Date.now() - Number(frame.content.split('|')[0]));
      delivered.add(1);
    } else if (frame.type === 'ack') {
      ackTime.add(Date.now() - sentAt[frame.ref]);
      delete sentAt[frame.ref];
    } else if (frame.type === 'error') {
      sendErrors.add(1);
    }
  });

  ws.addEventListener('open', () => {
    // Everyone connects first; the sender starts once the others have had SETTLE_SECONDS to join.
    setTimeout(() => {
      if (index !== 0) return;
      let n = 0;
      const sender = setInterval(() => {
        const ref = `s${n}`;
        sentAt[ref] = Date.now();
        ws.send(JSON.stringify({ type: 'send', ref, chatId, clientMsgId: `${RUN_ID}-${chat}-${n}`, content: `${sentAt[ref]}|k6` }));
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
