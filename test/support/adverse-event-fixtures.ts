/** An adverse event as a site records it (a mild, resolved headache), with any field replaced. */
export function adverseEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    term: 'Headache',
    body_system: 'Nervous system disorders',
    onset_date: '2026-03-02',
    end_date: '2026-03-04',
    severity_grade: 1,
    serious: false,
    relationship: 'possibly_related',
    outcome: 'recovered',
    action_taken: 'none',
    ...overrides,
  };
}
