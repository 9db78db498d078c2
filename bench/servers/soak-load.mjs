// The soak load generator, in a process of its own: autocannon cycling through BENCH_CONFIG.requests
// on every connection for `duration` seconds. Prints {"window":{...}} every `windowS` seconds (requests,
// p99 and errors of that window, so the case can sample the server's RSS at the same moment) and one
// {"result":{...}} at the end.
import autocannon from 'autocannon';

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}');
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

let window = { index: 0, latencies: [], non2xx: 0, errors: 0 };
const totals = { requests: 0, non2xx: 0, errors: 0, timeouts: 0, statuses: {} };

function percentile(xs, p) {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function flush() {
  say({
    window: {
      index: window.index,
      endS: (window.index + 1) * config.windowS,
      requests: window.latencies.length,
      p50: percentile(window.latencies, 50),
      p99: percentile(window.latencies, 99),
      non2xx: window.non2xx,
      errors: window.errors,
    },
  });
  window = { index: window.index + 1, latencies: [], non2xx: 0, errors: 0 };
}

const instance = autocannon({
  url: config.url,
  connections: config.connections ?? 50,
  pipelining: 1,
  timeout: 10,
  duration: config.duration,
  requests: config.requests,
});
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  totals.requests++;
  totals.statuses[statusCode] = (totals.statuses[statusCode] ?? 0) + 1;
  window.latencies.push(responseTime);
  if (statusCode < 200 || statusCode > 299) {
    totals.non2xx++;
    window.non2xx++;
  }
});
// autocannon reports a request that timed out as a reqError too, with this message.
instance.on('reqError', (error) => {
  if (error?.message === 'request timed out') totals.timeouts++;
  else totals.errors++;
  window.errors++;
});
const timer = setInterval(flush, config.windowS * 1000);
instance.on('done', () => {
  clearInterval(timer);
  if (window.latencies.length > 0) flush();
  say({ result: totals });
  process.exit(0);
});
