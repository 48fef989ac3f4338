// A stand-in for the Tauri shell, injected before the UI loads: answers the UI's commands from
// fixtures the test sets (window.__mock.handlers[cmd] = (args) => value | throws), records the
// calls, and lets the test emit shell and keeper events.
(() => {
  const callbacks = new Map();
  const listeners = new Map();
  let next = 1;
  const mock = {
    calls: [],
    // Without a project file unless a test gives one; the engine finds nothing wrong with the
    // provider form unless a test says what it finds (the UI keeps no rule of its own).
    handlers: { project_view: () => null, check_provider: () => [] },
    emit(event, payload) {
      for (const id of listeners.get(event) ?? []) callbacks.get(id)?.({ event, id, payload });
    },
  };
  window.__mock = mock;
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
    transformCallback(cb) {
      const id = next++;
      callbacks.set(id, cb);
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    async invoke(cmd, args) {
      if (cmd === 'plugin:event|listen') {
        const list = listeners.get(args.event) ?? [];
        list.push(args.handler);
        listeners.set(args.event, list);
        return args.handler;
      }
      if (cmd === 'plugin:event|unlisten') return null;
      mock.calls.push({ cmd, args });
      const handler = mock.handlers[cmd];
      if (!handler) throw { kind: 'internal', message: `no mock for ${cmd}`, server_error: null, server_description: null };
      return handler(args);
    },
  };
})();
