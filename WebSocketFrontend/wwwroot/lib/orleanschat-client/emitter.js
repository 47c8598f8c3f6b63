// A small typed event emitter: the same code runs in browsers and Node without EventTarget's CustomEvent wrapping.
export class Emitter {
    #listeners = new Map();
    /** Calls `listener` for every `event` from now on; returns a function that stops it. */
    on(event, listener) {
        let set = this.#listeners.get(event);
        if (!set)
            this.#listeners.set(event, (set = new Set()));
        set.add(listener);
        return () => this.off(event, listener);
    }
    off(event, listener) {
        this.#listeners.get(event)?.delete(listener);
    }
    /** A listener that throws does not stop the others, nor the client: its error is reported asynchronously. */
    emit(event, value) {
        const set = this.#listeners.get(event);
        if (!set)
            return;
        for (const listener of [...set]) {
            try {
                listener(value);
            }
            catch (error) {
                queueMicrotask(() => { throw error; });
            }
        }
    }
}
