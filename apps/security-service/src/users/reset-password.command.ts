import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { DataSource } from 'typeorm';
import { runPlatformCommand } from '../../../../libs/platform/src/index.js';
import { LoginThrottleService } from '../auth/login-throttle.service.js';
import { UsersService } from './users.service.js';

/**
 * `npm run admin:reset-password [-- <username>]` (default `admin`): a new password for an account
 * whose password is lost, from the command line of a machine that reaches the database. The
 * password is NEW_PASSWORD when set, else a random one printed once. Ends the account's sessions,
 * lifts a sign-in lock, and is audited like a reset through the API, with the operating-system
 * user as the actor.
 */
const username = process.argv[2] ?? 'admin';

await runPlatformCommand('admin-reset-password', [UsersService, LoginThrottleService], async (context) => {
  const [user] = (await context.get(DataSource).query('SELECT id, username FROM users WHERE lower(username) = lower($1)', [username])) as Array<{
    id: string;
    username: string;
  }>;
  if (!user) throw new Error(`there is no user "${username}"`);
  const password = process.env.NEW_PASSWORD || `${randomBytes(12).toString('base64url')}7a`;
  const actor = {
    userId: null,
    username: `command line (${userInfo().username})`.slice(0, 64),
    role: 'operator',
    clientAddress: null,
    requestId: `admin-reset-password-${randomUUID()}`,
  };
  const users = context.get(UsersService);
  await users.resetPassword(user.id, password, actor);
  await users.unlock(user.id, actor);
  return process.env.NEW_PASSWORD
    ? `The password of "${user.username}" is now NEW_PASSWORD; its sessions were ended and any sign-in lock lifted.`
    : `New password of "${user.username}": ${password}\nIt is not shown again. Its sessions were ended and any sign-in lock lifted.`;
});
