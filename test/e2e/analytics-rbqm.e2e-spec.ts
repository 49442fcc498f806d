import { type Client, createUser } from '../support/auth.js';
import { adverseEvent } from '../support/adverse-event-fixtures.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * Risk-based monitoring through the gateway, on a study built with known answers: a site whose
 * captured values opened many queries is above the query-rate limit and its flag says so; a site
 * at (not above) every limit has no flag; a site with four subjects missing Baseline and six
 * serious related events is above both limits; a listed site without subjects shows zeros. Serious,
 * serious related (possibly, probably or certainly) and fatal events are counted exactly; cancelled
 * queries do not count, queries a run opens do; limits can be replaced per request; a site-limited
 * monitor sees only their site and is told so, and gets 404 for another; bad bodies answer 400.
 */

interface Flag {
  tolerance_limit: string;
  value: number;
  threshold: number;
  message: string;
}

interface SiteRisk {
  site_id: string | null;
  subjects: number;
  data_rows: number;
  queries: number;
  query_rate_per_100: number | null;
  open_queries: number;
  out_of_range_values: number;
  out_of_range_rate_per_100: number | null;
  subjects_missing_visits: number;
  subjects_with_arm_changes: number;
  duplicate_visits: number;
  serious_events: number;
  serious_related_events: number;
  fatal_events: number;
  flags: Flag[];
}

interface Summary {
  study: string;
  limits: Record<string, number>;
  rules_version: number;
  sites: SiteRisk[];
  totals: Omit<SiteRisk, 'site_id' | 'flags'> & { sites: number; sites_flagged: number };
  meta: { scope: { study: string; sites: string[] | 'all'; site_limited: boolean; note: string | null }; records_used: number; computed_at: string; cached: boolean };
}

