import { createHash } from 'node:crypto';
import request from 'supertest';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId } from '../support/vitals-fixtures.js';

type RuleDocumentFormat = 'yaml' | 'json';

/**
 * Each study's edit-check rules through the gateway: the defaults until a data manager edits
 * them, every change a new version of the whole library with each changed rule in the audit
 * trail (old and new definition), YAML and JSON documents that import takes back unchanged, and
 * bad rules refused with what is wrong and nothing written.
 */

interface ErrorBody {
  message: string;
  details?: Array<{ field: string; problems: string[] }>;
}

interface AuditEvent {
  action: string;
  reason: string | null;
  username: string | null;
  entity_type: string;
  entity_id: string | null;
  changes: Record<string, { old: unknown; new: unknown }> | null;
}

type RuleBody = Record<string, unknown>;

const DEFAULT_IDS = ['VS001', 'VS002', 'VS003', 'VS004', 'VS005', 'VS007', 'VS008', 'VS009', 'VS010', 'VS011', 'VS012'];
const DELTA: RuleBody = { type: 'change_from_previous', severity: 'major', field: 'SystolicBP', max_change: 40, message: 'Systolic changed by more than 40 mmHg since the previous visit.' };
const RULES = '/quality/checks/rules';

/** The documented digest, computed here independently: sha256 of the rules as JSON with sorted keys, no whitespace. */
function sha256Of(rules: unknown[]): string {
  const canonical = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value !== null && typeof value === 'object') {
      return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
    }
    return JSON.stringify(value);
  };
  return createHash('sha256').update(canonical(rules)).digest('hex');
}

