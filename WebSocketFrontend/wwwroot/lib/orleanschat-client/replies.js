// Assistant replies while they are made (PROTOCOL.md 9): each job's chunks of its latest attempt, placed by index
// whatever order they came in (a higher attempt starts the text again), until the stored reply, a `message` carrying
// the job id, ends it. Chunks are best effort: the stored reply is the truth, and the one the application keeps.
const MAX_LIVE = 256; // replies held at once; the oldest goes first (a job that failed never sends its reply)
const MAX_ENDED = 1024; // job ids whose reply is stored, remembered so that late chunks of theirs are dropped
export class Replies {
    #live = new Map();
    #ended = new Set();
    /** A chunk: the reply's text so far, or null when the chunk changes nothing (a repeat, or late). */
    chunk(frame) {
        const { chatId, jobId, index } = frame;
        const attempt = typeof frame.attempt === 'number' ? frame.attempt : 1;
        if (this.#ended.has(jobId) || !Number.isInteger(index) || index < 0)
            return null;
        let reply = this.#live.get(jobId);
        if (!reply) {
            reply = { chatId, jobId, attempt, chunks: new Map() };
            this.#live.set(jobId, reply);
            if (this.#live.size > MAX_LIVE)
                this.#live.delete(this.#live.keys().next().value);
        }
        if (attempt < reply.attempt || (attempt === reply.attempt && reply.chunks.has(index)))
            return null;
        if (attempt > reply.attempt) {
            reply.attempt = attempt;
            reply.chunks.clear();
        }
        reply.chunks.set(index, typeof frame.delta === 'string' ? frame.delta : '');
        const indexes = [...reply.chunks.keys()].sort((a, b) => a - b);
        return {
            chatId, jobId, attempt,
            text: indexes.map(i => reply.chunks.get(i)).join(''),
            chunks: indexes.length,
            highestIndex: indexes[indexes.length - 1],
        };
    }
    /** The job's reply is stored: its live text is dropped, and so are its chunks that come later. */
    stored(jobId) {
        this.#live.delete(jobId);
        this.#ended.add(jobId);
        if (this.#ended.size > MAX_ENDED)
            this.#ended.delete(this.#ended.values().next().value);
    }
}
