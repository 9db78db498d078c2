import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { STORES, startEmulator } from './helpers/harness.js';

// A roster page must cost the same in a course of 30 and of 1,000: the index gives the rows in page
// order, so the database reads one page's rows instead of sorting the whole roster (migration 006).

for (const store of STORES) {
  describe(`query plans (${store.name})`, () => {
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await startEmulator({ store: store.options() });
    });
    afterAll(async () => {
      await emulator.close();
    });

    it('serves a roster page in join order from an index, without sorting', async () => {
      const plan = await emulator.env.store.transaction(async (repos) => {
        // The same statement as MembersRepo.users.
        const query = repos.db
          .selectFrom('course_members')
          .innerJoin('users', 'users.id', 'course_members.user_id')
          .selectAll('users')
          .where('course_members.course_id', '=', 'c')
          .where('course_members.role', '=', 'STUDENT')
          .orderBy('course_members.created_at')
          .orderBy('course_members.user_id')
          .offset(0)
          .limit(30)
          .compile();
        if (emulator.env.store.dialect === 'sqlite') {
          const { rows } = await repos.db.executeQuery<{ detail: string }>({ ...query, sql: `explain query plan ${query.sql}` });
          return rows.map((r) => r.detail).join('\n');
        }
        // An empty table makes any plan cheap: forbid sorting, so a plan without an index that gives the order keeps its Sort.
        await sql`set local enable_sort = off`.execute(repos.db);
        await sql`set local enable_seqscan = off`.execute(repos.db);
        const { rows } = await repos.db.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: `explain ${query.sql}` });
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toMatch(/course_members_course_role_order/);
      expect(plan).not.toMatch(/TEMP B-TREE|Sort/i);
    });
  });
}
