// connections: N idle authenticated WebSockets held with heartbeats.
//   k6 run -e BASE_URL=https://chat.example.com -e SIGNING_KEY=... -e CONNECTIONS=18000 -e HOLD_SECONDS=120 connections.js
import { WebSocket } from 'k6/websockets';
import { Trend, Counter } from 'k6/metrics';
import exec from 'k6/execution';
import { RUN_ID, num, socketUrl } from './lib.js';

const CONNECTIONS = num('CONNECTIONS', 1000);
const RAMP_SECONDS = num('RAMP_SECONDS', 10);
const HOLD_SECONDS = num('HOLD_SECONDS', 60);
const HEARTBEAT_SECONDS = num('HEARTBEAT_SECONDS', 25);

const connectTime = new Trend('chat_connect_to_welcome', true);
const connectFailures = new Counter('chat_connect_failures');
const heartbeatFailures = new Counter('chat_heartbeat_failures');
const pongTime = new Trend('chat_ping_to_pong', true);

export const options = {
  scenarios: {
    connections: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: `${RAMP_SECONDS}s`, target: CONNECTIONS },
        { duration: `${HOLD_SECONDS}s`, target: CONNECTIONS },
      ],
      gracefulRampDown: '10s',
    },
  },
  thresholds: {
    chat_connect_failures: ['count==0'],
    chat_heartbeat_failures: ['count==0'],
    chat_connect_to_welcome: ['p(99)<1000'],
    chat_ping_to_pong: ['p(99)<250'],
  },
};

export default function () {
  const userId = `${RUN_ID}-c${exec.vu.idInTest}`;
  const started = Date.now();
  let welcomed = false;
  let pingAt = 0;
  const ws = new WebSocket(socketUrl(userId));

  ws.addEventListener('message', (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'welcome') {
      welcomed = true;
      connectTime.add(Date.now() - started);
    } else if (frame.type === 'pong') {
      pongTime.add(Date.now() - pingAt);
      pingAt = 0;
    }
  });
  ws.addEventListener('error', () => connectFailures.add(1));
  ws.addEventListener('open', () => {
    const heartbeat = setInterval(() => {
      if (pingAt !== 0) heartbeatFailures.add(1);
      pingAt = Date.now();
      ws.send(JSON.stringify({ type: 'ping', ref: 'hb' }));
    }, HEARTBEAT_SECONDS * 1000);
    setTimeout(() => {
      clearInterval(heartbeat);
      if (!welcomed) connectFailures.add(1);
      ws.close();
    }, (RAMP_SECONDS + HOLD_SECONDS) * 1000);
  });
}