describe.each(['all-in-one', 'split'] as const)('quality rule libraries (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let admin: Client;
  let manager: Client;
  let managerUsername: string;
  let managerOfS01: Client;
  let investigator: Client;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    admin = platform.admin;
    managerUsername = newSubjectId('dm');
    manager = (await createUser(platform.baseUrl, admin, { username: managerUsername, roles: ['data_manager'] })).client;
    managerOfS01 = (await createUser(platform.baseUrl, admin, { username: newSubjectId('dm-s01'), roles: ['data_manager'], site_ids: ['S01'] })).client;
    investigator = (await createUser(platform.baseUrl, admin, { username: newSubjectId('inv'), roles: ['investigator'] })).client;
  });
  afterAll(() => platform?.close());

  /** A new study through the EDC's API; its library is the defaults. */
  async function newStudy(): Promise<string> {
    const protocolId = newSubjectId('QR');
    const created = await manager.post('/edc/studies').send({
      protocol_id: protocolId,
      title: 'Rule library study',
      sites: [
        { site_id: 'S01', name: 'Oslo' },
        { site_id: 'S02', name: 'Bergen' },
      ],
      arms: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }],
      schedule: [
        { visit_name: 'Screening', planned_day: -1, window_before: 13, window_after: 0, required: true },
        { visit_name: 'Day 1', planned_day: 1 },
      ],
    });
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    return protocolId;
  }

  async function library(study: string): Promise<{ version: number; rules: RuleBody[]; changed_by: string | null }> {
    const response = await manager.get(RULES).query({ study });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function auditOf(study: string, ruleId?: string): Promise<AuditEvent[]> {
    const query = ruleId ? { entityType: 'quality_rule', entityId: `${study}:${ruleId}` } : { entityType: 'quality_rule' };
    const response = await admin.get('/security/audit/events').query({ ...query, limit: 500 });
    expect(response.status).toBe(200);
    const events = response.body.data as AuditEvent[];
    return ruleId ? events : events.filter((event) => event.entity_id?.startsWith(`${study}:`));
  }

  function put(study: string, ruleId: string, body: unknown, client: Client = manager) {
    return client.put(`${RULES}/${ruleId}`).query({ study }).send(body as object);
  }

  function importDocument(study: string, body: Record<string, unknown>, client: Client = manager) {
    return client.post(`${RULES}/import`).query({ study }).send(body);
  }

  describe('reading', () => {
    it('lists the default rules for a new study as version 0, and the same without a study', async () => {
      const study = await newStudy();
      const response = await investigator.get(RULES).query({ study }).expect(200);
      expect(response.body).toMatchObject({ study, version: 0, changed_by: null, changed_at: null });
      expect(response.body.rules.map((rule: RuleBody) => rule.id)).toEqual(DEFAULT_IDS);
      expect(response.body.rules.find((rule: RuleBody) => rule.id === 'VS010')).toMatchObject({ type: 'constant_within_subject', severity: 'critical', hard: false });
      const defaults = await investigator.get(RULES).expect(200);
      expect(defaults.body).toMatchObject({ study: null, version: 0, rules: response.body.rules });
      expect((await investigator.get(`${RULES}/versions`).query({ study }).expect(200)).body).toEqual({ data: [], page: { limit: 50, offset: 0, total: 0 } });
    });

    it('reads one rule; a rule the library lacks answers 404 and an id that is not a rule id 400', async () => {
      const study = await newStudy();
      expect((await investigator.get(`${RULES}/VS004`).query({ study }).expect(200)).body).toMatchObject({ study, version: 0, rule: { id: 'VS004', min: 35, max: 40 } });
      expect((await investigator.get(`${RULES}/VS004`).expect(200)).body).toMatchObject({ study: null, version: 0 });
      expect((await investigator.get(`${RULES}/VS006`).query({ study }).expect(404)).body.message).toBe(`No rule VS006 in the rule library of study ${study}`);
      expect((await investigator.get(`${RULES}/vs001`).query({ study }).expect(400)).body.message).toMatch(/^ruleId must be an upper-case letter/);
    });

    it('answers 404 naming the study for a study the EDC does not have, on every route', async () => {
      const message = 'No study with protocol id NO-SUCH-STUDY';
      const study = { study: 'NO-SUCH-STUDY' };
      const calls = [
        manager.get(RULES).query(study),
        manager.get(`${RULES}/VS001`).query(study),
        manager.get(`${RULES}/versions`).query(study),
        manager.get(`${RULES}/export`).query(study),
        manager.put(`${RULES}/VS001`).query(study).send({ type: 'range', severity: 'minor', field: 'SystolicBP', min: 1, message: 'm' }),
        manager.delete(`${RULES}/VS001`).query(study),
        manager.post(`${RULES}/import`).query(study).send({ format: 'yaml', mode: 'merge', document: 'rules: []' }),
      ];
      for (const response of await Promise.all(calls)) expect({ status: response.status, message: response.body.message }).toEqual({ status: 404, message });
    });

    it('refuses a missing or malformed study on the routes that need one, and unknown parameters', async () => {
      expect((await manager.get(`${RULES}/versions`).expect(400)).body.message).toMatch(/study: is required/);
      expect((await manager.put(`${RULES}/VS001`).send({}).expect(400)).body.message).toMatch(/study: is required/);
      expect((await manager.get(RULES).query({ study: "x'; DROP TABLE quality_rule_sets; --" }).expect(400)).body.message).toMatch(/study: must be a protocol id/);
      await manager.get(RULES).query({ study: 'DEFAULT', verbose: 'true' }).expect(400);
      await manager.get(`${RULES}/export`).query({ study: 'DEFAULT', format: 'xml' }).expect(400);
    });
  });

  describe('writing one rule', () => {
    it('creates a rule with PUT as a new version, defaults filled in, audited with no old and the new definition', async () => {
      const study = await newStudy();
      const response = await put(study, 'BP-DELTA', DELTA).expect(200);
      const stored = { id: 'BP-DELTA', ...DELTA, enabled: true, hard: false };
      expect(response.body).toEqual({ study, version: 1, previous_version: 0, changed: true, added: ['BP-DELTA'], updated: [], removed: [], rule: stored });
      const current = await library(study);
      expect(current).toMatchObject({ version: 1, changed_by: managerUsername });
      expect(current.rules.map((rule) => rule.id)).toEqual([...DEFAULT_IDS, 'BP-DELTA']);
      const [event] = await auditOf(study, 'BP-DELTA');
      expect(event).toMatchObject({ action: 'create', username: managerUsername, entity_type: 'quality_rule', entity_id: `${study}:BP-DELTA` });
      expect(event.changes).toEqual({ definition: { old: null, new: stored }, rules_version: { old: 0, new: 1 } });
    });

    it('replaces a rule with PUT (the body may repeat the id), audited with its old and new definition', async () => {
      const study = await newStudy();
      const before = (await manager.get(`${RULES}/VS001`).query({ study }).expect(200)).body.rule;
      const stricter = { ...before, max: 180, message: 'Systolic above 180 mmHg: please confirm.' };
      const response = await put(study, 'VS001', stricter).expect(200);
      expect(response.body).toMatchObject({ version: 1, changed: true, updated: ['VS001'], rule: stricter });
      const [event] = await auditOf(study, 'VS001');
      expect(event).toMatchObject({ action: 'update', changes: { definition: { old: before, new: stricter }, rules_version: { old: 0, new: 1 } } });
      expect((await library(study)).rules[0]).toEqual(stricter);
    });

    it('writes no version for a PUT that changes nothing, and answers the unchanged version', async () => {
      const study = await newStudy();
      const vs003 = (await manager.get(`${RULES}/VS003`).query({ study }).expect(200)).body.rule;
      const { id: _id, ...withoutId } = vs003;
      expect((await put(study, 'VS003', withoutId).expect(200)).body).toMatchObject({ version: 0, previous_version: 0, changed: false, updated: [] });
      await put(study, 'BP-DELTA', DELTA).expect(200);
      expect((await put(study, 'BP-DELTA', { ...DELTA, enabled: true }).expect(200)).body).toMatchObject({ version: 1, changed: false });
      expect((await manager.get(`${RULES}/versions`).query({ study }).expect(200)).body.page.total).toBe(1);
      expect(await auditOf(study)).toHaveLength(1);
    });

    it('deletes a rule as a new version, audited with its old definition; deleting it again answers 404', async () => {
      const study = await newStudy();
      const vs012 = (await manager.get(`${RULES}/VS012`).query({ study }).expect(200)).body.rule;
      expect((await manager.delete(`${RULES}/VS012`).query({ study }).expect(200)).body).toEqual({
        study,
        version: 1,
        previous_version: 0,
        changed: true,
        added: [],
        updated: [],
        removed: ['VS012'],
      });
      expect((await library(study)).rules.map((rule) => rule.id)).toEqual(DEFAULT_IDS.filter((id) => id !== 'VS012'));
      const [event] = await auditOf(study, 'VS012');
      expect(event).toMatchObject({ action: 'delete', changes: { definition: { old: vs012, new: null }, rules_version: { old: 0, new: 1 } } });
      expect((await manager.delete(`${RULES}/VS012`).query({ study }).expect(404)).body.message).toBe(`No rule VS012 in the rule library of study ${study}`);
      expect((await library(study)).version).toBe(1);
    });

    it('lists the versions newest first with what each changed, who and when', async () => {
      const study = await newStudy();
      await put(study, 'BP-DELTA', DELTA).expect(200);
      await manager.delete(`${RULES}/VS004`).query({ study }).expect(200);
      const response = await investigator.get(`${RULES}/versions`).query({ study, limit: 1 }).expect(200);
      expect(response.body.page).toEqual({ limit: 1, offset: 0, total: 2 });
      expect(response.body.data).toEqual([
        { version: 2, rule_count: DEFAULT_IDS.length, change_summary: 'DELETE VS004: removed VS004', changed_by: managerUsername, changed_at: expect.any(String) },
      ]);
      const second = await investigator.get(`${RULES}/versions`).query({ study, offset: 1 }).expect(200);
      expect(second.body.data[0]).toMatchObject({ version: 1, rule_count: DEFAULT_IDS.length + 1, change_summary: 'PUT BP-DELTA: added BP-DELTA' });
    });

    const base = { severity: 'major', message: 'Please check the value.' };
    it.each<[string, unknown, string, string]>([
      ['an unknown type', { ...base, type: 'between' }, 'type', 'must be one of the rule types: range, comparison, allowed_values, pattern, constant_within_subject, required_visits, visit_window, unique, change_from_previous, outlier (not "between")'],
      ['a field the type does not take', { ...base, type: 'range', field: 'HeartRate', min: 1, values: ['a'] }, 'values', 'is not a field of a range rule; its fields are: id, type, severity, message, description, enabled, hard, field, min, max, hard_min, hard_max'],
      ['a text field where a number belongs', { ...base, type: 'range', field: 'SubjectID', min: 1 }, 'field', 'SubjectID is a text field; a range rule checks a numeric field: SystolicBP, DiastolicBP, HeartRate, Temperature, RespiratoryRate'],
      ['min above max', { ...base, type: 'range', field: 'HeartRate', min: 150, max: 50 }, 'min', 'must not be greater than max (50)'],
      ['hard limits inside the soft ones', { ...base, type: 'range', field: 'HeartRate', min: 50, max: 120, hard_max: 100 }, 'hard_max', 'must not be below max (120): the hard limits lie outside the soft ones (hard_min <= min <= max <= hard_max)'],
      ['both values and from', { ...base, type: 'allowed_values', field: 'VisitName', values: ['Day 1'], from: 'study_visits' }, 'from', 'give either values or from, not both'],
      ['neither values nor from', { ...base, type: 'allowed_values', field: 'VisitName' }, 'values', 'is required unless from is given: the allowed values, or from: the study list they come from'],
      ['a lookbehind', { ...base, type: 'pattern', field: 'SubjectID', regex: '(?<=S)\\d+' }, 'regex', 'uses a lookbehind ((?<= or (?<!), which is not supported'],
      ['a regex that is not one', { ...base, type: 'pattern', field: 'SubjectID', regex: '([A-Z]' }, 'regex', 'is not a valid regular expression: Unterminated group'],
      ['an exponential regex', { ...base, type: 'pattern', field: 'SubjectID', regex: '(a+)+' }, 'regex', 'repeats a group that holds a repeat itself (such as (a+)+), which can take exponential time; repeat only one level'],
      ['a parenthesis that would close the anchoring group', { ...base, type: 'pattern', field: 'SubjectID', regex: 'a)|(b' }, 'regex', 'has a ")" at position 2 that closes no "("'],
      ['a regex only PostgreSQL refuses', { ...base, type: 'pattern', field: 'SubjectID', regex: '(?:a{255}){255}' }, 'regex', 'is not a regular expression PostgreSQL accepts: invalid regular expression: regular expression is too complex'],
      ['a number too large to be finite', '{"type":"range","severity":"major","message":"m","field":"HeartRate","min":1e999}', 'min', 'must be a finite number'],
      ['an empty message', { ...base, type: 'visit_window', message: ' ' }, 'message', 'must not be empty'],
      ['a message over 500 characters', { ...base, type: 'visit_window', message: 'x'.repeat(501) }, 'message', 'must be at most 500 characters (it has 501)'],
      ['a list instead of a rule', [{ ...base, type: 'visit_window' }], 'rule', "must be an object with the rule's fields (not a list)"],
      ['a __proto__ key', `{"type":"visit_window","severity":"major","message":"m","__proto__":{"hard":true}}`, '__proto__', 'is not a field of a visit_window rule; its fields are: id, type, severity, message, description, enabled, hard'],
    ])('refuses %s with what is wrong, and writes nothing', async (_what, body, field, problem) => {
      const study = await newStudy();
      const sent = typeof body === 'string' ? manager.put(`${RULES}/NEW-RULE`).query({ study }).set('Content-Type', 'application/json').send(body) : put(study, 'NEW-RULE', body);
      const response = await sent;
      expect(response.status).toBe(400);
      const error = response.body as ErrorBody;
      expect(error.details).toContainEqual({ field, problems: [problem] });
      expect(error.message).toContain(`${field}: ${problem}`);
      expect((await library(study)).version).toBe(0);
      expect(await auditOf(study)).toEqual([]);
    });

    it('reads any version back whole, with who made it, when, what it changed and why, and its sha256', async () => {
      const study = await newStudy();
      const defaults = await manager.get(`${RULES}/versions/0`).query({ study }).expect(200);
      const current = await manager.get(RULES).query({ study }).expect(200);
      expect(defaults.body).toEqual({
        study,
        version: 0,
        defaults: true,
        rule_count: DEFAULT_IDS.length,
        change_summary: null,
        changed_by: null,
        changed_at: null,
        sha256: sha256Of(current.body.rules),
        rules: current.body.rules,
      });
      expect(current.body.sha256).toBe(defaults.body.sha256);

      await put(study, 'BP-DELTA', DELTA).query({ reason: 'Protocol amendment 3' }).expect(200);
      await manager.delete(`${RULES}/VS001`).query({ study }).expect(200);
      const first = await investigator.get(`${RULES}/versions/1`).query({ study }).expect(200);
      expect(first.body).toMatchObject({
        study,
        version: 1,
        defaults: false,
        rule_count: DEFAULT_IDS.length + 1,
        change_summary: 'PUT BP-DELTA: added BP-DELTA; reason: Protocol amendment 3',
        changed_by: managerUsername,
        changed_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect(first.body.rules.map((rule: RuleBody) => rule.id)).toEqual([...DEFAULT_IDS, 'BP-DELTA']);
      expect(first.body.sha256).toBe(sha256Of(first.body.rules));

      const latest = await manager.get(RULES).query({ study }).expect(200);
      const second = await manager.get(`${RULES}/versions/2`).query({ study }).expect(200);
      expect(second.body).toMatchObject({ version: 2, change_summary: 'DELETE VS001: removed VS001', rules: latest.body.rules, sha256: latest.body.sha256 });
      expect(latest.body.sha256).not.toBe(first.body.sha256);

      expect((await manager.get(`${RULES}/versions/3`).query({ study }).expect(404)).body.message).toBe(
        `Study ${study} has no version 3 of its rule library (GET /quality/checks/rules/versions?study=${study} lists them)`,
      );
      for (const bad of ['abc', '-1', '1.5', '99999999999']) {
        expect((await manager.get(`${RULES}/versions/${bad}`).query({ study }).expect(400)).body.message).toMatch(/version: must be a whole number from 0 \(the defaults\) up/);
      }
      await manager.get(`${RULES}/versions/1`).expect(400);
      expect((await manager.get(`${RULES}/versions/0`).query({ study: 'NO-SUCH-STUDY' }).expect(404)).body.message).toBe('No study with protocol id NO-SUCH-STUDY');
    });

    it('keeps a write\'s reason in the version\'s summary and on each audit event; a blank or over-long reason is refused, nothing written', async () => {
      const study = await newStudy();
      await put(study, 'BP-DELTA', DELTA).query({ reason: 'Amendment 3' }).expect(200);
      await manager.delete(`${RULES}/BP-DELTA`).query({ study, reason: 'Withdrawn by amendment 4' }).expect(200);
      const document = JSON.stringify([{ id: 'HR-WIDE', type: 'range', severity: 'minor', field: 'HeartRate', min: 40, max: 150, message: 'm' }, { id: 'BP-DELTA', ...DELTA }]);
      await importDocument(study, { format: 'json', mode: 'merge', document, reason: 'Data review meeting, 12 May' }).expect(200);
      await put(study, 'W1', { type: 'visit_window', severity: 'minor', message: 'Out of window.' }).expect(200);

      const versions = await manager.get(`${RULES}/versions`).query({ study }).expect(200);
      expect(versions.body.data.map((version: { change_summary: string }) => version.change_summary)).toEqual([
        'PUT W1: added W1',
        'import (merge): added HR-WIDE, BP-DELTA; reason: Data review meeting, 12 May',
        'DELETE BP-DELTA: removed BP-DELTA; reason: Withdrawn by amendment 4',
        'PUT BP-DELTA: added BP-DELTA; reason: Amendment 3',
      ]);
      const events = await auditOf(study);
      const reasons = (ruleId: string) => events.filter((event) => event.entity_id === `${study}:${ruleId}`).map((event) => [event.action, event.reason]);
      expect(reasons('BP-DELTA').sort()).toEqual([['create', 'Amendment 3'], ['create', 'Data review meeting, 12 May'], ['delete', 'Withdrawn by amendment 4']].sort());
      expect(reasons('HR-WIDE')).toEqual([['create', 'Data review meeting, 12 May']]);
      expect(reasons('W1')).toEqual([['create', null]]);

      for (const reason of ['   ', 'x'.repeat(501), 'tab\u0007bell']) {
        const message = 'reason: must be 1 to 500 characters, not blank, without control characters';
        expect((await put(study, 'W2', { type: 'visit_window', severity: 'minor', message: 'm' }).query({ reason }).expect(400)).body.message).toMatch(message);
        expect((await manager.delete(`${RULES}/W1`).query({ study, reason }).expect(400)).body.message).toMatch(message);
        expect((await importDocument(study, { format: 'json', mode: 'merge', document: '[]', reason }).expect(400)).body.message).toMatch(message);
      }
      expect((await importDocument(study, { format: 'json', mode: 'merge', document: '[]', reason: 42 }).expect(400)).body.message).toMatch(/reason: must be/);
      await put(study, 'W2', { type: 'visit_window', severity: 'minor', message: 'm' }).query({ reason: 'x'.repeat(500) }).expect(200);
      expect((await library(study)).version).toBe(5);
    });

    it('refuses a body whose id differs from the path, and an id that is not a rule id', async () => {
      const study = await newStudy();
      const response = await put(study, 'BP-DELTA', { ...DELTA, id: 'VS001' }).expect(400);
      expect(response.body.message).toBe("The rule's id (VS001) differs from the id in the path (BP-DELTA); leave id out or make them equal");
      expect((await put(study, 'bp', DELTA).expect(400)).body.message).toMatch(/^ruleId must be an upper-case letter/);
      expect((await put(study, 'EXPORT', DELTA).expect(400)).body.message).toMatch(/EXPORT is reserved/);
      expect((await library(study)).version).toBe(0);
    });
  });

  describe('import and export', () => {
    it('exports YAML and JSON that import takes back unchanged: 200, the same version, nothing written', async () => {
      const study = await newStudy();
      await put(study, 'BP-DELTA', DELTA).expect(200);
      const yaml = await manager.get(`${RULES}/export`).query({ study }).expect(200);
      expect(yaml.headers['content-type']).toBe('application/yaml; charset=utf-8');
      expect(yaml.headers['content-disposition']).toBe(`attachment; filename="rules-${study}-v1.yaml"`);
      const yamlText = yaml.text;
      expect(yamlText).toMatch(/^# Rule library of study .*, version 1\./);
      expect(yamlText).toContain('  - id: VS001\n    type: range\n');
      const json = await manager.get(`${RULES}/export`).query({ study, format: 'json' }).expect(200);
      expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
      const jsonText = Buffer.isBuffer(json.body) ? json.body.toString('utf8') : json.text;
      expect(JSON.parse(jsonText).rules).toEqual((await library(study)).rules);

      for (const [format, document] of [['yaml', yamlText], ['json', jsonText]] as const) {
        for (const mode of ['replace', 'merge']) {
          const response = await importDocument(study, { format, mode, document }).expect(200);
          expect(response.body).toEqual({ study, version: 1, previous_version: 1, changed: false, added: [], updated: [], removed: [] });
        }
      }
      expect((await manager.get(`${RULES}/versions`).query({ study }).expect(200)).body.page.total).toBe(1);
      expect(await auditOf(study)).toHaveLength(1);
    });

    it('exports the default library of a study never edited, which imports into another study unchanged', async () => {
      const study = await newStudy();
      const yaml = (await investigator.get(`${RULES}/export`).query({ study }).expect(200)).text;
      expect(yaml).toMatch(/version 0\./);
      const other = await newStudy();
      expect((await importDocument(other, { format: 'yaml', mode: 'replace', document: yaml }).expect(200)).body).toMatchObject({ version: 0, changed: false });
    });

    it('imports with replace: the document becomes the library, each change audited', async () => {
      const study = await newStudy();
      const document = `rules:\n  - id: VS001\n    type: range\n    severity: major\n    field: SystolicBP\n    min: 90\n    max: 180\n    message: Systolic outside 90-180 mmHg.\n  - id: BP-DELTA\n    type: change_from_previous\n    severity: major\n    field: SystolicBP\n    max_change: 40\n    message: Systolic jumped.\n`;
      const response = await importDocument(study, { format: 'yaml', mode: 'replace', document }).expect(200);
      expect(response.body).toMatchObject({ version: 1, changed: true, added: ['BP-DELTA'], updated: ['VS001'], removed: DEFAULT_IDS.slice(1) });
      expect((await library(study)).rules.map((rule) => rule.id)).toEqual(['VS001', 'BP-DELTA']);
      const events = await auditOf(study);
      expect(events).toHaveLength(DEFAULT_IDS.length + 1);
      expect(events.map((event) => event.action).sort()).toEqual(['create', 'update', ...Array(DEFAULT_IDS.length - 1).fill('delete')].sort());
      expect(events.every((event) => event.changes?.rules_version?.old === 0 && event.changes?.rules_version?.new === 1)).toBe(true);
    });

    it('imports with merge: same ids replaced, new ones added, the others kept', async () => {
      const study = await newStudy();
      const document = JSON.stringify({ rules: [{ id: 'VS003', type: 'range', severity: 'minor', field: 'HeartRate', min: 40, max: 130, message: 'Heart rate outside 40-130.' }, { id: 'BP-DELTA', ...DELTA }] });
      const response = await importDocument(study, { format: 'json', mode: 'merge', document }).expect(200);
      expect(response.body).toMatchObject({ version: 1, added: ['BP-DELTA'], updated: ['VS003'], removed: [] });
      const rules = (await library(study)).rules;
      expect(rules.map((rule) => rule.id)).toEqual([...DEFAULT_IDS, 'BP-DELTA']);
      expect(rules.find((rule) => rule.id === 'VS003')).toMatchObject({ min: 40, max: 130 });
    });

    it('refuses a whole document for one bad rule among good ones, naming its position; nothing written', async () => {
      const study = await newStudy();
      const document = JSON.stringify([{ id: 'BP-DELTA', ...DELTA }, { id: 'HR', type: 'range', severity: 'minor', field: 'HeartRate', min: 130, max: 40, message: 'm' }]);
      const response = await importDocument(study, { format: 'json', mode: 'merge', document }).expect(400);
      expect(response.body.details).toEqual([{ field: '[1].min', problems: ['must not be greater than max (40)'] }]);
      expect(response.body.message).toBe('The rule document is not valid: [1].min: must not be greater than max (40)');
      expect((await library(study)).version).toBe(0);
      expect(await auditOf(study)).toEqual([]);
    });

    it.each<[string, Record<string, unknown>, string, string]>([
      ['a YAML syntax error, with line and column', { format: 'yaml', document: 'rules:\n  - id: A1\n    type: [range\n' }, 'document', 'is not valid YAML: line '],
      ['a JSON syntax error, with line and column', { format: 'json', document: '{"rules": [\n  {"id": "A1",}\n]}' }, 'document', 'is not valid JSON: line 2, column 15: a comma before } (trailing commas are not JSON)'],
      ['duplicate ids', { format: 'yaml', document: `- {id: W1, type: visit_window, severity: minor, message: m}\n- {id: W1, type: visit_window, severity: minor, message: m}\n` }, '[1].id', 'W1 is also the id of [0]; rule ids must be unique'],
      ['an alias bomb', { format: 'yaml', document: ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'rules: *h'].join('\n') }, 'document', 'could not be read: Excessive alias count'],
      ['a document over 256 KiB', { format: 'yaml', document: `# ${'x'.repeat(300_000)}\nrules: []` }, 'document', 'is 300012 bytes; a rule document may have at most 262144 bytes (256 KiB)'],
      ['a custom YAML tag', { format: 'yaml', document: '- !!js/function "function () {}"' }, 'document', 'is not valid YAML: line 1, column 3: Unresolved tag'],
    ])('refuses %s, and writes nothing', async (_what, body, field, problem) => {
      const study = await newStudy();
      const response = await importDocument(study, { mode: 'replace', ...body }).expect(400);
      const detail = (response.body as ErrorBody).details?.find((candidate) => candidate.field === field);
      expect(detail?.problems[0]).toContain(problem);
      expect((await library(study)).version).toBe(0);
    });

    it('refuses documents nested more than 64 levels (each sent twice), naming where, and the platform stays up', async () => {
      const study = await newStudy();
      const ladder = Array.from({ length: 450 }, (_, i) => `${'  '.repeat(i)}- a:`).join('\n') + ' x\n';
      const hostile: Array<[RuleDocumentFormat, string]> = [
        ['yaml', `${'- '.repeat(60_000)}x`],
        ['yaml', '['.repeat(120_000)],
        ['yaml', `${'{a: '.repeat(60_000)}x`],
        ['yaml', `${'? '.repeat(60_000)}x`],
        ['yaml', ladder],
        ['yaml', `${'- '.repeat(40)}${'[a: {b: '.repeat(20_000)}`],
        ['json', '['.repeat(120_000)],
        ['json', `${'{"a": '.repeat(30_000)}1${'}'.repeat(30_000)}`],
      ];
      for (const [format, document] of hostile) {
        for (let attempt = 0; attempt < 2; attempt += 1) {
          const started = Date.now();
          const response = await importDocument(study, { format, mode: 'merge', document });
          expect({ status: response.status, problems: (response.body as ErrorBody).details?.[0]?.problems }).toEqual({
            status: 400,
            problems: [expect.stringMatching(/is nested more than 64 levels deep/)],
          });
          expect((response.body as ErrorBody).message).toMatch(/^The rule document is not valid: document: .*line \d+, column \d+/);
          expect(Date.now() - started).toBeLessThan(2_000);
        }
      }
      await request(platform.baseUrl).get('/health').expect(200);
      const normal = await importDocument(study, { format: 'yaml', mode: 'merge', document: `rules:\n  - id: BP-DELTA\n${Object.entries(DELTA).map(([key, value]) => `    ${key}: ${value}`).join('\n')}\n` }).expect(200);
      expect(normal.body).toMatchObject({ version: 1, added: ['BP-DELTA'] });
    });

    it('refuses a JSON document with a key repeated in one object, naming both positions; nothing written', async () => {
      const study = await newStudy();
      const document = '[{"id": "W1", "type": "visit_window", "severity": "minor", "message": "m", "severity": "critical"}]';
      const response = await importDocument(study, { format: 'json', mode: 'merge', document }).expect(400);
      expect(response.body.details).toEqual([
        { field: 'document', problems: ['line 1, column 76: the key "severity" appears twice in one object (first at line 1, column 39); each key may appear once'] },
      ]);
      expect((await library(study)).version).toBe(0);
    });

    it('refuses a write that would make the library larger than 1 MiB; the library stays as it was', async () => {
      const study = await newStudy();
      const bigRule = (id: string) => ({ id, type: 'allowed_values', severity: 'minor', field: 'SiteID', values: Array.from({ length: 500 }, (_, i) => `${i}`.padStart(100, 'S')), message: 'm' });
      let version = 0;
      for (let batch = 0; batch < 5; batch += 1) {
        const rules = Array.from({ length: 4 }, (_, i) => bigRule(`BIG-${batch}-${i}`));
        const response = await importDocument(study, { format: 'json', mode: 'merge', document: JSON.stringify(rules) }).expect(200);
        version = response.body.version;
      }
      const refused = await importDocument(study, { format: 'json', mode: 'merge', document: JSON.stringify([bigRule('BIG-5-0')]) }).expect(400);
      expect(refused.body.message).toMatch(/^The rule library is not valid: rules: would take \d+ bytes; a library may take at most 1048576 \(shorten lists of values or messages\)$/);
      expect((await library(study)).version).toBe(version);
    });

    it('refuses an import body with unknown fields, a missing mode or a document that is not text', async () => {
      const study = await newStudy();
      expect((await importDocument(study, { format: 'yaml', mode: 'merge', document: 'rules: []', dryRun: true }).expect(400)).body.message).toMatch(/dryRun/);
      expect((await importDocument(study, { format: 'yaml', document: 'rules: []' }).expect(400)).body.message).toMatch(/mode: is required/);
      expect((await importDocument(study, { format: 'yaml', mode: 'merge', document: { rules: [] } }).expect(400)).body.message).toMatch(/document: must be the text/);
      expect((await importDocument(study, { format: 'xml', mode: 'merge', document: 'rules: []' }).expect(400)).body.message).toMatch(/format: must be one of yaml, json/);
    });
  });

  describe('who may change rules', () => {
    it('refuses a data manager limited to some sites (403: rules apply to every site), who may still read them', async () => {
      const study = await newStudy();
      const message = 'Rules apply to every site of the study: only a user who sees all sites may change them (your account is limited to some sites)';
      expect((await put(study, 'BP-DELTA', DELTA, managerOfS01).expect(403)).body.message).toBe(message);
      expect((await managerOfS01.delete(`${RULES}/VS001`).query({ study }).expect(403)).body.message).toBe(message);
      expect((await importDocument(study, { format: 'yaml', mode: 'replace', document: 'rules: []' }, managerOfS01).expect(403)).body.message).toBe(message);
      await managerOfS01.get(RULES).query({ study }).expect(200);
      expect((await library(study)).version).toBe(0);
    });

    it('refuses roles that may only read rules (an investigator), and anonymous callers', async () => {
      const study = await newStudy();
      await put(study, 'BP-DELTA', DELTA, investigator).expect(403);
      await request(platform.baseUrl).get(RULES).query({ study }).expect(401);
      await request(platform.baseUrl).put(`${RULES}/BP-DELTA`).query({ study }).send(DELTA).expect(401);
      expect((await library(study)).version).toBe(0);
    });
  });

  it('keeps both of two concurrent PUTs as two versions, none lost', async () => {
    const study = await newStudy();
    const [first, second] = await Promise.all([put(study, 'BP-DELTA', DELTA), put(study, 'DBP-DELTA', { ...DELTA, field: 'DiastolicBP' })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.body.version, second.body.version].sort()).toEqual([1, 2]);
    const current = await library(study);
    expect(current.version).toBe(2);
    expect(current.rules.map((rule) => rule.id)).toEqual(expect.arrayContaining(['BP-DELTA', 'DBP-DELTA']));
    const events = await auditOf(study);
    expect(events.map((event) => event.changes?.rules_version).sort((a, b) => Number(a?.new) - Number(b?.new))).toEqual([
      { old: 0, new: 1 },
      { old: 1, new: 2 },
    ]);
  });
});
