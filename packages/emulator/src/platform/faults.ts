import { CATALOG, isErrorCode, type ErrorCode } from 'classroom-errors';

/**
 * One scripted instruction, parsed. The grammar (after Google's storage-testbench retry-test API):
 *
 * - `return-<status>` — answer with the catalog error for that HTTP status (500 INTERNAL, 503
 *   UNAVAILABLE, 429 quota, 504 DEADLINE_EXCEEDED, 409 ABORTED, 400, 401, 403, 404, 499, 501);
 * - `return-<CatalogCode>` — answer with that catalog error (`return-UserCourseJoinRateLimitReached`);
 * - `delay-<ms>ms` — wait, then let the request proceed;
 * - `reset-connection` — drop the connection without an answer;
 * - `close-after-partial-body` — send the status line, headers and part of a body, then drop it.
 *
 * Every instruction but `delay` may end in `-after-<n>`: the first `n` matching calls pass untouched,
 * and the instruction fires on call `n + 1`.
 */
export type Instruction =
  | { kind: 'return'; code: ErrorCode; after: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset-connection'; after: number }
  | { kind: 'close-after-partial-body'; after: number };

/** The catalog code an injected HTTP status answers with. */
const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'ProjectRateLimitExceeded',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** HTTP statuses an instruction or a chaos rule may name. */
export const INJECTABLE_STATUSES: readonly number[] = Object.keys(STATUS_CODES).map(Number);

/** The catalog code for an injectable HTTP status, or undefined. */
export function codeForStatus(status: number): ErrorCode | undefined {
  return STATUS_CODES[status];
}

/**
 * Parses one instruction; a string is the reason it is not one.
 *
 * @example
 * ```ts
 * parseInstruction('return-503-after-2'); // { kind: 'return', code: 'UNAVAILABLE', after: 2 }
 * parseInstruction('return-418'); // 'cannot be injected' explanation
 * ```
 */
export function parseInstruction(text: string): Instruction | string {
  const delay = /^delay-(\d{1,6})ms$/.exec(text);
  if (delay) return { kind: 'delay', ms: Number(delay[1]) };
  const match = /^(return-([A-Za-z0-9_]+)|reset-connection|close-after-partial-body)(?:-after-(\d{1,6}))?$/.exec(text);
  if (!match) {
    return `"${text}" is not an instruction: use return-<status>, return-<Code>, delay-<ms>ms, reset-connection or close-after-partial-body, optionally followed by -after-<n>.`;
  }
  const after = match[3] === undefined ? 0 : Number(match[3]);
  if (match[1] === 'reset-connection') return { kind: 'reset-connection', after };
  if (match[1] === 'close-after-partial-body') return { kind: 'close-after-partial-body', after };
  const target = match[2] ?? '';
  if (/^\d+$/.test(target)) {
    const code = codeForStatus(Number(target));
    if (!code) return `"${text}" names HTTP status ${target}, which cannot be injected; use one of ${INJECTABLE_STATUSES.join(', ')}.`;
    return { kind: 'return', code, after };
  }
  if (!isErrorCode(target) || CATALOG[target].httpStatus === 0) return `"${text}" names ${target}, which is not an error code of the catalog.`;
  return { kind: 'return', code: target, after };
}

/** What the gate does to one request. */
export interface FaultAction {
  /** Wait this long first. */
  delayMs?: number;
  /** Then answer with this error, or break the connection; proceed when absent. */
  outcome?: { kind: 'return'; code: ErrorCode } | { kind: 'reset-connection' } | { kind: 'close-after-partial-body' };
  /** Which instruction or rule decided, for the request log. */
  source: string;
}

/** Who an instruction acted on. */
export interface Consumption {
  requestId: string;
  at: string;
}

/** One instruction of a fault set, with its accounting. */
export interface InstructionState {
  instruction: string;
  state: 'pending' | 'consumed';
  /** Requests let through by `-after-<n>` before it fired. */
  passed: Consumption[];
  consumedBy?: Consumption;
}

/** A scripted fault set, as GET /emulator/v1/faults shows it. */
export interface FaultSet {
  id: string;
  method: string;
  testId?: string;
  createTime: string;
  instructions: InstructionState[];
}

/** A probability rule for chaos testing. */
export interface ChaosRule {
  id: string;
  method: string;
  probability: number;
  status?: number;
  delayMs?: number;
  seed: number;
  /** Calls the rule was asked about, and how many it hit. */
  draws: number;
  hits: number;
  /** The latest hits (at most 100). */
  recent: (Consumption & { outcome: string })[];
}

/** mulberry32: deterministic for a seed, so a chaos run can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fault injection: scripted fault sets consumed one instruction per matching call, and seeded
 * probability rules. Requests that carry `x-emulator-test-id` consume only the sets created with that
 * test id; requests without it consume only sets created without one, so parallel tests do not steal
 * each other's faults. They act on authenticated Classroom calls only, and are kept in this process's
 * memory: with several processes sharing PostgreSQL, script each process you send requests to.
 *
 * @example
 * ```ts
 * const faults = new Faults();
 * faults.add({ method: 'classroom.courses.list', instructions: ['return-503', 'delay-100ms'] }, now);
 * faults.take('classroom.courses.list', undefined, 'r1', now); // { outcome: { kind: 'return', code: 'UNAVAILABLE' }, … }
 * ```
 */
export class Faults {
  private sets: FaultSet[] = [];
  private rules: (ChaosRule & { random: () => number })[] = [];
  private readonly parsed = new WeakMap<InstructionState, Instruction>();
  private counter = 0;

  /** Adds a fault set; the instructions must already have been checked with {@link parseInstruction}. */
  add(input: { method: string; instructions: readonly string[]; testId?: string }, now: number): FaultSet {
    const set: FaultSet = {
      id: `fault-${++this.counter}`,
      method: input.method,
      ...(input.testId !== undefined ? { testId: input.testId } : {}),
      createTime: new Date(now).toISOString(),
      instructions: input.instructions.map((instruction) => ({ instruction, state: 'pending' as const, passed: [] })),
    };
    set.instructions.forEach((state) => {
      const parsed = parseInstruction(state.instruction);
      if (typeof parsed === 'string') throw new TypeError(parsed);
      this.parsed.set(state, parsed);
    });
    this.sets.push(set);
    return set;
  }

  /** Adds a chaos rule. */
  addChaos(input: { method: string; probability: number; status?: number; delayMs?: number; seed?: number }): ChaosRule {
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 32);
    const rule = {
      id: `chaos-${++this.counter}`,
      method: input.method,
      probability: input.probability,
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.delayMs !== undefined ? { delayMs: input.delayMs } : {}),
      seed,
      draws: 0,
      hits: 0,
      recent: [],
      random: generator(seed),
    };
    this.rules.push(rule);
    return this.view(rule);
  }

  private view(rule: ChaosRule & { random?: unknown }): ChaosRule {
    const { random: _random, ...rest } = rule;
    return { ...rest, recent: [...rest.recent] };
  }

  /** Every set and rule, with their accounting. */
  list(): { faults: FaultSet[]; chaos: ChaosRule[] } {
    return { faults: structuredClone(this.sets), chaos: this.rules.map((r) => this.view(r)) };
  }

  /** Removes one set or rule; false when the id is unknown. */
  remove(id: string): boolean {
    const before = this.sets.length + this.rules.length;
    this.sets = this.sets.filter((s) => s.id !== id);
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.sets.length + this.rules.length < before;
  }

  clear(): void {
    this.sets = [];
    this.rules = [];
  }

  /**
   * Decides what happens to one call: the next pending instruction of the first matching set, else the
   * chaos rules in order; undefined to proceed untouched.
   */
  take(methodId: string, testId: string | undefined, requestId: string, now: number): FaultAction | undefined {
    const at = new Date(now).toISOString();
    for (const set of this.sets) {
      if (set.method !== methodId && set.method !== '*') continue;
      if (set.testId !== testId) continue;
      const index = set.instructions.findIndex((i) => i.state === 'pending');
      const state = set.instructions[index];
      if (!state) continue;
      const instruction = this.parsed.get(state);
      if (!instruction) continue;
      if (instruction.kind !== 'delay' && state.passed.length < instruction.after) {
        state.passed.push({ requestId, at });
        return undefined;
      }
      state.state = 'consumed';
      state.consumedBy = { requestId, at };
      const source = `${set.id}[${index}] ${state.instruction}`;
      if (instruction.kind === 'delay') return { delayMs: instruction.ms, source };
      if (instruction.kind === 'return') return { outcome: { kind: 'return', code: instruction.code }, source };
      return { outcome: { kind: instruction.kind }, source };
    }
    for (const rule of this.rules) {
      if (rule.method !== methodId && rule.method !== '*') continue;
      rule.draws += 1;
      if (rule.random() >= rule.probability) continue;
      rule.hits += 1;
      const status = rule.status ?? (rule.delayMs === undefined ? 503 : undefined);
      const code = status === undefined ? undefined : codeForStatus(status);
      rule.recent.push({ requestId, at, outcome: [rule.delayMs !== undefined ? `delay-${rule.delayMs}ms` : '', status !== undefined ? `return-${status}` : ''].filter(Boolean).join(' ') });
      if (rule.recent.length > 100) rule.recent.shift();
      return {
        ...(rule.delayMs !== undefined ? { delayMs: rule.delayMs } : {}),
        ...(code ? { outcome: { kind: 'return' as const, code } } : {}),
        source: rule.id,
      };
    }
    return undefined;
  }
}
