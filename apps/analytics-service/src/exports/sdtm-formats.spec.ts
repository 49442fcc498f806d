import { SDTM_COLUMNS } from './sdtm-columns.js';
import { parse } from 'csv-parse/sync';
import { type SdtmRow, sdtmCsv, sdtmDatasetJson, spreadsheetSafe } from './sdtm-formats.js';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}
const collect = async (pieces: AsyncIterable<string>): Promise<string[]> => {
  const all: string[] = [];
  for await (const piece of pieces) all.push(piece);
  return all;
};

const dmRow = (subject: string, extra: Partial<SdtmRow> = {}): SdtmRow => ({
  STUDYID: 'ST1', DOMAIN: 'DM', USUBJID: `ST1-${subject}`, SUBJID: subject, RFSTDTC: '2026-01-08', SITEID: 'S01', AGE: 64, AGEU: 'YEARS',
  SEX: 'F', RACE: 'WHITE', ETHNIC: null, ARMCD: 'Active', ARM: 'Active', ACTARMCD: 'Active', ACTARM: 'Active', ...extra,
});

describe('SDTM CSV', () => {
  it('writes the header in column order, missing values empty, and quotes only what needs it', async () => {
    const text = (await collect(sdtmCsv('DM', from([dmRow('001'), dmRow('002', { RACE: 'OTHER, "SPECIFIED"', AGE: null, AGEU: null })])))).join('');
    expect(text.split('\n')).toEqual([
      'STUDYID,DOMAIN,USUBJID,SUBJID,RFSTDTC,SITEID,AGE,AGEU,SEX,RACE,ETHNIC,ARMCD,ARM,ACTARMCD,ACTARM',
      'ST1,DM,ST1-001,001,2026-01-08,S01,64,YEARS,F,WHITE,,Active,Active,Active,Active',
      'ST1,DM,ST1-002,002,2026-01-08,S01,,,F,"OTHER, ""SPECIFIED""",,Active,Active,Active,Active',
      '',
    ]);
  });

  it('writes text a spreadsheet would run as a formula as text, with a leading quote; numbers stay numbers', async () => {
    const aeRow = (term: string): SdtmRow => ({ STUDYID: 'ST1', DOMAIN: 'AE', USUBJID: 'ST1-001', AESEQ: 1, AETERM: term, AEDECOD: term, AEBODSYS: 'Nervous system disorders', AESTDY: -8 });
    const payloads = ["=cmd|' /C calc'!A0", '@SUM(1+1)*cmd|x', '+HYPERLINK("http://evil.example","click")', '-2+3', '\tTAB', '\rCR'];
    const text = (await collect(sdtmCsv('AE', from(payloads.map(aeRow))))).join('');
    const parsed = parse(text, { columns: true, relax_column_count: false }) as Array<Record<string, string>>;
    expect(parsed.map((row) => row.AETERM)).toEqual(payloads.map((payload) => `'${payload}`));
    expect(parsed.map((row) => row.AEDECOD)).toEqual(payloads.map((payload) => `'${payload}`));
    expect(parsed.map((row) => row.AESTDY)).toEqual(payloads.map(() => '-8'));
    const vs = (await collect(sdtmCsv('VS', from([{ USUBJID: 'ST1-001', VSORRES: '-5', VSSTRESC: '-5', VSSTRESN: -5, VSDY: -8, VISIT: '-Unscheduled', VSTESTCD: 'TEMP' }])))).join('');
    const [row] = parse(vs, { columns: true }) as Array<Record<string, string>>;
    expect(row).toMatchObject({ VSORRES: '-5', VSSTRESC: '-5', VSSTRESN: '-5', VSDY: '-8', VISIT: "'-Unscheduled", VSTESTCD: 'TEMP' });
    expect(spreadsheetSafe('Headache')).toBe('Headache');
    expect(spreadsheetSafe(-5)).toBe(-5);
    expect(spreadsheetSafe(null)).toBeNull();
  });

  it('writes the header alone for no rows, and rows in pieces of at most 200', async () => {
    expect(await collect(sdtmCsv('AE', from([])))).toEqual([`${SDTM_COLUMNS.AE.map((c) => c.name).join(',')}\n`]);
    const pieces = await collect(sdtmCsv('DM', from(Array.from({ length: 450 }, (_, i) => dmRow(String(i).padStart(3, '0'))))));
    expect(pieces.map((piece) => piece.split('\n').length - 1)).toEqual([1, 200, 200, 50]);
  });
});

