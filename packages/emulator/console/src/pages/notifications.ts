import { admin } from '../api.js';
import { badge, h, section, shortTime, table } from '../dom.js';
import type { Page } from '../main.js';

const TONES = { delivered: 'ok', failed: 'bad', pending: 'info', 'no-endpoint': 'muted' } as const;

/** Registrations, Pub/Sub topics, and each notification with its push attempts. */
export const notificationsPage: Page = async () => {
  const [{ notifications }, { topics }, { registrations }] = await Promise.all([admin.notifications({ limit: 500 }), admin.topics(), admin.registrations()]);
  return h(
    'div',
    h('h1', 'Notifications'),
    h(
      'div',
      { class: 'grid2' },
      section(
        `Registrations (${registrations.length})`,
        table(
          ['id', 'feed', 'topic', 'expires'],
          registrations.map((r) => [
            h('code', r.registrationId),
            String((r.feed as { feedType?: string } | undefined)?.feedType ?? '—'),
            h('code', String((r.cloudPubsubTopic as { topicName?: string } | undefined)?.topicName ?? '—')),
            shortTime(r.expiryTime as string | undefined),
          ]),
          { empty: 'No registrations: a client registers with classroom.registrations.create.' },
        ),
      ),
      section(
        `Topics (${topics.length})`,
        table(['topic', 'push endpoint', 'publishable'], topics.map((t) => [h('code', t.topicName), t.pushEndpoint ?? '— (kept here only)', t.publishable ? badge('yes', 'ok') : badge('no', 'bad')]), {
          empty: 'No topics configured (PUT /emulator/v1/topics/{topicName} sets a push endpoint).',
        }),
      ),
    ),
    section(
      `Notifications (${notifications.length})`,
      table(
        ['published', 'registration', 'change', 'delivery', 'push attempts', 'endpoint'],
        [...notifications].reverse().map((n) => [
          shortTime(n.publishTime, true),
          h('code', n.registrationId),
          h('span', h('code', n.message.collection), ' ', badge(n.message.eventType, n.message.eventType === 'DELETED' ? 'warn' : 'info'), h('div', { class: 'sub' }, Object.entries(n.message.resourceId).map(([k, v]) => `${k} ${v}`).join(' · '))),
          badge(n.delivery.state, TONES[n.delivery.state]),
          n.delivery.attempts.length === 0
            ? '—'
            : h('ol', { class: 'attempts' }, n.delivery.attempts.map((a) => h('li', shortTime(a.at, true), ' ', a.status !== undefined ? badge(String(a.status), a.status < 300 ? 'ok' : 'bad') : badge(a.error ?? 'failed', 'bad')))),
          n.delivery.endpoint ?? '',
        ]),
        { empty: 'No notifications yet.' },
      ),
    ),
  );
};
