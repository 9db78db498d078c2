import type { Env } from '../env.js';
import { createUser } from '../identity/accounts.js';

/** Seeds the demo school. */
export async function seedDemo(env: Env): Promise<void> {
  await env.store.transaction(async (repos) => {
    await createUser(env, repos, { email: 'admin@demo.school', name: 'Dana Admin', admin: true });
  });
}
