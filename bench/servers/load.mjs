// The load generator, in a process of its own so that it never shares an event loop with a server:
// autocannon's programmatic API, BENCH_CONFIG = { url, headers, connections, duration (s), overallRate?,
// warmup? (s) }. Prints one {"result":{...}} line and exits.
import autocannon from 'autocannon';

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}');

const run = (options) =>
  new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });

const base = {
  url: config.url,
  headers: config.headers ?? {},
  connections: config.connections ?? 10,
  pipelining: 1,
  timeout: 10,
};
if (config.warmup) await run({ ...base, duration: config.warmup });
const result = await run({
  ...base,
  duration: config.duration ?? 5,
  ...(config.overallRate ? { overallRate: config.overallRate } : {}),
});
process.stdout.write(
  `${JSON.stringify({
    result: {
      rps: result.requests.average,
      totalRequests: result.requests.total,
      durationS: result.duration,
      latency: {
        mean: result.latency.mean,
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      bytesPerSec: result.throughput.average,
      connections: result.connections,
      overallRate: config.overallRate ?? null,
    },
  })}\n`,
);
process.exit(0);
