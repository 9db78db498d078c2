import { act, admin, refreshClock } from '../api.js';
import { badge, fill, h, meter, section, table } from '../dom.js';
import type { Page } from '../main.js';
import { navigate } from '../main.js';

const STEPS: [string, number][] = [
  ['+1 min', 60],
  ['+1 hour', 3600],
  ['+1 day', 86_400],
  ['+1 week', 604_800],
];

const LIMIT_LABELS: Record<string, string> = {
  courseMembers: 'members of one course',
  courseTeachers: 'teachers of one course',
  studentGuardians: 'guardians of one student',
  userDailyJoins: 'courses a user may join in a day',
  userGroupMemberships: 'group memberships of one user',
  courseTopics: 'topics of one course',
  projectQueriesPerMinute: 'queries per minute per project',
  userQueriesPerMinute: 'queries per minute per user',
  projectQueriesPerDay: 'queries per day per project',
  quotaWindowSeconds: 'quota window (seconds)',
  ownershipTransferSeconds: 'ownership transfer (seconds)',
  maxPageSize: 'largest page of a list',
};

/** Clock, limits, quota windows and the whole state: reset, seed, export. */
export const platformPage: Page = async () => {
  const [clock, limits, defaults, quota, windows] = await Promise.all([admin.clock(), admin.limits(), admin.defaultLimits(), admin.quota(), admin.quotaWindows()]);
  void refreshClock(clock);
  const reload = () => navigate('/console/platform');

  const now = h('output', { class: 'clock-now', 'data-now': clock.now }, clock.now);
  const advance = async (seconds: number) => {
    const next = await act(`Clock advanced ${seconds} s`, () => admin.advanceClock(seconds));
    if (next) {
      now.textContent = next.now;
      now.setAttribute('data-now', next.now);
      void refreshClock(next);
    }
  };
  const custom = h('input', { type: 'number', step: 1, placeholder: 'seconds', 'aria-label': 'Seconds to advance', name: 'seconds' });
  const clockCard = section(
    'Virtual clock',
    h('p', { class: 'big' }, now, ' ', clock.frozen ? badge('frozen', 'info') : badge('running', 'ok')),
    h('div', { class: 'buttons' }, STEPS.map(([label, seconds]) => h('button', { onclick: () => void advance(seconds) }, label))),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (custom.value) void advance(Number(custom.value));
        },
      },
      custom,
      h('button', { type: 'submit' }, 'Advance'),
      h('button', { type: 'button', onclick: () => void act(clock.frozen ? 'Clock running' : 'Clock frozen', () => admin.setClock({ frozen: !clock.frozen })).then(reload) }, clock.frozen ? 'Unfreeze' : 'Freeze'),
    ),
  );

  const inputs = new Map<string, HTMLInputElement>();
  const limitsForm = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        const patch: Record<string, number> = {};
        for (const [name, input] of inputs) if (Number(input.value) !== limits[name]) patch[name] = Number(input.value);
        if (Object.keys(patch).length === 0) return;
        void act(`Limits changed: ${Object.keys(patch).join(', ')}`, () => admin.setLimits(patch)).then(reload);
      },
    },
    table(
      ['limit', 'in force', 'production'],
      Object.entries(limits).map(([name, value]) => {
        const input = h('input', { type: 'number', min: 0, step: 1, value: String(value), name, 'aria-label': name });
        inputs.set(name, input);
        return [h('span', h('code', name), h('div', { class: 'sub' }, LIMIT_LABELS[name] ?? '')), input, value === defaults[name] ? h('span', { class: 'muted' }, String(defaults[name])) : badge(String(defaults[name]), 'warn', 'changed from production')];
      }),
      { className: 'limits' },
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Save limits'),
  );

  const quotaCard = section(
    'Quota windows',
    h(
      'p',
      { class: 'muted' },
      `Per-minute windows are ${quota.limits.quotaWindowSeconds ?? 60} s of virtual time; the daily one resets at midnight Pacific. Retry-After on quota errors: `,
      h('button', { class: 'small', onclick: () => void act(`Retry-After ${quota.retryAfter ? 'off' : 'on'}`, () => admin.setQuota({ retryAfter: !quota.retryAfter })).then(reload) }, quota.retryAfter ? 'on (turn off)' : 'off, as production (turn on)'),
    ),
    table(
      ['project', 'user', 'window', 'used'],
      windows.windows.map((w) => [h('code', w.project), w.user ?? 'every user', w.quotaLimit, meter(w.used, w.limit, w.quotaLimit)]),
      { empty: 'No quota used yet: windows appear once callers make Classroom calls.' },
    ),
  );

  const demo = h('input', { type: 'checkbox', checked: true, name: 'demo' });
  const fixture = h('textarea', { rows: 6, placeholder: 'A fixture, YAML or JSON (domains, users, courses…)', 'aria-label': 'Fixture', name: 'fixture', spellcheck: 'false' });
  const file = h('input', { type: 'file', accept: '.yaml,.yml,.json', 'aria-label': 'Fixture file' });
  file.addEventListener('change', () => void file.files?.[0]?.text().then((text) => (fixture.value = text)));
  const result = h('div');
  const stateCard = section(
    'State',
    h(
      'div',
      { class: 'buttons' },
      h('label', demo, ' with the demo school'),
      h(
        'button',
        {
          class: 'danger',
          onclick: () => {
            if (!confirm(`Reset the emulator${demo.checked ? ' and seed the demo school' : ' to an empty state'}?`)) return;
            void act('Emulator reset', () => admin.reset({ demo: demo.checked })).then(reload);
          },
        },
        'Reset',
      ),
      h('a', { class: 'button', href: '/emulator/v1/state', download: 'classroom-emulator-state.json' }, 'Export state (JSON)'),
    ),
    h(
      'form',
      {
        class: 'stack',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void act('Fixture loaded', () => admin.loadFixture(fixture.value)).then((summary) => {
            if (summary) fill(result, h('pre', JSON.stringify(summary, (k, v: unknown) => (k === 'courseIds' || k === 'userIds' ? undefined : v), 2)));
          });
        },
      },
      h('h3', 'Seed from a fixture'),
      fixture,
      h('div', { class: 'buttons' }, file, h('button', { type: 'submit', class: 'primary' }, 'Load fixture')),
      result,
    ),
  );

  return h('div', h('h1', 'Clock, limits & state'), h('div', { class: 'grid2' }, clockCard, stateCard), quotaCard, section('Limits', limitsForm));
};
