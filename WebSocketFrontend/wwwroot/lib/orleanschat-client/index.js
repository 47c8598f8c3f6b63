// @orleanschat/client: the JavaScript client of the OrleansChat protocol (PROTOCOL.md version 1).
export { ChatClient } from './client.js';
export { ChatApiError, ChatError } from './errors.js';
