import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('writes the same text for the same value whatever the order its keys were set in', () => {
    const a = { protocolId: 'P', arms: [{ code: 'A', ratio: 1 }], baselineVisit: 'Day 1', title: null };
    const b = { title: null, baselineVisit: 'Day 1', arms: [{ ratio: 1, code: 'A' }], protocolId: 'P' };
    expect(canonicalJson(a)).toBe('{"arms":[{"code":"A","ratio":1}],"baselineVisit":"Day 1","protocolId":"P","title":null}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps the order of arrays, leaves out undefined keys and escapes strings as JSON does', () => {
    expect(canonicalJson({ z: [3, 1, 2], skip: undefined, s: 'a"\n' })).toBe('{"s":"a\\"\\n","z":[3,1,2]}');
    expect(canonicalJson([undefined, 1.5, true])).toBe('[null,1.5,true]');
  });

  it('tells values apart that differ only in one nested field', () => {
    expect(canonicalJson({ visits: [{ name: 'Day 1', order: 1 }] })).not.toBe(canonicalJson({ visits: [{ name: 'Day 1', order: 2 }] }));
  });
});
