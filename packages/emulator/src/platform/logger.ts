/** The slice of pino's logger the emulator uses, so services do not depend on Fastify. */
export interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
}

/** How the command line writes logs: one JSON object per line, or pino-pretty's readable lines. */
export type LogFormat = 'json' | 'pretty';

/** The values `--log-format` accepts. */
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/**
 * The format when none is asked for: readable on a terminal, JSON for anything that reads the output
 * (a pipe, a file, a log collector).
 */
export function defaultLogFormat(stdoutIsTerminal: boolean): LogFormat {
  return stdoutIsTerminal ? 'pretty' : 'json';
}

/**
 * Fastify's `logger` option for `classroom-emulator start`: false when silent; pino's JSON on stdout, or
 * the same records through pino-pretty. pino-pretty runs in this thread and writes synchronously, so a
 * log line never lands in the middle of the start banner; it is imported only when chosen, which keeps
 * it off the start-up path of JSON and silent runs.
 *
 * @example
 * ```ts
 * const logger = await commandLineLogger('info', defaultLogFormat(process.stdout.isTTY === true));
 * const emulator = await createEmulator({ logger });
 * ```
 */
export async function commandLineLogger(level: string, format: LogFormat): Promise<false | Record<string, unknown>> {
  if (level === 'silent') return false;
  if (format === 'json') return { level };
  const { build: pretty } = await import('pino-pretty');
  // pino-pretty colours only where colour is supported (a terminal, NO_COLOR unset).
  return { level, stream: pretty({ destination: 1, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true }) };
}
