import { ServiceUnavailableException } from '@nestjs/common';
import { ImportSlots, MAX_IMPORTS } from './import-slots.js';

describe('ImportSlots', () => {
  it('refuses a second import of the same user, and any beyond the process bound, until a slot is released', () => {
    const slots = new ImportSlots();
    const releaseA = slots.take('a');
    expect(() => slots.take('a')).toThrow(ServiceUnavailableException);
    expect(() => slots.take('a')).toThrow(/Imports are busy: you already have 1 import running/);
    const others = Array.from({ length: MAX_IMPORTS - 1 }, (_, i) => slots.take(`other-${i}`));
    expect(() => slots.take('z')).toThrow(/Imports are busy: 2 imports are running \(at most 2 at once\)/);
    releaseA();
    releaseA(); // a second release changes nothing
    const releaseZ = slots.take('z');
    expect(() => slots.take('a')).toThrow(/at most 2 at once/);
    releaseZ();
    others.forEach((release) => release());
    expect(() => slots.take('a')).not.toThrow();
  });
});
