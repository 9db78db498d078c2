import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, invalid, person, type Person, startEmulator, STORES } from './helpers/harness.js';
import { isolatedStore } from './helpers/own-database.js';

const DOMAIN = 'notifications.example';
const START = Date.UTC(2026, 4, 4, 10, 0, 0);
const PUSHED = 'projects/notify-project/topics/roster';
const KEPT = 'projects/notify-project/topics/kept';
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

interface Envelope {
  message: { attributes: Record<string, string>; data: string; messageId: string; message_id: string; publishTime: string; publish_time: string };
  subscription: string;
}

/** A Pub/Sub push endpoint on 127.0.0.1: answers with the next scripted status (204 once they run out). */
class Receiver {
  readonly received: Envelope[] = [];
  statuses: number[] = [];
  private waiters: (() => void)[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        this.received.push(JSON.parse(text) as Envelope);
        response.writeHead(this.statuses.shift() ?? 204).end();
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/push`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const decode = (envelope: Envelope) => JSON.parse(Buffer.from(envelope.message.data, 'base64').toString('utf8')) as unknown;

describe.each(STORES)('notifications on $name', ({ name }) => {
  let emulator: Emulator;
  let drop: (() => Promise<void>) | undefined;
  const receiver = new Receiver();
  let admin: Person;
  let teacher: Person;
  let courseId: string;
  let rosterRegistration: string;
  let domainRegistration: string;

  const notifications = (filter: Parameters<Emulator['admin']['notifications']>[0] = {}) =>
    emulator.admin.notifications({ wait: true, ...filter }).then((r) => r.notifications);

  beforeAll(async () => {
    await receiver.start();
    const isolated = await isolatedStore(name);
    drop = isolated.drop;
    emulator = await startEmulator({ store: isolated.store, frozenAt: START, notificationDelivery: { backoffMs: 5, maxAttempts: 3, timeoutMs: 2000 } });
    admin = await person(emulator, `admin@${DOMAIN}`, { admin: true }, { project: 'notify-project' });
    teacher = await person(emulator, `teacher@${DOMAIN}`, {}, { project: 'notify-project' });
    courseId = (await teacher.api.courses.create({ requestBody: { name: 'Notified', ownerId: 'me', courseState: 'ACTIVE' } })).data.id!;
    expect(await emulator.admin.putTopic(PUSHED, { pushEndpoint: receiver.url })).toEqual({
      topicName: PUSHED,
      pushEndpoint: receiver.url,
      subscription: null,
      publishable: true,
    });
    rosterRegistration = (
      await teacher.api.registrations.create({
        requestBody: { feed: { feedType: 'COURSE_ROSTER_CHANGES', courseRosterChangesInfo: { courseId } }, cloudPubsubTopic: { topicName: PUSHED } },
      })
    ).data.registrationId!;
    domainRegistration = (
      await admin.api.registrations.create({ requestBody: { feed: { feedType: 'DOMAIN_ROSTER_CHANGES' }, cloudPubsubTopic: { topicName: KEPT } } })
    ).data.registrationId!;
  });
  afterAll(async () => {
    await emulator?.close();
    await drop?.();
    await receiver.close();
  });

  it('a roster change is pushed to the topic endpoint in the Pub/Sub push envelope, and kept for the admin API', async () => {
    const student = await person(emulator, `first@${DOMAIN}`);
    await admin.api.courses.students.create({ courseId, requestBody: { userId: student.email } });

    // Registrations made in the same virtual millisecond have no order of their own: sort by topic.
    const records = (await notifications({ courseId })).sort((a, b) => (a.topicName < b.topicName ? 1 : -1));
    const message = { collection: 'courses.students', eventType: 'CREATED', resourceId: { courseId, userId: student.id } };
    const publishTime = new Date(START).toISOString();
    expect(records).toEqual([
      {
        messageId: expect.stringMatching(/^\d{16}$/),
        registrationId: rosterRegistration,
        topicName: PUSHED,
        publishTime,
        message,
        // A loaded machine may time an attempt out; what matters is that one was acknowledged.
        delivery: { state: 'delivered', endpoint: receiver.url, attempts: expect.arrayContaining([{ at: expect.any(String), status: 204 }]) },
      },
      {
        messageId: expect.stringMatching(/^\d{16}$/),
        registrationId: domainRegistration,
        topicName: KEPT,
        publishTime,
        message,
        delivery: { state: 'no-endpoint', attempts: [] },
      },
    ]);
    expect(receiver.received.length).toBeGreaterThanOrEqual(1);
    const envelope = receiver.received.at(-1);
    expect(envelope).toEqual({
      message: {
        attributes: { registrationId: rosterRegistration },
        data: expect.any(String),
        messageId: records[0]!.messageId,
        message_id: records[0]!.messageId,
        publishTime,
        publish_time: publishTime,
      },
      subscription: 'projects/notify-project/subscriptions/roster-push',
    });
    expect(decode(envelope!)).toEqual(message);
  });

  it('a failed request notifies nobody', async () => {
    const before = (await notifications()).length;
    const twice = await person(emulator, `twice@${DOMAIN}`);
    await admin.api.courses.students.create({ courseId, requestBody: { userId: twice.email } });
    const again = await failure(admin.api.courses.students.create({ courseId, requestBody: { userId: twice.email } }));
    expect(again.status).toBe(409);
    expect(await notifications()).toHaveLength(before + 2);
  });

  it('retries an endpoint that fails, with backoff, and records every attempt', async () => {
    receiver.statuses = [500, 503];
    const pushedBefore = receiver.received.length;
    const student = await person(emulator, `retried@${DOMAIN}`);
    await admin.api.courses.students.create({ courseId, requestBody: { userId: student.email } });
    const [record] = await notifications({ registrationId: rosterRegistration, limit: 1 });
    expect(record!.delivery).toEqual({
      state: 'delivered',
      endpoint: receiver.url,
      attempts: [
        { at: expect.any(String), status: 500 },
        { at: expect.any(String), status: 503 },
        { at: expect.any(String), status: 204 },
      ],
    });
    expect(receiver.received.length - pushedBefore).toBe(3);
  });

  it('gives up after the last attempt when the endpoint cannot be reached', async () => {
    const dead = 'projects/notify-project/topics/dead';
    const closed = new Receiver();
    await closed.start();
    const unreachable = closed.url;
    await closed.close();
    await emulator.admin.putTopic(dead, { pushEndpoint: unreachable, subscription: 'projects/notify-project/subscriptions/custom' });
    const registrationId = (
      await teacher.api.registrations.create({
        requestBody: { feed: { feedType: 'COURSE_ROSTER_CHANGES', courseRosterChangesInfo: { courseId } }, cloudPubsubTopic: { topicName: dead } },
      })
    ).data.registrationId!;
    const student = await person(emulator, `lost@${DOMAIN}`);
    await admin.api.courses.students.create({ courseId, requestBody: { userId: student.email } });
    const [record] = await notifications({ registrationId });
    expect(record!.delivery.state).toBe('failed');
    expect(record!.delivery.attempts).toHaveLength(3);
    expect(record!.delivery.attempts.every((a) => a.error !== undefined && a.status === undefined)).toBe(true);
    expect(await notifications({ state: 'failed' })).toHaveLength(1);
    await teacher.api.registrations.delete({ registrationId });
  });

  it('course work changes reach COURSE_WORK_CHANGES feeds; submissions created with their work do not', async () => {
    const { data } = await teacher.api.registrations.create({
      requestBody: { feed: { feedType: 'COURSE_WORK_CHANGES', courseWorkChangesInfo: { courseId } }, cloudPubsubTopic: { topicName: KEPT } },
    });
    const at = START;
    emulator.env.events.emit({ kind: 'course-work', courseId, courseWorkId: '555', change: 'CREATED', at });
    emulator.env.events.emit({ kind: 'course-work', courseId, courseWorkId: '555', submissionId: 'Cg4I', change: 'CREATED', at });
    emulator.env.events.emit({ kind: 'course-work', courseId, courseWorkId: '555', submissionId: 'Cg4I', change: 'MODIFIED', at });
    const records = await notifications({ registrationId: data.registrationId! });
    expect(records.map((r) => r.message)).toEqual([
      { collection: 'courses.courseWork', eventType: 'CREATED', resourceId: { courseId, id: '555' } },
      { collection: 'courses.courseWork.studentSubmissions', eventType: 'MODIFIED', resourceId: { courseId, courseWorkId: '555', id: 'Cg4I' } },
    ]);
  });

  it('an expired registration is notified no more; a week on the virtual clock ends it', async () => {
    await emulator.admin.advanceClock(7 * 86_400 + 1);
    const before = (await notifications()).length;
    const late = await person(emulator, `late@${DOMAIN}`);
    await admin.api.courses.students.create({ courseId, requestBody: { userId: late.email } });
    expect(await notifications()).toHaveLength(before);
  });

  it('rejects a bad topic configuration with the field named', async () => {
    const error = (await emulator.admin.putTopic(PUSHED, { pushEndpoint: 'ftp://example.com/x' }).catch((e: unknown) => e)) as { body?: unknown };
    const message = '"ftp://example.com/x" is not an http(s) URL.';
    expect(error.body).toEqual(invalid(message, 'pushEndpoint'));
  });
});
