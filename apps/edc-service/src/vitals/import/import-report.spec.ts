import { ImportReport, MAX_LISTED_LINES } from './import-report.js';

describe('ImportReport', () => {
  it('lists refused lines in line order with their problems', () => {
    const report = new ImportReport();
    report.linesReceived = 5;
    report.refuseLine(4, ['HeartRate must not be greater than 250']);
    report.refuseRecords([
      { index: 2, field: 'TreatmentArm', problem: 'subject S-1 is in arm "Active"' },
      { index: 2, field: 'SiteID', problem: 'subject S-1 belongs to site "S01"' },
    ]);
    expect(report.linesRefused).toBe(2);
    expect(report.errors()).toEqual([
      'line 2: TreatmentArm subject S-1 is in arm "Active"; SiteID subject S-1 belongs to site "S01"',
      'line 4: HeartRate must not be greater than 250',
    ]);
    expect(report.refusal().getResponse()).toMatchObject({ message: expect.stringMatching(/^2 of 5 lines refused; nothing was stored \(first: line 2: /) });
  });

  it('lists at most MAX_LISTED_LINES lines and counts the rest', () => {
    const report = new ImportReport();
    for (let line = 2; line < MAX_LISTED_LINES + 502; line += 1) report.refuseLine(line, ['SystolicBP is required']);
    expect(report.linesRefused).toBe(MAX_LISTED_LINES + 500);
    expect(report.details()).toHaveLength(MAX_LISTED_LINES);
    expect((report.refusal().getResponse() as { message: string }).message).toMatch(/1000 lines listed, 500 more not listed/);
  });
});
