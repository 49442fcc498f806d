import { collectionBundle, derivedUuid, observationResources, patientResource } from './fhir-resources.js';

const VITAL = { vital_sign_id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427', patient_id: '6f1d3c3e-2b7a-4a51-9a55-0b0c7b7f0a01', effective: '2026-01-08T09:00:00Z', systolic_bp: 130, diastolic_bp: 85, heart_rate: 72, temperature: 36.8 };

describe('FHIR resources', () => {
  it('makes a Patient without names: identifier, gender, a year-only birth date when known', () => {
    expect(patientResource({ patient_id: 'p1', protocol_id: 'ST1', subject_number: 'S01-001', site_id: 'S01', sex: 'F', birth_year: 1961 })).toEqual({
      resourceType: 'Patient',
      id: 'p1',
      identifier: [{ system: 'urn:clinical-trial-platform:subject:ST1', value: 'S01-001' }],
      gender: 'female',
      birthDate: '1961',
    });
    const unknown = patientResource({ patient_id: 'p2', protocol_id: 'ST1', subject_number: 'S01-002', site_id: 'S01', sex: null, birth_year: null });
    expect(unknown).not.toHaveProperty('gender');
    expect(unknown).not.toHaveProperty('birthDate');
    expect(patientResource({ patient_id: 'p3', protocol_id: 'ST1', subject_number: 'x', site_id: 'S01', sex: 'U', birth_year: null }).gender).toBe('unknown');
  });

  it('makes the three vital-signs Observations of a record with LOINC codes and UCUM units', () => {
    const [bp, heart, temperature] = observationResources(VITAL);
    expect(bp).toMatchObject({
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
      subject: { reference: `urn:uuid:${VITAL.patient_id}` },
      effectiveDateTime: '2026-01-08T09:00:00Z',
      component: [
        { code: { coding: [{ code: '8480-6' }] }, valueQuantity: { value: 130, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
        { code: { coding: [{ code: '8462-4' }] }, valueQuantity: { value: 85, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      ],
    });
    expect(bp).not.toHaveProperty('valueQuantity');
    expect(heart).toMatchObject({ code: { coding: [{ code: '8867-4' }] }, valueQuantity: { value: 72, system: 'http://unitsofmeasure.org', code: '/min' } });
    expect(temperature).toMatchObject({ code: { coding: [{ code: '8310-5' }] }, valueQuantity: { value: 36.8, system: 'http://unitsofmeasure.org', code: 'Cel' } });
    for (const observation of [bp, heart, temperature]) {
      expect(observation.category).toEqual([{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }], text: 'Vital Signs' }]);
    }
  });

  it('gives each Observation a stable UUID of its own', () => {
    const ids = observationResources(VITAL).map((o) => o.id);
    expect(new Set(ids).size).toBe(3);
    expect(observationResources(VITAL).map((o) => o.id)).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuid('a', 'bp')).not.toBe(derivedUuid('b', 'bp'));
  });

  it('bundles resources as a collection with urn:uuid fullUrls, tags for synthetic and site-limited data, and a next link', () => {
    const resources = [patientResource({ patient_id: VITAL.patient_id, protocol_id: 'ST1', subject_number: 'S01-001', site_id: 'S01', sex: 'M', birth_year: null }), ...observationResources(VITAL)];
    const bundle = collectionBundle('b1', new Date('2026-03-01T00:00:00Z'), resources, { synthetic: true, siteNote: 'your sites only (S01)' }, '/next?offset=1');
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: '2026-03-01T00:00:00.000Z',
      meta: { tag: [{ code: 'synthetic' }, { code: 'site-limited', display: 'your sites only (S01)' }] },
      link: [{ relation: 'next', url: '/next?offset=1' }],
    });
    expect(bundle).not.toHaveProperty('total');
    expect((bundle.entry as Array<{ fullUrl: string; resource: { id: string } }>).map((e) => e.fullUrl)).toEqual(resources.map((r) => `urn:uuid:${r.id}`));
    const plain = collectionBundle('b2', new Date(), [], { synthetic: false, siteNote: null }, null);
    expect(plain).not.toHaveProperty('link');
    expect(plain.meta).not.toHaveProperty('tag');
  });
});
