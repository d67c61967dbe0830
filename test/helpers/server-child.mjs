// A broadcast server in its own process, for tests that kill it, measure its memory or load it hard without
// sharing the test's event loop. Imports the compiled server (dist/, built by `npm test`'s pretest) and takes its
// options as JSON in argv[2]. Talks to the parent over the IPC channel:
//   child → parent: {type:'listening', port}  and replies {type:'stats', id, rss, heapUsed, connections, peers}
//   parent → child: {type:'stats', id, gc?, log?, logEvents?, forgetLog?}  |  {type:'close'}
import { startServer } from '../../dist/server/server.js';
import { createLogger } from '../../dist/server/logger.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const logLines = [];
const logger = createLogger('json', (line) => {
  // Keep a bounded tail of the log for the parent; a flood test must not grow this process through its own log.
  logLines.push(line.trim());
  if (logLines.length > 2000) logLines.splice(0, 1000);
});
const server = await startServer({ host: '127.0.0.1', port: 0, ...options, logger });
process.send({ type: 'listening', port: server.port });
process.on('message', async (msg) => {
  if (msg.type === 'stats') {
    // The tail is this helper's, not the server's: a leak check asks for the heap without it.
    if (msg.forgetLog) logLines.length = 0;
    if (msg.gc && global.gc) global.gc();
    const mem = process.memoryUsage();
    const peers = server.peerStats();
    process.send({
      type: 'stats', id: msg.id, rss: mem.rss, heapUsed: mem.heapUsed, connections: server.connectionCount,
      joined: peers.filter((p) => p.joined).map((p) => p.name),
      queuedBytes: peers.reduce((n, p) => n + p.queue.queuedBytes, 0),
      log: msg.log ? logLines.slice(-(msg.log)) : undefined,
      logEvents: msg.logEvents ? countEvents(logLines) : undefined,
    });
  } else if (msg.type === 'close') {
    await server.close();
    process.exit(0);
  }
});

function countEvents(lines) {
  const out = {};
  for (const line of lines) {
    try {
      const { event, code } = JSON.parse(line);
      const key = code ? `${event}:${code}` : event;
      out[key] = (out[key] ?? 0) + 1;
    } catch {}
  }
  return out;
}
