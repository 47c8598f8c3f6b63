// The OrleansChat browser UI, started here. The protocol is the SDK's (/lib/orleanschat-client), wrapped by
// chat-client.js; the page's parts are modules of their own (state, session, chat-list, conversation, message-list,
// composer, dialogs, server-events).

import { ChatClient } from './chat-client.js';
import { $, paintAvatar } from './dom.js';
import { state, chats, forgetAll, me } from './state.js';
import { loadSession, refreshToken, saveSession, showLogin, wireSignIn } from './session.js';
import { clearChatList, renderChatList, wireChatList } from './chat-list.js';
import { openChat, renderHeader, showView, wireConversation } from './conversation.js';
import { wireMessageActions } from './message-actions.js';
import { wireChatMenu } from './chat-menu.js';
import { wireComposer } from './composer.js';
import { wireDialogs } from './dialogs.js';
import { followServer, refreshChats } from './server-events.js';
import { clearSearch, wireSearch } from './search.js';
import { openChatAt } from './message-jump.js';
import { forgetUploads, wireUploads } from './uploads.js';
import { wireAttachmentView } from './attachment-view.js';
import { startAttachmentAuth } from './attachment-auth.js';
import { followReplies, forgetReplies } from './assistant-replies.js';
import { renderLiveReplies, wireLiveReplies } from './live-replies.js';

const CONNECTION_TEXT = {
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

async function startApp() {
  $('login').hidden = true;
  $('shell').hidden = false;
  $('me-name').textContent = me();
  paintAvatar($('me-avatar'), me());

  const client = new ChatClient({ baseUrl: location.origin, token: state.session.token, refreshToken });
  state.client = client;
  client.addEventListener('status', e => showConnection(e.detail.state));
  followServer(client);
  followReplies(client, renderLiveReplies);
  client.addEventListener('welcome', e => { state.assistantId = e.detail.assistantUserId ?? state.assistantId; });
  client.addEventListener('unauthorized', () => {
    signOut();
    $('login-error').textContent = 'Your session has ended. Sign in again.';
  });
  showConnection(navigator.onLine ? 'reconnecting' : 'offline');

  await refreshChats();
  client.start();
  const wanted = new URLSearchParams(location.hash.slice(1)).get('chat');
  if (wanted && chats.has(wanted)) openChat(wanted, { focus: false });
  else showView('list');
  renderChatList();
}

function signOut() {
  state.client?.stop();
  state.client = null;
  saveSession(null);
  forgetAll();
  forgetReplies();
  clearSearch();
  forgetUploads();
  clearChatList();
  history.replaceState(null, '', location.pathname);
  showLogin();
}

function showConnection(connection) {
  const status = $('connection-status');
  status.dataset.state = connection;
  status.dataset.transport = state.client?.transport ?? 'websocket';
  status.querySelector('.connection-text').textContent = CONNECTION_TEXT[connection] ?? connection;
  status.title = connection === 'offline' ? 'Offline: what you send goes out when you are back online.' : '';
}

wireSignIn(startApp);
$('sign-out').addEventListener('click', signOut);
wireChatList(openChat);
wireConversation();
wireComposer();
wireMessageActions();
wireChatMenu(chat => renderHeader(chat));
wireDialogs();
wireLiveReplies();
wireSearch(openChatAt);
wireUploads();
wireAttachmentView();
startAttachmentAuth();
$('notice-close').addEventListener('click', () => { $('notice').hidden = true; });

state.session = loadSession();
if (state.session) startApp();
else showLogin();