describe.each(['all-in-one', 'split'] as const)('risk-based monitoring (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let manager: Client;
  let monitorOfS02: Client;
  const protocolId = newSubjectId('RBQM');

  const at = (day: string, hour = 9) => ({ VisitDate: `2026-${day}`, MeasurementTime: `2026-${day}T${String(hour).padStart(2, '0')}:00:00Z` });
  const S01 = ['S01-001', 'S01-002'];
  const S02 = ['S02-001', 'S02-002'];
  const S03 = ['S03-001', 'S03-002', 'S03-003', 'S03-004'];
  const fullSchedule = (subject: string, site: string) =>
    (['Screening', 'Baseline', 'Week2', 'Week4'] as const).map((visit, index) =>
      vitalRecord({ SubjectID: subject, SiteID: site, VisitName: visit, ...at(`01-${String(1 + index * 7).padStart(2, '0')}`) }),
    );
  const records = [
    // S01: 7 rows; capture opens 3 queries (VS001 systolic 210, VS003 heart rate 130, VS012 the second Baseline).
    vitalRecord({ SubjectID: S01[0], SiteID: 'S01', VisitName: 'Screening', ...at('01-01') }),
    vitalRecord({ SubjectID: S01[0], SiteID: 'S01', VisitName: 'Baseline', SystolicBP: 210, ...at('01-08') }),
    vitalRecord({ SubjectID: S01[0], SiteID: 'S01', VisitName: 'Week2', HeartRate: 130, ...at('01-22') }),
    vitalRecord({ SubjectID: S01[0], SiteID: 'S01', VisitName: 'Week4', ...at('02-05') }),
    vitalRecord({ SubjectID: S01[1], SiteID: 'S01', VisitName: 'Screening', ...at('01-02') }),
    vitalRecord({ SubjectID: S01[1], SiteID: 'S01', VisitName: 'Baseline', ...at('01-09', 9) }),
    vitalRecord({ SubjectID: S01[1], SiteID: 'S01', VisitName: 'Baseline', ...at('01-09', 11) }),
    // S02: 8 clean rows.
    ...S02.flatMap((subject) => fullSchedule(subject, 'S02')),
    // S03: 4 subjects with Screening and Week2 but no Baseline (found by the required-visit rule, opened only by a run).
    ...S03.flatMap((subject) => [
      vitalRecord({ SubjectID: subject, SiteID: 'S03', VisitName: 'Screening', ...at('01-03') }),
      vitalRecord({ SubjectID: subject, SiteID: 'S03', VisitName: 'Week2', ...at('01-24') }),
    ]),
  ].map((record) => ({ ...record, ProtocolID: protocolId }));

  const seriousRelated = (relationship: string) => adverseEvent({ term: 'Pneumonia', body_system: 'Infections and infestations', severity_grade: 3, serious: true, relationship });
  /** S02: 5 serious related (at the limit), 1 serious unlikely related and fatal, 1 related but not serious. */
  const s02Events: Array<[string, Record<string, unknown>]> = [
    [S02[0], seriousRelated('possibly_related')],
    [S02[0], seriousRelated('probably_related')],
    [S02[0], seriousRelated('related')],
    [S02[1], seriousRelated('related')],
    [S02[1], seriousRelated('possibly_related')],
    [S02[1], adverseEvent({ term: 'Myocardial infarction', body_system: 'Cardiac disorders', severity_grade: 5, serious: true, relationship: 'unlikely_related', outcome: 'fatal', end_date: '2026-03-03' })],
    [S02[1], adverseEvent({ relationship: 'related' })],
  ];
  /** S03: 6 serious related events, one more than the limit; 1 serious not related. */
  const s03Events: Array<[string, Record<string, unknown>]> = [
    ...S03.map((subject): [string, Record<string, unknown>] => [subject, seriousRelated('related')]),
    [S03[0], seriousRelated('probably_related')],
    [S03[1], seriousRelated('possibly_related')],
    [S03[2], seriousRelated('not_related')],
  ];

  const summary = async (client: Client, body: Record<string, unknown> = {}, status = 200): Promise<Summary> => {
    const response = await client.post('/analytics/rbqm/summary').send({ study: protocolId, ...body });
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    return response.body as Summary;
  };
  const site = (answer: Summary, id: string): SiteRisk => {
    const found = answer.sites.find((entry) => entry.site_id === id);
    if (!found) throw new Error(`no site ${id} in ${answer.sites.map((entry) => entry.site_id).join(', ')}`);
    return found;
  };

  beforeAll(async () => {
    platform = await startPlatform(mode);
    manager = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('dm'), roles: ['data_manager'] })).client;
    monitorOfS02 = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('mon-s02'), roles: ['monitor'], site_ids: ['S02'] })).client;
    const study = await manager.post('/edc/studies').send({
      protocol_id: protocolId,
      title: 'Monitored study',
      baseline_visit: 'Baseline',
      subject_id_format: '{site}-{seq:3}',
      sites: ['S01', 'S02', 'S03', 'S04'].map((id) => ({ site_id: id, name: `Site ${id}` })),
      arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }],
      schedule: [
        { visit_name: 'Screening', planned_day: -7, window_before: 7, window_after: 0 },
        { visit_name: 'Baseline', planned_day: 1 },
        { visit_name: 'Week2', planned_day: 15, window_before: 2, window_after: 2 },
        { visit_name: 'Week4', planned_day: 29, window_before: 3, window_after: 3 },
      ],
    });
    expect({ status: study.status, body: study.body }).toMatchObject({ status: 201 });
    const stored = await manager.post('/edc/store-vitals').send({ records });
    expect({ status: stored.status, body: stored.body }).toMatchObject({ status: 201 });
    for (const [subject, event] of [...s02Events, ...s03Events]) {
      const created = await manager.post(`/edc/patients/${subject}/adverse-events`).query({ protocolId }).send(event);
      expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    }
  });
  afterAll(() => platform?.close());

  describe('before any run of the checks', () => {
    let answer: Summary;
    beforeAll(async () => {
      answer = await summary(manager);
    });

    it('lists every site of the study, those without subjects too, under the default limits', () => {
      expect(answer.study).toBe(protocolId);
      expect(answer.limits).toEqual({ query_rate_per_100: 6, subjects_missing_visits: 3, serious_related_events: 5 });
      expect(answer.rules_version).toBe(0);
      expect(answer.sites.map((entry) => entry.site_id)).toEqual(['S01', 'S02', 'S03', 'S04']);
      expect(site(answer, 'S04')).toMatchObject({ subjects: 0, data_rows: 0, queries: 0, query_rate_per_100: null, out_of_range_rate_per_100: null, flags: [] });
    });

    it("flags the site whose captured values opened many queries for its query rate, with the value and the limit", () => {
      const s01 = site(answer, 'S01');
      expect(s01).toMatchObject({
        subjects: 2,
        data_rows: 7,
        queries: 3,
        open_queries: 3,
        out_of_range_values: 2,
        subjects_missing_visits: 0,
        subjects_with_arm_changes: 0,
        duplicate_visits: 1,
        serious_events: 0,
      });
      expect(s01.query_rate_per_100).toBeCloseTo(300 / 7, 12);
      expect(s01.out_of_range_rate_per_100).toBeCloseTo(200 / 7, 12);
      expect(s01.flags).toEqual([{ tolerance_limit: 'query_rate_per_100', value: s01.query_rate_per_100, threshold: 6, message: expect.stringMatching(/^Query rate 42\.86 per 100 data rows is above the limit of 6/) }]);
    });

    it('does not flag a site within every limit (at the serious related one, not above it): five serious related events of six serious, one fatal', () => {
      expect(site(answer, 'S02')).toMatchObject({
        subjects: 2,
        data_rows: 8,
        queries: 0,
        query_rate_per_100: 0,
        out_of_range_values: 0,
        subjects_missing_visits: 0,
        duplicate_visits: 0,
        serious_events: 6,
        serious_related_events: 5,
        fatal_events: 1,
        flags: [],
      });
    });

    it('flags a site with four subjects missing a required visit and six serious related events, for both limits', () => {
      const s03 = site(answer, 'S03');
      expect(s03).toMatchObject({ subjects: 4, data_rows: 8, queries: 0, subjects_missing_visits: 4, serious_events: 7, serious_related_events: 6, fatal_events: 0 });
      expect(s03.flags.map((flag) => [flag.tolerance_limit, flag.value, flag.threshold])).toEqual([
        ['subjects_missing_visits', 4, 3],
        ['serious_related_events', 6, 5],
      ]);
      expect(s03.flags[1].message).toMatch(/^6 serious adverse events related to treatment, more than the limit of 5/);
    });

    it('adds the sites up to the study, and says what it read, never from a cache', () => {
      expect(answer.totals).toMatchObject({ sites: 4, sites_flagged: 2, subjects: 8, data_rows: 23, queries: 3, subjects_missing_visits: 4, serious_events: 13, serious_related_events: 11, fatal_events: 1, duplicate_visits: 1 });
      expect(answer.totals.query_rate_per_100).toBeCloseTo(300 / 23, 12);
      expect(answer.meta).toMatchObject({ scope: { study: protocolId, sites: 'all', site_limited: false, note: null }, records_used: 23, cached: false });
      expect(Date.parse(answer.meta.computed_at)).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  it('takes limits from the request in place of the defaults, each on its own', async () => {
    const answer = await summary(manager, { limits: { query_rate_per_100: 50, serious_related_events: 4 } });
    expect(answer.limits).toEqual({ query_rate_per_100: 50, subjects_missing_visits: 3, serious_related_events: 4 });
    expect(site(answer, 'S01').flags).toEqual([]);
    expect(site(answer, 'S02').flags.map((flag) => [flag.tolerance_limit, flag.value, flag.threshold])).toEqual([['serious_related_events', 5, 4]]);
  });

  it('answers one site when asked', async () => {
    const answer = await summary(manager, { site: 'S03' });
    expect(answer.sites.map((entry) => entry.site_id)).toEqual(['S03']);
    expect(answer.meta.scope.sites).toEqual(['S03']);
  });

  it("shows a site-limited monitor their site only and says so; another site is not found", async () => {
    const answer = await summary(monitorOfS02);
    expect(answer.sites.map((entry) => entry.site_id)).toEqual(['S02']);
    expect(answer.totals).toMatchObject({ sites: 1, subjects: 2, serious_related_events: 5 });
    expect(answer.meta.scope).toMatchObject({ sites: ['S02'], site_limited: true, note: expect.stringContaining('S02') });
    const other = await monitorOfS02.post('/analytics/rbqm/summary').send({ study: protocolId, site: 'S01' });
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain('"queries"');
  });

  it('counts no cancelled query, and counts the queries a run of the checks opens', async () => {
    const listed = await manager.get('/quality/queries').query({ study: protocolId, site: 'S01', limit: 50 }).expect(200);
    const target = (listed.body.data as Array<{ id: string; rule_id: string }>).find((query) => query.rule_id === 'VS012');
    expect(target).toBeDefined();
    await manager.post(`/quality/queries/${target!.id}/cancel`).send({ reason: 'Raised on the wrong subject' }).expect(200);
    const afterCancel = site(await summary(manager), 'S01');
    expect(afterCancel).toMatchObject({ queries: 2, open_queries: 2 });

    const run = await manager.post('/quality/checks/run').send({ study: protocolId });
    expect({ status: run.status, body: run.body }).toMatchObject({ status: 201 });
    const afterRun = await summary(manager);
    expect(site(afterRun, 'S03')).toMatchObject({ queries: 4, open_queries: 4, query_rate_per_100: 50 });
    expect(site(afterRun, 'S03').flags.map((flag) => flag.tolerance_limit)).toEqual(['query_rate_per_100', 'subjects_missing_visits', 'serious_related_events']);
    expect(site(afterRun, 'S01').queries).toBe(2);
  });

  it.each([
    [{ limits: { query_rate_per_100: -1 } }, 'limits.query_rate_per_100'],
    [{ limits: { query_rate_per_100: 'high' } }, 'limits.query_rate_per_100'],
    [{ limits: { subjects_missing_visits: 2.5 } }, 'limits.subjects_missing_visits'],
    [{ limits: { fatal_events: 1 } }, 'limits.fatal_events'],
    [{ limits: 'strict' }, 'limits'],
    [{ limits: [{ query_rate_per_100: 1 }] }, 'limits'],
    [{ limits: [] }, 'limits'],
    [{ limits: 7 }, 'limits'],
    [{ dataset_id: 'not-a-uuid' }, 'dataset_id'],
    [{ study: 'bad study' }, 'study'],
    [{ sites: ['S01'] }, 'sites'],
  ])('refuses %j with 400 naming the field', async (body, field) => {
    const response = await manager.post('/analytics/rbqm/summary').send({ study: protocolId, ...body });
    expect({ status: response.status, fields: (response.body.details ?? []).map((detail: { field: string }) => detail.field) }).toEqual({
      status: 400,
      fields: expect.arrayContaining([field]),
    });
  });

  it('answers 404 for a study or site that does not exist', async () => {
    expect((await manager.post('/analytics/rbqm/summary').send({ study: 'NO-SUCH-STUDY' })).status).toBe(404);
    expect((await manager.post('/analytics/rbqm/summary').send({ study: protocolId, site: 'S99' })).status).toBe(404);
  });
});
