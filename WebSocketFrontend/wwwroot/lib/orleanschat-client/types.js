// The frames of PROTOCOL.md as this client sees them. Servers may add fields and frame types (PROTOCOL.md 3):
// every frame type keeps an index signature, and frames of unknown types still reach the 'frame' event.
export {};
