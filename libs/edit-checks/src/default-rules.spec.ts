import { DEFAULT_RULES } from './default-rules.js';

describe('the default rule library: the design checks', () => {
  it('holds VS001-VS005 and VS007-VS012, in order', () => {
    expect(DEFAULT_RULES.map((rule) => rule.id)).toEqual(['VS001', 'VS002', 'VS003', 'VS004', 'VS005', 'VS007', 'VS008', 'VS009', 'VS010', 'VS011', 'VS012']);
  });

  it('checks what the design says', () => {
    const byId = Object.fromEntries(DEFAULT_RULES.map((rule) => [rule.id, rule]));
    expect(byId.VS001).toMatchObject({ type: 'range', field: 'SystolicBP', min: 95, max: 200 });
    expect(byId.VS002).toMatchObject({ type: 'range', field: 'DiastolicBP', min: 55, max: 130 });
    expect(byId.VS003).toMatchObject({ type: 'range', field: 'HeartRate', min: 50, max: 120 });
    expect(byId.VS004).toMatchObject({ type: 'range', field: 'Temperature', min: 35, max: 40 });
    expect(byId.VS004.message).toMatch(/°F/);
    expect(byId.VS005).toMatchObject({ type: 'comparison', left: 'SystolicBP', operator: '>=', right: 'DiastolicBP', offset: 5 });
    expect(byId.VS007).toMatchObject({ type: 'allowed_values', field: 'VisitName', from: 'study_visits' });
    expect(byId.VS008).toMatchObject({ type: 'allowed_values', field: 'TreatmentArm', from: 'study_arms' });
    expect(byId.VS009).toMatchObject({ type: 'pattern', field: 'SubjectID', from: 'study_subject_id_format' });
    expect(byId.VS010).toMatchObject({ type: 'constant_within_subject', field: 'TreatmentArm', severity: 'critical' });
    expect(byId.VS011).toMatchObject({ type: 'required_visits' });
    expect(byId.VS011).not.toHaveProperty('visits');
    expect(byId.VS012).toMatchObject({ type: 'unique', fields: ['SubjectID', 'VisitName'] });
  });

  it('are all soft and enabled', () => {
    for (const rule of DEFAULT_RULES) expect(rule).toMatchObject({ hard: false, enabled: true });
  });

  it('cannot be changed by whoever holds them', () => {
    const [first] = DEFAULT_RULES;
    expect(() => {
      (first as { message: string }).message = 'changed';
    }).toThrow(TypeError);
    expect(() => (DEFAULT_RULES as unknown as unknown[]).push(first)).toThrow(TypeError);
    expect(() => (DEFAULT_RULES.find((rule) => rule.id === 'VS012') as { fields: string[] }).fields.push('SiteID')).toThrow(TypeError);
  });
});
