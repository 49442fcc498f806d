import type { GeneratedAdverseEvent, GeneratedSubject, GeneratedVital } from './dataset.js';
import { AE_CSV_COLUMNS, aeCsvHeader, aeCsvLines, csvHeader, csvLines, subjectCsvHeader, subjectCsvLines, VITALS_CSV_COLUMNS } from './serialize.js';

const record: GeneratedVital = {
  SubjectID: 'RA001-001',
  VisitName: 'Week 4',
  TreatmentArm: 'Active',
  SystolicBP: 128,
  DiastolicBP: 79,
  HeartRate: 72,
  Temperature: 36.8,
  SiteID: 'S01',
  ProtocolID: 'RA001',
  VisitDate: '2025-02-03',
  MeasurementTime: '2025-02-03T09:31:00Z',
};

describe('CSV', () => {
  it('writes vitals in the store-vitals field names and order, LF line ends, an absent respiratory rate empty', () => {
    expect(VITALS_CSV_COLUMNS).toHaveLength(12);
    expect(csvHeader()).toBe(
      'SubjectID,VisitName,TreatmentArm,SystolicBP,DiastolicBP,HeartRate,Temperature,RespiratoryRate,SiteID,ProtocolID,VisitDate,MeasurementTime\n',
    );
    expect(csvLines([record, { ...record, RespiratoryRate: 16 }])).toBe(
      'RA001-001,Week 4,Active,128,79,72,36.8,,S01,RA001,2025-02-03,2025-02-03T09:31:00Z\n' +
        'RA001-001,Week 4,Active,128,79,72,36.8,16,S01,RA001,2025-02-03,2025-02-03T09:31:00Z\n',
    );
    expect(csvLines([])).toBe('');
  });

  it('quotes only fields that need it', () => {
    expect(csvLines([{ ...record, VisitName: 'Week 4, "late"' }])).toContain(',"Week 4, ""late""",');
  });

  it('writes adverse events with SubjectID first, booleans as true/false and an ongoing end date empty', () => {
    const event: GeneratedAdverseEvent = {
      SubjectID: 'RA001-001',
      term: 'Headache',
      body_system: 'Nervous system disorders',
      onset_date: '2025-01-10',
      end_date: null,
      severity_grade: 1,
      serious: false,
      relationship: 'not_related',
      outcome: 'recovering',
      action_taken: 'none',
    };
    expect(AE_CSV_COLUMNS[0]).toBe('SubjectID');
    expect(aeCsvHeader()).toBe('SubjectID,term,body_system,onset_date,end_date,severity_grade,serious,relationship,outcome,action_taken\n');
    expect(aeCsvLines([event])).toBe('RA001-001,Headache,Nervous system disorders,2025-01-10,,1,false,not_related,recovering,none\n');
    expect(aeCsvLines([{ ...event, serious: true, body_system: 'Respiratory, thoracic and mediastinal disorders' }])).toContain(
      ',"Respiratory, thoracic and mediastinal disorders",2025-01-10,,1,true,',
    );
  });

  it('writes subjects with their demographics flattened', () => {
    const subject: GeneratedSubject = {
      SubjectID: 'RA001-001',
      SiteID: 'S01',
      TreatmentArm: 'Placebo',
      ProtocolID: 'RA001',
      EnrollmentDate: '2025-01-06',
      ConsentDate: '2024-12-20',
      Status: 'completed',
      demographics: { sex: 'F', age: 54, race: 'WHITE', ethnicity: 'NOT HISPANIC OR LATINO', height_cm: 163.2, weight_kg: 70.5 },
    };
    expect(subjectCsvHeader()).toBe('SubjectID,SiteID,TreatmentArm,ProtocolID,EnrollmentDate,ConsentDate,Status,sex,age,race,ethnicity,height_cm,weight_kg\n');
    expect(subjectCsvLines([subject])).toBe('RA001-001,S01,Placebo,RA001,2025-01-06,2024-12-20,completed,F,54,WHITE,NOT HISPANIC OR LATINO,163.2,70.5\n');
  });
});
