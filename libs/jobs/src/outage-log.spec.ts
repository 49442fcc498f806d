import { OutageLog } from './outage-log.js';

describe('OutageLog', () => {
  it('logs the first error of an outage at once', () => {
    const log = new OutageLog(60_000, 15_000);
    expect(log.error('connect ECONNREFUSED', 0)).toEqual({ level: 'error', message: 'connect ECONNREFUSED' });
  });

  it('then at most one summary a minute, counting the errors it held back', () => {
    const log = new OutageLog(60_000, 15_000);
    log.error('down', 0);
    const lines = [];
    for (let now = 700; now <= 130_000; now += 700) {
      lines.push(log.error('down', now), log.tick(now));
    }
    const logged = lines.filter((line) => line !== null);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toEqual({ level: 'error', message: expect.stringMatching(/^86 more error\(s\) in the last 60 s, still failing; latest: down$/) });
  });

  it('logs the recovery once, when errors have stopped for the quiet period', () => {
    const log = new OutageLog(60_000, 15_000);
    log.error('down', 0);
    log.error('down', 5_000);
    expect(log.tick(10_000)).toBeNull();
    expect(log.tick(20_000)).toEqual({ level: 'log', message: 'working again after 5 s of errors (2 in all)' });
    expect(log.inOutage).toBe(false);
    expect(log.tick(40_000)).toBeNull();
  });

  it('reports errors held back since the last line in the summary the tick brings', () => {
    const log = new OutageLog(60_000, 15_000);
    log.error('down', 0);
    log.error('down', 50_000);
    expect(log.tick(61_000)).toEqual({ level: 'error', message: expect.stringMatching(/^1 more error\(s\) in the last 61 s/) });
  });

  it('starts a new outage with its first error logged again', () => {
    const log = new OutageLog(60_000, 15_000);
    log.error('down', 0);
    log.tick(20_000);
    expect(log.error('down again', 30_000)).toEqual({ level: 'error', message: 'down again' });
  });
});
