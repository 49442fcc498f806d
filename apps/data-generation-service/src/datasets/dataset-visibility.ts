import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import type { Recipe } from '../generators/recipe.js';

/**
 * The sites a dataset tells about: those it was generated for, and those its stored source came
 * from (a bootstrap dataset carries source values, an mvn dataset their means and covariances).
 */
export function sitesOf(recipe: Recipe): string[] {
  return [...new Set([...recipe.parameters.sites, ...(recipe.source?.sites ?? [])])];
}

/** A user limited to sites sees a dataset (its job, manifest and export) only when every site it tells about is theirs. */
export function maySeeDataset(user: AuthenticatedUser, recipe: Recipe): boolean {
  return !isSiteLimited(user) || sitesOf(recipe).every((site) => user.siteIds.includes(site));
}

/**
 * The same rule in SQL over `generation_datasets d`, for lists: `$n` is the user's sites, or null
 * for a user who sees every site.
 */
export const visibleToSites = (parameter: string): string => `
  (${parameter}::text[] IS NULL OR NOT EXISTS (
     SELECT 1 FROM json_array_elements_text(d.recipe -> 'parameters' -> 'sites') AS site
      WHERE site <> ALL (${parameter}::text[])
     UNION ALL
     SELECT 1 FROM json_array_elements_text(coalesce(d.recipe -> 'source' -> 'sites', '[]'::json)) AS site
      WHERE site <> ALL (${parameter}::text[])))`;
