/**
 * Headers every request to the platform carries, built once per run. Today the routes are open;
 * when they require a login, sign in here and return e.g. `{ authorization: 'Bearer …' }`, and
 * every phase (ingestion, cache warming, the read load and its bare twin) picks it up.
 */
export async function platformHeaders(_baseUrl: string): Promise<Record<string, string>> {
  return {};
}
