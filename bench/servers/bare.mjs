// The reference server: bare node:http, answering each captured path with the emulator's exact status,
// headers and body bytes (BENCH_CONFIG = { routes: Captured[] }). Prints {"ready":true,"url":...};
// closes when stdin ends.
import { createServer } from 'node:http';

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}');
const routes = new Map();
for (const route of config.routes ?? []) {
  routes.set(route.path, {
    status: route.status,
    headers: route.headers,
    body: Buffer.from(route.bodyBase64, 'base64'),
  });
}

const server = createServer((request, response) => {
  const route = routes.get(request.url);
  if (!route) {
    response.writeHead(404, { 'content-length': 0 });
    response.end();
    return;
  }
  // Drain any request body, then answer with the same bytes the emulator sent.
  request.resume();
  response.writeHead(route.status, route.headers);
  response.end(route.body);
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ ready: true, url: `http://127.0.0.1:${address.port}`, pid: process.pid })}\n`,
  );
});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  if (!chunk.includes('"stats"')) return;
  const usage = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ stats: { userCpuMs: usage.userCPUTime / 1000, systemCpuMs: usage.systemCPUTime / 1000 } })}\n`,
  );
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => process.exit(0));
