// Preloaded (node --require) into children the platform spawns with an IPC channel: when the parent dies,
// even by SIGKILL, the channel closes and the child exits instead of lingering (e.g. `next start` holding
// the web port after a killed `npm start`).
if (typeof process.send === 'function') {
  process.on('disconnect', () => process.exit(0));
}
