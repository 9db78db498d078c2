/** One HTTP answer of a load run. */
export interface Answer {
  status: number;
  body: string;
}

/** One request of a load run. */
export interface LoadRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Keeps `concurrency` requests in flight until `stop()` says so, calling `make(i)` for the i-th
 * request. Failed connections (a killed server) count as status 0. Used to put a store under load
 * while a test kills a process or its database connections.
 */
export function loadUntil(
  concurrency: number,
  make: (i: number) => LoadRequest,
  onAnswer: (i: number, answer: Answer) => void,
): { stop: () => Promise<void> } {
  let next = 0;
  let running = true;
  const worker = async () => {
    while (running) {
      const i = next++;
      const spec = make(i);
      let answer: Answer;
      try {
        const response = await fetch(spec.url, {
          method: spec.method ?? 'GET',
          headers: spec.headers ?? {},
          ...(spec.body !== undefined ? { body: spec.body } : {}),
          signal: AbortSignal.timeout(30_000),
        });
        answer = { status: response.status, body: await response.text() };
      } catch {
        answer = { status: 0, body: '' };
      }
      onAnswer(i, answer);
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}
