import { renderError } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, STORES } from './helpers/harness.js';

describe.each(STORES)('creating the same person at once, on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
  });
  afterAll(() => emulator?.close());

  it('one request creates the user and domain; the others get ALREADY_EXISTS, never a 500', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, () =>
        fetch(`${emulator.url}/emulator/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'twin@races.example' }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(11).fill(409)]);
    const conflict = await responses.find((r) => r.status === 409)!.json();
    expect(conflict).toEqual(renderError('ALREADY_EXISTS', { message: 'A user with the address twin@races.example already exists.' }).body);
    const { users } = await emulator.admin.request<{ users: { email: string }[] }>('GET', '/users?domain=races.example');
    expect(users.map((u) => u.email)).toEqual(['twin@races.example']);
  });
});
