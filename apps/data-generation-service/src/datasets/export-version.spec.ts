import { exportVersionConflict, madeByVersion } from './export-version.js';

describe('exports across platform versions', () => {
  const id = '9f2c4e1a-5b7d-4c3e-8a61-2f0b9d7e6c15';

  it('lets the version that made a stored dataset export it', () => {
    expect(exportVersionConflict(id, '0.4.0', '0.4.0')).toBeNull();
  });

  it('refuses another version, naming both and saying how to export it instead', () => {
    expect(exportVersionConflict(id, '0.4.0', '0.5.0')).toBe(
      `dataset ${id} was made by version 0.4.0; this platform is version 0.5.0, whose generators may give other bytes: ` +
        'export it with version 0.4.0 (npm run generate with the stored parameters)',
    );
  });

  it('lets any version export a dataset with no stored manifest (nothing stored to differ from)', () => {
    expect(madeByVersion({ manifest: null })).toBeNull();
    expect(exportVersionConflict(id, madeByVersion({ manifest: null }), '0.5.0')).toBeNull();
  });

  it('reads the making version from the stored manifest', () => {
    expect(madeByVersion({ manifest: { software_version: '0.4.0', content_hash: 'sha256:00' } })).toBe('0.4.0');
  });
});
