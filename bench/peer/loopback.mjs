// Preloaded into the peer (node --import): its bin (`build/start-server.js`) listens on every
// interface at the port of its `--port=` flag and prints `localhost:<that port>`. This keeps it on
// 127.0.0.1 (the bench loads loopback only) and, with --port=0, reports the port it really got.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    const cb = typeof args.at(-1) === 'function' ? args.at(-1) : undefined;
    args = [{ port: Number(args[0]), host: '127.0.0.1' }, ...(cb ? [cb] : [])];
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  this.once('listening', () => {
    const a = this.address();
    if (a && typeof a === 'object') process.stderr.write(`peer listening on http://127.0.0.1:${a.port}\n`);
  });
  return listen.apply(this, args);
};
