import { type AuditHistoryEvent, recordVersions } from './audit-history.js';

const FIELDS = ['systolic_bp', 'measurement_time', 'entered_in_error_at'];

function event(seq: number, action: string, changes: AuditHistoryEvent['changes'], reason: string | null = null): AuditHistoryEvent {
  return { seq, occurredAt: `2026-03-0${seq}T10:00:00.000Z`, action, userId: `u${seq}`, username: `user${seq}`, role: 'investigator', reason, changes };
}

const created = event(1, 'create', { systolic_bp: { old: null, new: 125 }, measurement_time: { old: null, new: '2026-03-01T09:30:00.000Z' } });
const corrected = event(2, 'correct', { systolic_bp: { old: 125, new: 128 }, updated_at: { old: null, new: '2026-03-02T10:00:00+00:00' } }, 'transcription error');
const toIso = (field: string, value: unknown) => (field === 'measurement_time' && typeof value === 'string' ? new Date(value).toISOString() : value);

describe('recordVersions', () => {
  it('shows each version with who, when, why, the changed fields and every value after it', () => {
    const current = { systolic_bp: 128, measurement_time: '2026-03-01T09:30:00.000Z', entered_in_error_at: null, updated_at: 'x' };
    const versions = recordVersions([corrected, created], current, { fields: FIELDS, createdAt: '2026-03-01T10:00:00.000Z' });
    expect(versions).toEqual([
      {
        version: 1,
        action: 'create',
        at: '2026-03-01T10:00:00.000Z',
        by: { user_id: 'u1', username: 'user1', role: 'investigator' },
        reason: null,
        changes: [
          { field: 'systolic_bp', old: null, new: 125 },
          { field: 'measurement_time', old: null, new: '2026-03-01T09:30:00.000Z' },
        ],
        values: { systolic_bp: 125, measurement_time: '2026-03-01T09:30:00.000Z', entered_in_error_at: null },
      },
      {
        version: 2,
        action: 'correct',
        at: '2026-03-02T10:00:00.000Z',
        by: { user_id: 'u2', username: 'user2', role: 'investigator' },
        reason: 'transcription error',
        changes: [{ field: 'systolic_bp', old: 125, new: 128 }],
        values: { systolic_bp: 128, measurement_time: '2026-03-01T09:30:00.000Z', entered_in_error_at: null },
      },
    ]);
  });

  it('shows a creation the trail does not hold from the current values with every change undone', () => {
    const current = { systolic_bp: 128, measurement_time: null, entered_in_error_at: null };
    const versions = recordVersions([corrected], current, { fields: FIELDS, createdAt: '2026-02-28T08:00:00.000Z' });
    expect(versions.map((v) => [v.version, v.action, v.at, v.by])).toEqual([
      [1, 'create', '2026-02-28T08:00:00.000Z', null],
      [2, 'correct', '2026-03-02T10:00:00.000Z', { user_id: 'u2', username: 'user2', role: 'investigator' }],
    ]);
    expect(versions[0].values).toEqual({ systolic_bp: 125, measurement_time: null, entered_in_error_at: null });
    expect(versions[0].changes).toEqual([{ field: 'systolic_bp', old: null, new: 125 }]);
  });

  it('undoes several changes of one field in order, and normalizes values from the trail', () => {
    const again = event(3, 'correct', { measurement_time: { old: '2026-03-01T10:30:00+01:00', new: '2026-03-01T08:00:00+00:00' } }, 'wrong hour');
    const hidden = event(4, 'entered_in_error', { entered_in_error_at: { old: null, new: '2026-03-04T10:00:00+00:00' } }, 'wrong subject');
    const current = { systolic_bp: 128, measurement_time: '2026-03-01T08:00:00.000Z', entered_in_error_at: '2026-03-04T10:00:00.000Z' };
    const versions = recordVersions([created, corrected, again, hidden], current, {
      fields: FIELDS,
      createdAt: '2026-03-01T10:00:00.000Z',
      normalize: (field, value) => (field === 'entered_in_error_at' && typeof value === 'string' ? new Date(value).toISOString() : toIso(field, value)),
    });
    expect(versions.map((v) => v.values.systolic_bp)).toEqual([125, 128, 128, 128]);
    expect(versions.map((v) => v.values.measurement_time)).toEqual([
      '2026-03-01T09:30:00.000Z',
      '2026-03-01T09:30:00.000Z',
      '2026-03-01T08:00:00.000Z',
      '2026-03-01T08:00:00.000Z',
    ]);
    expect(versions[3]).toMatchObject({ action: 'entered_in_error', reason: 'wrong subject', values: { entered_in_error_at: '2026-03-04T10:00:00.000Z' } });
    expect(versions[2].values.entered_in_error_at).toBeNull();
  });
});
