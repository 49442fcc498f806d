import type request from 'supertest';
import type { Client } from '../../support/auth.js';
import type { PlatformUnderTest } from '../../support/platform.js';

export type Role = 'admin' | 'data_manager' | 'investigator' | 'monitor' | 'statistician' | 'agent';
export type Response = request.Response;

export const ROLES: readonly Role[] = ['admin', 'data_manager', 'investigator', 'monitor', 'statistician', 'agent'];

/** The role matrix as the README states it, written out here so a change to the code's table is caught. */
export const EVERYONE = ROLES;
export const CAPTURERS: readonly Role[] = ['admin', 'data_manager', 'investigator', 'agent'];
export const STUDY_MANAGERS: readonly Role[] = ['admin', 'data_manager'];
export const SUBJECT_MANAGERS: readonly Role[] = ['admin', 'data_manager', 'investigator'];
export const LOCKERS: readonly Role[] = ['admin', 'data_manager'];
export const SIGNERS: readonly Role[] = ['investigator'];
export const USER_ADMINS: readonly Role[] = ['admin'];
export const AUDITORS: readonly Role[] = ['admin', 'monitor'];
export const METRICS_READERS: readonly Role[] = ['admin', 'agent'];
export const GENERATORS: readonly Role[] = ['admin', 'data_manager', 'statistician', 'agent'];
export const GENERATED_DATA_STORERS: readonly Role[] = ['admin', 'data_manager'];
export const RULE_READERS: readonly Role[] = EVERYONE;
export const RULE_MANAGERS: readonly Role[] = ['admin', 'data_manager'];
export const QUERY_READERS: readonly Role[] = ['admin', 'data_manager', 'investigator', 'monitor', 'agent'];
export const QUERY_ANSWERERS: readonly Role[] = ['admin', 'data_manager', 'investigator'];
export const QUERY_MANAGERS: readonly Role[] = ['admin', 'data_manager'];
export const STAT_READERS: readonly Role[] = ['admin', 'data_manager', 'monitor', 'statistician', 'agent'];
export const REPORT_WRITERS: readonly Role[] = ['admin', 'statistician'];
export const EXPORTERS: readonly Role[] = ['admin', 'data_manager', 'statistician'];

/** What a matrix call may use: the subject stored for reads, and a user of its own to act on. */
export interface Known {
  /** A subject of the default study with one vital sign (a new one for calls answering 201). */
  subject: string;
  /** The admin's client, for what a call needs set up first (a study, a stored record). */
  admin: Client;
  /** The calling role's password, for calls that re-check it (e-signatures). */
  password: string;
  /** Created (and signed in) for endpoints that act on a user. */
  target?: { id: string; username: string; password: string; client: Client };
  /** Another sign-in of the calling role's user, for calls that end their session. */
  ownSession(): Promise<Client>;
}

export interface Endpoint {
  /** The route as the application registers it: `METHOD /prefix/path/:param`. */
  route: string;
  allowed: readonly Role[];
  status: number;
  /** The call acts on a user made for it (`known.target`). */
  needsTarget?: boolean;
  call(client: Client, known: Known): Promise<Response>;
  /** After a refused call: nothing the call would have written exists. */
  nothingDone?(platform: PlatformUnderTest, attempt: Known): Promise<void>;
}
