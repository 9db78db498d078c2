import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_core.js';
import * as m002 from './002_platform.js';
import * as m003 from './003_classwork.js';
import * as m004 from './004_student_groups.js';
import * as m005 from './005_add_ons.js';
import * as m006 from './006_read_indexes.js';

/**
 * Migrations are imported statically rather than read from a folder so that the built package, the
 * tests and a bundled CLI all see the same list. Append new ones; never edit a released one.
 */
const MIGRATIONS: Record<string, Migration> = {
  '001_core': m001,
  '002_platform': m002,
  '003_classwork': m003,
  '004_student_groups': m004,
  '005_add_ons': m005,
  '006_read_indexes': m006,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
