// Who is signed in: the sign-in forms, the saved session (so a reload stays signed in), and renewing a
// development token when the server no longer takes the old one.

import { ChatApiError, requestDevToken, tokenClaims } from './chat-client.js';
import { $ } from './dom.js';
import { state, isUserId } from './state.js';

const SESSION_KEY = 'orleanschat.session';

/** `start` runs once a session is saved: the app is the caller's, not this module's. */
export function wireSignIn(start) {
  $('login-form').addEventListener('submit', event => signInWithName(event, start));
  $('token-form').addEventListener('submit', event => signInWithToken(event, start));
}

export function loadSession() {
  try {
    const saved = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
    return saved?.token && saved?.userId ? saved : null;
  } catch {
    return null;
  }
}

export function saveSession(value) {
  state.session = value;
  if (value) localStorage.setItem(SESSION_KEY, JSON.stringify(value));
  else localStorage.removeItem(SESSION_KEY);
}

/** Given to the client: a token signed in by name can be asked for again; a pasted one cannot. */
export async function refreshToken() {
  if (state.session?.mode !== 'dev') return null;
  try {
    const { accessToken } = await requestDevToken(location.origin, state.session.userId);
    saveSession({ ...state.session, token: accessToken });
    return accessToken;
  } catch {
    return null;
  }
}

export function showLogin(message = '') {
  $('shell').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  $('login-name').focus();
}

async function signInWithName(event, start) {
  event.preventDefault();
  const name = $('login-name').value.trim();
  if (!isUserId(name)) {
    $('login-error').textContent = 'Use 1 to 64 letters, digits or _ . - @';
    return;
  }
  $('login-submit').disabled = true;
  $('login-error').textContent = '';
  try {
    const { accessToken } = await requestDevToken(location.origin, name);
    saveSession({ token: accessToken, userId: name, mode: 'dev' });
    await start();
  } catch (error) {
    if (error instanceof ChatApiError && error.status === 404) {
      $('token-details').open = true;
      $('login-error').textContent = 'This server does not issue development tokens: paste an access token below.';
    } else {
      $('login-error').textContent = `Could not sign in: ${error.message}`;
    }
  } finally {
    $('login-submit').disabled = false;
  }
}

async function signInWithToken(event, start) {
  event.preventDefault();
  const token = $('login-token').value.trim();
  const userId = tokenClaims(token)?.sub;
  if (!userId) {
    $('login-error').textContent = 'That is not a token this client can read.';
    return;
  }
  saveSession({ token, userId, mode: 'token' });
  await start();
}
