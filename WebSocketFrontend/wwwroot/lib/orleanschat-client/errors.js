/** An `error` frame's answer to a request of this client (PROTOCOL.md 3.4), or the client's own refusal. */
export class ChatError extends Error {
    /** `bad_request`, `too_large`, `unauthorized`, `forbidden`, `not_found`, `rate_limited`, `unavailable`, `internal`, or `closed` (the client was closed). */
    code;
    frame;
    constructor(code, message, frame) {
        super(message);
        this.name = 'ChatError';
        this.code = code;
        this.frame = frame;
    }
    static from(frame) {
        return new ChatError(frame.code, frame.message, frame);
    }
}
/** A REST answer other than 2xx: the problem details (PROTOCOL.md 4) are in `problem`. */
export class ChatApiError extends Error {
    status;
    code;
    problem;
    constructor(status, problem) {
        super(typeof problem?.detail === 'string' ? problem.detail : `HTTP ${status}`);
        this.name = 'ChatApiError';
        this.status = status;
        this.code = typeof problem?.code === 'string' ? problem.code : undefined;
        this.problem = problem;
    }
}