describe('SDTM Dataset-JSON v1.1', () => {
  const header = { createdAt: new Date('2026-03-01T10:20:30.123Z'), studyId: 'ST1', records: 2, softwareVersion: '1.2.3', labelNotes: ['[SYNTHETIC DATA]'], fileOid: 'ST1.DM.f1' };

  it('is one JSON document: the attributes, typed column metadata, then rows as arrays in column order', async () => {
    const text = (await collect(sdtmDatasetJson('DM', header, from([dmRow('001'), dmRow('002', { AGE: null })])))).join('');
    const file = JSON.parse(text) as Record<string, unknown> & { columns: Array<Record<string, unknown>>; rows: unknown[][] };
    expect(file).toMatchObject({
      datasetJSONCreationDateTime: '2026-03-01T10:20:30.123Z',
      datasetJSONVersion: '1.1.0',
      fileOID: 'ST1.DM.f1',
      sourceSystem: { name: expect.any(String), version: '1.2.3' },
      studyOID: 'ST1',
      itemGroupOID: 'IG.DM',
      records: 2,
      name: 'DM',
      label: 'Demographics [SYNTHETIC DATA]',
    });
    expect(file.columns[0]).toEqual({ itemOID: 'IT.DM.STUDYID', name: 'STUDYID', label: 'Study Identifier', dataType: 'string', keySequence: 1 });
    expect(file.columns.find((c) => c.name === 'AGE')).toEqual({ itemOID: 'IT.DM.AGE', name: 'AGE', label: 'Age', dataType: 'integer' });
    expect(file.columns.find((c) => c.name === 'RFSTDTC')?.dataType).toBe('date');
    expect(file.rows).toEqual([
      ['ST1', 'DM', 'ST1-001', '001', '2026-01-08', 'S01', 64, 'YEARS', 'F', 'WHITE', null, 'Active', 'Active', 'Active', 'Active'],
      ['ST1', 'DM', 'ST1-002', '002', '2026-01-08', 'S01', null, 'YEARS', 'F', 'WHITE', null, 'Active', 'Active', 'Active', 'Active'],
    ]);
  });

  it('keeps text as it is (JSON is not run as a formula)', async () => {
    const text = (await collect(sdtmDatasetJson('DM', { ...header, records: 1 }, from([dmRow('001', { ARM: '=cmd|x' })])))).join('');
    expect((JSON.parse(text) as { rows: unknown[][] }).rows[0]).toContain('=cmd|x');
  });

  it('is valid JSON with no rows, and across pieces', async () => {
    expect(JSON.parse((await collect(sdtmDatasetJson('VS', { ...header, records: 0 }, from([])))).join('')).rows).toEqual([]);
    const many = Array.from({ length: 401 }, (_, i) => dmRow(String(i)));
    expect(JSON.parse((await collect(sdtmDatasetJson('DM', { ...header, records: 401 }, from(many)))).join('')).rows).toHaveLength(401);
  });

  it('declares every VS numeric column as a number type, and VSSEQ as the third key', () => {
    const types = Object.fromEntries(SDTM_COLUMNS.VS.map((c) => [c.name, c.dataType]));
    expect(types).toMatchObject({ VSSEQ: 'integer', VSSTRESN: 'float', VISITNUM: 'integer', VISITDY: 'integer', VSDY: 'integer', VSORRES: 'string', VSDTC: 'datetime' });
    expect(SDTM_COLUMNS.VS.filter((c) => c.keySequence !== undefined).map((c) => c.name)).toEqual(['STUDYID', 'USUBJID', 'VSSEQ']);
  });
});
