import type { LyceumServer } from '../app.ts';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
}

/** The demo accounts created on first start; printed by `npm start`. */
export const demoLogins: DemoLogin[] = [];

/** Create the demo data when the database has no users yet. Returns whether it seeded. */
export async function seedDemoIfEmpty(_server: LyceumServer): Promise<boolean> {
  return false;
}
