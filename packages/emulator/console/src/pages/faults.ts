import { act, admin } from '../api.js';
import { badge, h, link, section, shortTime, table } from '../dom.js';
import type { Page } from '../main.js';
import { navigate } from '../main.js';

const EXAMPLES = ['return-500', 'return-503-after-2', 'return-429', 'return-CourseMemberLimitReached', 'delay-2000ms', 'reset-connection', 'close-after-partial-body'];
const INJECTABLE = [500, 503, 429, 504, 409, 400, 401, 403, 404, 499, 501];

/** Arm and disarm scripted faults and chaos rules; see which request consumed each instruction. */
export const faultsPage: Page = async () => {
  const [{ faults, chaos }, coverage] = await Promise.all([admin.faults(), admin.coverage()]);
  const reload = () => navigate('/console/faults');
  const methods = h('datalist', { id: 'fault-methods' }, h('option', { value: '*' }), coverage.methods.filter((m) => m.implemented).map((m) => h('option', { value: m.id })));

  const method = h('input', { name: 'method', required: true, list: 'fault-methods', placeholder: 'classroom.courses.list or *', 'aria-label': 'Method id' });
  const instructions = h('input', { name: 'instructions', required: true, placeholder: 'return-503, return-500-after-1', 'aria-label': 'Instructions, comma-separated', list: 'fault-examples' });
  const testId = h('input', { name: 'testId', placeholder: 'test id (optional)', 'aria-label': 'Test id' });
  const armForm = h(
    'form',
    {
      class: 'stack',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const list = instructions.value.split(/[\s,]+/).filter(Boolean);
        void act(`Armed ${list.length} instruction${list.length === 1 ? '' : 's'} for ${method.value}`, () =>
          admin.addFaults({ method: method.value.trim(), instructions: list, ...(testId.value.trim() ? { testId: testId.value.trim() } : {}) }),
        ).then((set) => set && reload());
      },
    },
    h('label', 'Method ', method),
    h('label', 'Instructions ', instructions),
    h('label', 'Only for test id ', testId),
    h('p', { class: 'sub' }, 'Instructions fire in order, one per matching call: return-<status>, return-<Code>, delay-<ms>ms, reset-connection, close-after-partial-body; add -after-<n> to let n calls through first.'),
    h('button', { type: 'submit', class: 'primary' }, 'Arm fault'),
    h('datalist', { id: 'fault-examples' }, EXAMPLES.map((e) => h('option', { value: e }))),
  );

  const chaosMethod = h('input', { name: 'chaos-method', list: 'fault-methods', placeholder: '* (every method)', 'aria-label': 'Chaos method id' });
  const probability = h('input', { name: 'probability', type: 'number', min: 0, max: 1, step: 0.01, value: '0.1', required: true, 'aria-label': 'Probability' });
  const status = h('select', { name: 'status', 'aria-label': 'Status' }, h('option', { value: '' }, 'no error (delay only)'), INJECTABLE.map((s) => h('option', { value: s, selected: s === 503 }, String(s))));
  const delay = h('input', { name: 'delayMs', type: 'number', min: 0, step: 100, placeholder: 'delay ms', 'aria-label': 'Delay in ms' });
  const seed = h('input', { name: 'seed', type: 'number', min: 0, placeholder: 'seed', 'aria-label': 'Seed' });
  const chaosForm = h(
    'form',
    {
      class: 'stack',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void act('Chaos rule added', () =>
          admin.addChaos({
            method: chaosMethod.value.trim() || '*',
            probability: Number(probability.value),
            ...(status.value ? { status: Number(status.value) } : {}),
            ...(delay.value ? { delayMs: Number(delay.value) } : {}),
            ...(seed.value ? { seed: Number(seed.value) } : {}),
          }),
        ).then((rule) => rule && reload());
      },
    },
    h('label', 'Method ', chaosMethod),
    h('label', 'Probability ', probability),
    h('label', 'Status ', status),
    h('label', 'Delay ', delay),
    h('label', 'Seed ', seed),
    h('button', { type: 'submit', class: 'primary' }, 'Add chaos rule'),
  );

  const disarm = (id: string) => h('button', { class: 'small', onclick: () => void act(`Removed ${id}`, () => admin.deleteFaults(id)).then(reload) }, 'Disarm');
  const requestLink = (id: string | undefined) => (id ? link(`/console/requests/${id}`, id) : '—');

  return h(
    'div',
    h('div', { class: 'title-row' }, h('h1', 'Faults'), faults.length + chaos.length > 0 ? h('button', { class: 'small danger', onclick: () => void act('Every fault cleared', () => admin.deleteFaults()).then(reload) }, 'Clear all') : null),
    methods,
    h('div', { class: 'grid2' }, section('Script the next calls', armForm), section('Chaos rule', chaosForm)),
    section(
      `Fault sets (${faults.length})`,
      faults.length === 0
        ? h('p', { class: 'empty' }, 'No faults armed.')
        : faults.map((set) =>
            h(
              'div',
              { class: 'fault-set', 'data-fault': set.id },
              h('div', { class: 'title-row' }, h('h3', h('code', set.method), set.testId ? [' · test ', h('code', set.testId)] : null), h('span', { class: 'sub' }, `${set.id} · armed ${shortTime(set.createTime)}`), disarm(set.id)),
              table(
                ['instruction', 'state', 'let through', 'consumed by'],
                set.instructions.map((i) => [
                  h('code', i.instruction),
                  badge(i.state, i.state === 'consumed' ? 'muted' : 'warn'),
                  i.passed.length ? h('span', i.passed.map((p, n) => [n ? ', ' : '', requestLink(p.requestId)])) : '—',
                  requestLink(i.consumedBy?.requestId),
                ]),
              ),
            ),
          ),
    ),
    section(
      `Chaos rules (${chaos.length})`,
      table(
        ['rule', 'method', 'probability', 'outcome', 'hits / draws', 'latest hits', ''],
        chaos.map((rule) => [
          h('code', rule.id),
          h('code', rule.method),
          `${Math.round(rule.probability * 1000) / 10} %`,
          [rule.status ? `HTTP ${rule.status}` : null, rule.delayMs ? `${rule.delayMs} ms delay` : null].filter(Boolean).join(' + ') || '—',
          `${rule.hits} / ${rule.draws}`,
          h('span', rule.recent.slice(-5).map((hit, n) => [n ? ', ' : '', requestLink(hit.requestId)])),
          disarm(rule.id),
        ]),
        { empty: 'No chaos rules.' },
      ),
    ),
  );
};
