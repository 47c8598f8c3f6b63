// REST under /api/v1 (PROTOCOL.md 4, 7, 9) with the client's token: the half of ChatClient that needs no connection.

import { Emitter } from './emitter.js';
import { restCall, restUpload } from './rest.js';
import type { ChatClientOptions, ChatEvents, Job, UploadedAttachment } from './types.js';

export class ChatApi extends Emitter<ChatEvents> {
  readonly #url: string;
  /** The access token for the next request or connection (the application's function, asked each time). */
  protected readonly token: () => Promise<string>;

  constructor(options: ChatClientOptions) {
    super();
    if (!options || typeof options.url !== 'string') throw new TypeError('ChatClient needs options.url');
    const token = options.token;
    this.#url = options.url;
    this.token = async () => (typeof token === 'function' ? await token() : token);
  }

  /**
   * A REST call under `/api/v1` (PROTOCOL.md 4) with this client's token, e.g. `request('POST', '/chats', {title, members})`.
   * Resolves with the JSON answer (undefined for 204); any other status rejects with a ChatApiError.
   */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return restCall<T>(this.#url, this.token, method, path, body);
  }

  /** An assistant job's status, attempts, text so far and stored reply (`GET /jobs/{jobId}`, PROTOCOL.md 9). */
  job(jobId: string): Promise<Job> {
    return this.request<Job>('GET', `/jobs/${encodeURIComponent(jobId)}`);
  }

  /**
   * Uploads a file (a Blob or File; PROTOCOL.md 7) and resolves with its attachment, whose `attachmentId` a `send` then
   * carries in `attachments`. Refusals reject with a ChatApiError: 413 `too_large`, 415 `bad_request` for a type not
   * allowed, 400 for an empty file.
   */
  upload(file: Blob, name?: string): Promise<UploadedAttachment> {
    const fileName = name ?? (file as Blob & { name?: string }).name ?? 'file';
    return restUpload<UploadedAttachment>(this.#url, this.token, file, fileName);
  }
}
