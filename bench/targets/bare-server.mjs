// Target 1: the ceiling for any Node endpoint on this machine — node:http answering a tiny JSON.
// Started by bench/run.mjs as a child process: PORT, HOST from the environment; prints READY <port>.
import { createServer } from 'node:http';

const body = Buffer.from('{"status":"ok"}');
const server = createServer((req, res) => {
  // Drain any request body so keep-alive connections stay usable for POSTs too.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Never outlive the bench, even if it was killed with SIGKILL: exit when the parent is gone.
const parent = Number(process.env.BENCH_PARENT_PID);
if (parent) setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
