import { repositoryPath } from '../../core/src/infrastructure/repoRoot.ts';

/**
 * The dashboard's files: the page and its style as written in the repository, and the
 * script bundled from src/ by build.ts (git-ignored; `make dashboard-build`).
 */
export const DASHBOARD_STATIC = {
  page: repositoryPath('services/api/dashboard/index.html'),
  style: repositoryPath('services/api/dashboard/dashboard.css'),
} as const;

export const DASHBOARD_ENTRY = repositoryPath('services/api/dashboard/src/main.ts');
export const DASHBOARD_BUNDLE = repositoryPath('services/api/dashboard/build/dashboard.js');
